package io.github.balancedbatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import java.util.SplittableRandom;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Many pipelines opened and closed with random slot and thread counts, slow and fast consumers,
 * consumers that stop early, injected failures and interrupts: every delivered batch must be the
 * sampler's own batch in order, and no pipeline thread may outlive its pipeline. Bounded: a fixed
 * number of rounds with short sleeps.
 */
class PipelineStressTest {
    static long pipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("balanced-batch-") && t.isAlive()).count();
    }

    @Test
    void manyPipelinesDeliverExactSequencesAndLeaveNoThreads() throws Exception {
        SplittableRandom r = new SplittableRandom(20261124);
        for (int round = 0; round < 400; round++) {
            long seed = r.nextLong();
            int slots = 1 + r.nextInt(5);
            int threads = 1 + r.nextInt(3);
            int batches = 1 + r.nextInt(60);
            int failAt = r.nextInt(4) == 0 ? r.nextInt(batches + 10) : -1;
            int interruptAt = r.nextInt(5) == 0 ? r.nextInt(batches) : -1;
            int consumerDelay = r.nextInt(3); // 0 fast, 1 sometimes slow, 2 slow
            int producerDelay = r.nextInt(3);
            String where = "round " + round + " seed " + seed + " slots " + slots + " threads " + threads + " failAt " + failAt;
            BalancedBatchSampler s = BatchPipelineTest.sampler(seed);
            BatchCursor expected = s.cursor(0, 0);
            int[] rows = new int[s.batchSize()];
            RuntimeException injected = new RuntimeException("injected at " + failAt);
            BatchPipeline p = BatchPipeline.builder(s).features(BatchPipelineTest.FEATURES).prefetch(slots).threads(threads)
                    .afterGather(seq -> {
                        if (seq == failAt) {
                            throw injected;
                        }
                        if (producerDelay == 2 || producerDelay == 1 && (seq & 7) == 0) {
                            LockSupport.parkNanos(200_000);
                        }
                    }).build();
            try {
                for (int i = 0; i < batches; i++) {
                    if (i == interruptAt) {
                        Thread.currentThread().interrupt();
                        try {
                            p.take();
                            throw new AssertionError("take() ignored the interrupt; " + where);
                        } catch (InterruptedException expectedInterrupt) {
                            // the batch is not consumed: the loop takes it next
                        }
                    }
                    Batch b;
                    try {
                        b = p.take();
                    } catch (PipelineException e) {
                        assertSame(injected, e.getCause(), where);
                        assertTrue(failAt >= 0 && failAt <= i + slots + threads, where + " failed at take " + i);
                        break;
                    }
                    expected.next(rows);
                    assertEquals(i, b.sequence(), where);
                    assertArrayEquals(rows, b.rows(), where);
                    assertEquals(rows[rows.length - 1] + 0.5f, b.features(0).get(rows.length * BatchPipelineTest.D - 1),
                            1e-3f, where);
                    if (consumerDelay == 2 || consumerDelay == 1 && (i & 3) == 0) {
                        LockSupport.parkNanos(300_000);
                    }
                    b.close();
                }
            } finally {
                p.close();
                p.close();
            }
            assertEquals(0, pipelineThreads(), "threads left after " + where);
        }
    }
}
