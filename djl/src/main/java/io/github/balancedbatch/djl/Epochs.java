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

    /**
     * {@code next} as the epoch to hand out now. Adapters keep the next epoch as a {@code long}, so
     * that the last epoch ({@code Integer.MAX_VALUE}) can be handed out and only the call after it
     * fails.
     */
    static int take(long next) {
        if (next > Integer.MAX_VALUE) {
            throw new IllegalStateException("the stream ended: epoch " + Integer.MAX_VALUE + " was the last");
        }
        return (int) next;
    }
}
