package io.github.balancedbatch.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.loss.Loss;

/**
 * The batch-hard triplet loss of Hermans, Beyer and Leibe, "In Defense of the Triplet Loss for
 * Person Re-Identification" (2017): for every anchor of a P x K batch, the farthest sample of its
 * class and the nearest sample of another class, {@code mean(max(0, d(a, p) - d(a, n) + margin))}.
 *
 * <p>Expects L2-normalised embeddings (B, D) as the prediction and label values (B) as the label;
 * distances are Euclidean, {@code sqrt(2 - 2 cos)}. Every constant is a {@link Models#constant}: an
 * {@code NDArray} that lives until the batch closes, never a Java number (see there why).
 */
final class BatchHardTripletLoss extends Loss {
    /** Larger than any distance between unit vectors (at most 2). */
    private static final float FAR = 4f;
    private final float margin;

    BatchHardTripletLoss(float margin) {
        super("BatchHardTriplet");
        this.margin = margin;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray e = predictions.singletonOrThrow();
        NDArray y = labels.singletonOrThrow();
        NDArray distance = e.matMul(e.transpose()).mul(Models.constant(e, -2f)).add(Models.constant(e, 2f))
                .maximum(Models.constant(e, 1e-12f)).sqrt();
        NDArray same = y.expandDims(1).eq(y.expandDims(0)).toType(DataType.FLOAT32, false);
        NDArray hardestPositive = distance.mul(same).max(new int[] {1});
        NDArray hardestNegative = distance.add(same.mul(Models.constant(e, FAR))).min(new int[] {1});
        return hardestPositive.sub(hardestNegative).add(Models.constant(e, margin)).maximum(Models.constant(e, 0f)).mean();
    }
}
