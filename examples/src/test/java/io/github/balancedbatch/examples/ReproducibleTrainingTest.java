package io.github.balancedbatch.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.djl.BalancedDataset;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same seed trains the same model, bit for bit, whatever the data path (inline, one or two
 * gathering threads) and whenever the garbage collector runs.
 *
 * <p>Why the collector: DJL 0.36's PyTorch engine makes the Java number of {@code x.mul(2f)},
 * {@code x.maximum(0f)} ... a tensor over a temporary direct buffer and closes it when the operation
 * returns, while autograd keeps the tensor for the backward pass. A collection between the forward
 * and the backward pass frees that buffer and the backward pass reads freed memory: training runs then
 * differed from one another depending on when collections happened. Here every step collects between
 * the two passes, which used to corrupt every step's gradients.
 */
class ReproducibleTrainingTest {
    private static final int N = 400;
    private static final int STEPS = 12;
    private static NDManager manager;
    private static FeatureMatrix images;
    private static int[] labels;

    @BeforeAll
    static void data() {
        manager = NDManager.newBaseManager("PyTorch");
        SplittableRandom rng = new SplittableRandom(5);
        int side = FashionMnist.SIDE;
        float[] pixels = new float[N * side * side];
        labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 10;
            for (int p = 0; p < side * side; p++) {
                boolean bar = p / side / 2 == labels[i] + 2;
                pixels[i * side * side + p] = (bar ? 60 + rng.nextInt(120) : rng.nextInt(120)) / 255f;
            }
        }
        images = FeatureMatrix.copyOf(pixels, N, side, side);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Collects garbage and gives the cleaner time to free unreachable direct buffers. */
    private static void collect() {
        System.gc();
        try {
            Thread.sleep(5);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (int i = 0; i < 64; i++) { // take freed memory back, as the rest of a program would
            ByteBuffer.allocateDirect(4).putInt(0, 0x7f7f7f7f);
        }
    }

    /** The example's loss, with a collection after the forward pass when {@code pressure}. */
    private static Loss loss(boolean pressure) {
        BatchHardTripletLoss inner = new BatchHardTripletLoss(MetricLearning.MARGIN);
        return new Loss("triplet-under-gc") {
            @Override
            public NDArray evaluate(NDList labels, NDList predictions) {
                NDArray value = inner.evaluate(labels, predictions);
                if (pressure) {
                    collect();
                }
                return value;
            }
        };
    }

    /** Every parameter's bytes after training {@code STEPS} steps. */
    private static List<byte[]> train(int prefetch, int threads, boolean pressure) throws Exception {
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(ClassIndex.of(labels))
                .classesPerBatch(MetricLearning.P).samplesPerClass(MetricLearning.K).seed(7).build();
        try (Model model = Model.newInstance("repro", "PyTorch");
             Trainer trainer = Training.trainer(model, Models.embedding(), loss(pressure), sampler.batchSize(), STEPS, 7);
             BalancedDataset data = BalancedDataset.builder(sampler).features(images)
                     .prefetch(prefetch).threads(threads).build()) {
            Training.train(trainer, data, STEPS, new Training.Times());
            List<byte[]> out = new ArrayList<>();
            for (Pair<String, Parameter> p : model.getBlock().getParameters()) {
                out.add(p.getValue().getArray().toByteArray());
            }
            return out;
        }
    }

    @Test
    void theSameSeedTrainsTheSameBitsInlineAndWithOneOrTwoGatheringThreads() throws Exception {
        List<byte[]> reference = train(0, 1, false);
        String[] names = {"inline", "one gathering thread", "two gathering threads", "inline again"};
        int[][] modes = {{0, 1}, {4, 1}, {4, 2}, {0, 1}};
        for (int m = 0; m < modes.length; m++) {
            List<byte[]> got = train(modes[m][0], modes[m][1], true);
            assertEquals(reference.size(), got.size());
            for (int p = 0; p < got.size(); p++) {
                assertArrayEquals(reference.get(p), got.get(p), names[m] + ", with a collection in every step: parameter " + p);
            }
        }
    }

    /** The constants of the loss and the model live until the batch closes: collections cannot touch them. */
    @Test
    void gradientsOfTheExampleLossDoNotDependOnCollections() {
        try (NDManager m = manager.newSubManager()) {
            NDArray e = Models.unit(m.randomNormal(new ai.djl.ndarray.types.Shape(8, 4)));
            NDArray y = m.create(new int[] {0, 0, 1, 1, 2, 2, 3, 3});
            float[] plain = gradient(e, y, false);
            float[] collected = gradient(e, y, true);
            assertArrayEquals(plain, collected);
            float sum = 0;
            for (float g : plain) {
                sum += Math.abs(g);
            }
            assertTrue(sum > 0, "the loss has a gradient");
        }
    }

    private static float[] gradient(NDArray embedding, NDArray labels, boolean pressure) {
        NDArray x = embedding.duplicate();
        x.setRequiresGradient(true);
        try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
            NDArray value = loss(pressure).evaluate(new NDList(labels), new NDList(Models.unit(x)));
            c.backward(value);
        }
        return x.getGradient().toFloatArray();
    }

}
