package io.github.balancedbatch.djl;

/** Argument checks and arithmetic on (epoch, batch) positions shared by the adapters. */
final class Epochs {
    private Epochs() {}

    static void check(int epoch, int batch, int batchesPerEpoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be at least 0, got " + epoch);
        }
        if (batch < 0 || batch >= batchesPerEpoch) {
            throw new IllegalArgumentException("batch must be in [0, " + batchesPerEpoch + ") for an epoch of "
                    + batchesPerEpoch + " batches, got " + batch);
        }
    }

    /** The epoch after {@code epoch}; the stream ends at {@code Integer.MAX_VALUE}. */
    static int after(int epoch) {
        if (epoch == Integer.MAX_VALUE) {
            throw new IllegalStateException("the stream ended: epoch " + epoch + " is the last");
        }
        return epoch + 1;
    }
}
