package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;

/** A quick timing loop (warm-up, then measured): a tuning aid; JMH in benchmarks/ is the reference. */
final class Timing {
    final long batches;
    final long nanos;

    private Timing(long batches, long nanos) {
        this.batches = batches;
        this.nanos = nanos;
    }

    double nanosPerBatch() {
        return nanos / (double) batches;
    }

    double batchesPerSecond() {
        return batches * 1e9 / nanos;
    }

    /** Times index generation for about {@code budgetNanos} after a warm-up of the same length. */
    static Timing sample(BalancedBatchSampler sampler, long budgetNanos) {
        BatchCursor cursor = sampler.cursor(0, 0);
        int[] rows = new int[sampler.batchSize()];
        run(cursor, rows, budgetNanos);
        return run(cursor, rows, budgetNanos);
    }

    private static Timing run(BatchCursor cursor, int[] rows, long budgetNanos) {
        long batches = 0;
        long start = System.nanoTime();
        long elapsed;
        int sink = 0;
        do {
            for (int i = 0; i < 64; i++) {
                cursor.next(rows);
                sink += rows[0];
            }
            batches += 64;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budgetNanos);
        if (sink == 42) {
            Thread.onSpinWait(); // keeps the results alive
        }
        return new Timing(batches, elapsed);
    }
}
