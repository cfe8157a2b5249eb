package io.github.balancedbatch.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.Trainer;
import java.nio.ByteBuffer;

/** The small CNN both experiments train, and what they measure with it. */
final class Models {
    /** Images per forward pass when evaluating (small blocks keep activations in cache). */
    private static final int FORWARD_BLOCK = 250;
    /** Rows per block of the similarity matrix. */
    private static final int BLOCK = 1000;

    private Models() {}

    /** conv16 - pool - conv32 - pool - dense64 over 28 x 28 images given as (B, 28, 28). */
    static SequentialBlock cnn() {
        int side = FashionMnist.SIDE;
        return new SequentialBlock()
                .add(new LambdaBlock(x -> new NDList(x.singletonOrThrow().reshape(-1, 1, side, side)), "image"))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(16).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(32).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(64).build());
    }

    /** The CNN with unit-length 64-d embeddings. */
    static SequentialBlock embedding() {
        return cnn().add(new LambdaBlock(x -> new NDList(unit(x.singletonOrThrow())), "l2-normalise"));
    }

    /** The CNN with a ReLU and a 10-way linear head (logits). */
    static SequentialBlock classifier() {
        return cnn().add(Activation.reluBlock()).add(Linear.builder().setUnits(10).build());
    }

    static NDArray unit(NDArray x) {
        return x.div(x.square().sum(new int[] {1}, true).sqrt().maximum(constant(x, 1e-12f)));
    }

    /**
     * {@code value} as a 0-d float32 NDArray in {@code like}'s manager, so that it lives until that
     * manager closes (in training: the batch's, after the step). Use it instead of a Java number in
     * any operation that autograd differentiates. DJL 0.36's PyTorch engine turns the number of
     * {@code x.mul(2f)}, {@code x.maximum(0f)} ... into a tensor over a temporary direct buffer and
     * closes it as soon as the operation returns, but autograd keeps that tensor for the backward
     * pass (the factor of a product, the bound of a maximum): when a garbage collection frees the
     * buffer in between, backward reads freed memory, and training results change from run to run
     * (see docs/djl.md).
     */
    static NDArray constant(NDArray like, float value) {
        return like.getManager().create(value);
    }

    /** The images of {@code split} rows {@code [from, from + count)} as an NDArray over their bytes (no copy). */
    static NDArray images(NDManager m, FashionMnist.Split split, int from, int count) {
        int bytes = FashionMnist.SIDE * FashionMnist.SIDE * Float.BYTES;
        ByteBuffer rows = split.bytes.slice(from * bytes, count * bytes).order(split.bytes.order());
        return m.create(rows, new Shape(count, FashionMnist.SIDE, FashionMnist.SIDE), DataType.FLOAT32);
    }

    /** The model's output for every image of {@code split}, (N, D), in {@code m}. */
    static NDArray outputs(Trainer trainer, NDManager m, FashionMnist.Split split) {
        NDList parts = new NDList();
        for (int from = 0; from < split.size(); from += FORWARD_BLOCK) {
            int count = Math.min(FORWARD_BLOCK, split.size() - from);
            try (NDManager block = m.newSubManager()) {
                NDArray out = trainer.evaluate(new NDList(images(block, split, from, count))).singletonOrThrow();
                out.attach(m);
                parts.add(out);
            }
        }
        NDArray all = NDArrays.concat(parts);
        parts.close();
        return all;
    }

    /**
     * Recall@1 under cosine similarity, leave-one-out: the share of rows whose most similar other row
     * has the same label. {@code rows} (N, D) must be unit-length; similarities in blocks of rows.
     */
    static double recallAt1(NDArray rows, int[] labels) {
        long n = rows.getShape().get(0);
        int hits = 0;
        NDArray all = rows.transpose();
        for (int from = 0; from < n; from += BLOCK) {
            int count = (int) Math.min(BLOCK, n - from);
            try (NDManager block = rows.getManager().newSubManager()) {
                NDArray part = rows.get(from + ":" + (from + count));
                part.attach(block);
                NDArray similarity = part.matMul(all);
                similarity.attach(block);
                // the two most similar rows: the row itself and its nearest neighbour, in either order
                long[] top = similarity.topK(2, 1).get(1).toLongArray();
                for (int i = 0; i < count; i++) {
                    long nearest = top[2 * i] == from + i ? top[2 * i + 1] : top[2 * i];
                    if (labels[(int) nearest] == labels[from + i]) {
                        hits++;
                    }
                }
            }
        }
        return (double) hits / n;
    }

    /** Per-class accuracy of the classifier's argmax over {@code split}; element 10 is the overall accuracy. */
    static double[] accuracies(Trainer trainer, NDManager m, FashionMnist.Split split) {
        int[] right = new int[10];
        int[] total = new int[10];
        try (NDManager scope = m.newSubManager()) {
            long[] predicted = outputs(trainer, scope, split).argMax(1).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                int c = split.labels[i];
                total[c]++;
                if (predicted[i] == c) {
                    right[c]++;
                }
            }
        }
        double[] out = new double[11];
        int allRight = 0;
        for (int c = 0; c < 10; c++) {
            out[c] = total[c] == 0 ? 0 : (double) right[c] / total[c];
            allRight += right[c];
        }
        out[10] = (double) allRight / split.size();
        return out;
    }
}
