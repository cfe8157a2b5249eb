package io.github.balancedbatch.bench;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;

/**
 * One thread's batch source as a training loop keeps it: a cursor of a sampler from epoch 0, batch
 * 0, and the caller's row array, reused for every batch. {@link #next()} allocates nothing; the
 * cursor runs as an endless stream, so epoch starts come at their real rate. Not thread-safe: a
 * {@code Scope.Thread} state holds one and drops it in its {@code @TearDown}.
 */
final class CursorRows {
    private final BatchCursor cursor;
    private final int[] rows;

    CursorRows(BalancedBatchSampler sampler) {
        this.cursor = sampler.cursor(0, 0);
        this.rows = new int[sampler.batchSize()];
    }

    /** The next batch's P*K row indices, in the reused array. */
    int[] next() {
        cursor.next(rows);
        return rows;
    }
}
