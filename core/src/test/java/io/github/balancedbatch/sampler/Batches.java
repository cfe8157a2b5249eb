package io.github.balancedbatch.sampler;

import java.util.Arrays;

/** Test helpers: runs a sampler and hands back plain arrays to check. */
final class Batches {
    private Batches() {
    }

    /** {@code count} batches from the start of epoch {@code epoch}; each row is one batch. */
    static int[][] take(BalancedBatchSampler sampler, int epoch, int first, int count) {
        BatchCursor cursor = sampler.cursor(epoch, first);
        int[][] out = new int[count][sampler.batchSize()];
        for (int b = 0; b < count; b++) {
            cursor.next(out[b]);
        }
        return out;
    }

    static int[][] epoch(BalancedBatchSampler sampler, int epoch) {
        return take(sampler, epoch, 0, sampler.batchesPerEpoch());
    }

    /** The label of every row, from the test's own copy of the labels. */
    static int[] labelsOf(int[] batch, int[] labels) {
        int[] out = new int[batch.length];
        for (int i = 0; i < batch.length; i++) {
            out[i] = labels[batch[i]];
        }
        return out;
    }

    static int[] sorted(int[] a) {
        int[] s = a.clone();
        Arrays.sort(s);
        return s;
    }
}
