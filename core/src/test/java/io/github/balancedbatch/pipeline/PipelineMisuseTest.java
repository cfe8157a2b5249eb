package io.github.balancedbatch.pipeline;

import static io.github.balancedbatch.pipeline.BatchPipelineTest.awaitQuietly;
import static io.github.balancedbatch.pipeline.BatchPipelineTest.sampler;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Misuse of the pipeline fails at once with a clear exception; idleness costs nothing. */
class PipelineMisuseTest {
    @AfterEach
    void noThreadLeftRunning() {
        assertEquals(0, PipelineStressTest.pipelineThreads(), "pipeline threads still running");
    }

    @Test
    void theBuilderAppliesTheCommandLinesBounds() {
        BalancedBatchSampler s = sampler(1);
        assertEquals("threads must be at most 256, got 3000",
                assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(s).threads(3000)).getMessage());
        assertEquals("prefetch must be at most 4096 slots, got 50000000",
                assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(s).prefetch(50_000_000)).getMessage());
        BatchPipeline.builder(s).threads(256).prefetch(4096); // the bounds themselves are allowed
    }

    @Test
    void aBatchTooLargeForOneBufferIsRefusedByBuild() {
        BalancedBatchSampler wide = BalancedBatchSampler.builder(ClassIndex.ofColumns(new int[] {0, 1}, 60_000))
                .classesPerBatch(1).samplesPerClass(40_000).seed(1).build();
        assertEquals("one batch of 40000 one-hot rows of 60000 classes is more than one buffer holds (536870909 floats)",
                assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(wide).oneHot(true).build())
                        .getMessage());
        // 600,000,000 floats: fewer than an array's limit, but more bytes than one buffer holds
        BalancedBatchSampler bytes = BalancedBatchSampler.builder(ClassIndex.ofColumns(new int[] {0, 1}, 30_000))
                .classesPerBatch(1).samplesPerClass(20_000).seed(1).build();
        assertEquals("one batch of 20000 one-hot rows of 30000 classes is more than one buffer holds (536870909 floats)",
                assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(bytes).oneHot(true).build())
                        .getMessage());
        assertEquals("536870910 floats: one buffer holds 0 to 536870909",
                assertThrows(IllegalArgumentException.class, () -> BatchBuffers.floats(536_870_910)).getMessage());
        BalancedBatchSampler two = BalancedBatchSampler.builder(ClassIndex.of(new int[] {1, 2}))
                .classesPerBatch(1).samplesPerClass(30_000).seed(1).build();
        FeatureMatrix rows = FeatureMatrix.copyOf(new float[200_000], 2, 100_000);
        assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(two).features(rows).build());
    }

    /** Idle threads park without a timeout (WAITING, not TIMED_WAITING), so 32 idle threads cost no CPU. */
    @Test
    void anIdlePipelineParksEveryThreadWithoutATimeout() throws InterruptedException {
        try (BatchPipeline p = BatchPipeline.builder(sampler(2)).features(BatchPipelineTest.FEATURES).threads(32)
                .prefetch(4).build()) {
            // The 4 slots fill up; then the sampler waits for a free slot and every gatherer for work.
            for (int attempt = 0; ; attempt++) {
                List<Thread.State> states = pipelineStates();
                if (states.size() == 33 && states.stream().allMatch(s -> s == Thread.State.WAITING)) {
                    break;
                }
                if (attempt == 1000) {
                    fail("pipeline threads never all parked without a timeout: " + states);
                }
                Thread.sleep(10);
            }
            for (int check = 0; check < 20; check++) { // and they stay parked: no periodic wake-ups
                Thread.sleep(5);
                List<Thread.State> states = pipelineStates();
                assertTrue(states.stream().allMatch(s -> s == Thread.State.WAITING), states.toString());
            }
            for (int i = 0; i < 50; i++) { // and every wake-up still arrives
                p.take().close();
            }
        }
    }

    private static List<Thread.State> pipelineStates() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("balanced-batch-"))
                .map(Thread::getState).collect(Collectors.toList());
    }

    @Test
    void twoThreadsTakingAtOnceAreRefused() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (BatchPipeline p = BatchPipeline.builder(sampler(3)).afterGather(seq -> awaitQuietly(gate)).build()) {
            AtomicReference<Object> first = new AtomicReference<>();
            Thread a = new Thread(() -> {
                try (Batch b = p.take()) {
                    first.set(b.sequence());
                } catch (Throwable t) {
                    first.set(t);
                }
            }, "first-consumer");
            a.start();
            while (a.getState() != Thread.State.WAITING && a.getState() != Thread.State.TIMED_WAITING) {
                Thread.onSpinWait(); // until the first take() waits for its batch
            }
            IllegalStateException e;
            try { // without the check, this take() would wait for the same batch as the first one
                e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(IllegalStateException.class, p::take));
            } finally {
                gate.countDown();
            }
            assertTrue(e.getMessage().contains("while first-consumer is taking"), e.getMessage());
            a.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(0L, first.get(), "the first consumer still gets batch 0");
            try (Batch b = p.take()) {
                assertEquals(1, b.sequence(), "and the next take gets batch 1");
            }
        }
    }

    /**
     * The stream's end is reached by the sampler ahead of the consumer: the batches sampled before it
     * are still gathered and delivered, even to a consumer already waiting when the sampler failed.
     */
    @Test
    void theLastBatchesOfTheStreamArriveAfterTheSamplerHasStopped() throws InterruptedException {
        BalancedBatchSampler s = sampler(5);
        int last = s.batchesPerEpoch() - 1;
        Thread me = Thread.currentThread();
        try (BatchPipeline p = BatchPipeline.builder(s).start(Integer.MAX_VALUE, last - 1).afterGather(seq -> {
            if (seq == 1) { // hold the last batch until the sampler has failed and the consumer waits for it
                for (int i = 0; i < 10_000 && (samplerAlive() || me.getState() == Thread.State.RUNNABLE); i++) {
                    sleepQuietly();
                }
            }
        }).build()) {
            try (Batch b = p.take()) {
                assertEquals(last - 1, b.batch());
            }
            try (Batch b = p.take()) {
                assertEquals(Integer.MAX_VALUE, b.epoch());
                assertEquals(last, b.batch());
            }
            PipelineException e = assertThrows(PipelineException.class, p::take);
            assertEquals("the stream ended: epoch 2147483647 is the last", e.getCause().getMessage());
        }
    }

    private static boolean samplerAlive() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("balanced-batch-sampler"));
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Batches completed before a background failure are delivered; the failure comes with the batch it prevented. */
    @Test
    void batchesReadyBeforeAFailureAreStillDelivered() throws InterruptedException {
        IllegalStateException boom = new IllegalStateException("boom");
        CountDownLatch failed = new CountDownLatch(1);
        try (BatchPipeline p = BatchPipeline.builder(sampler(4)).prefetch(8).afterGather(seq -> {
            if (seq == 5) {
                failed.countDown();
                throw boom;
            }
        }).build()) {
            assertTrue(failed.await(30, TimeUnit.SECONDS));
            for (int i = 0; i < 5; i++) {
                try (Batch b = p.take()) {
                    assertEquals(i, b.sequence());
                }
            }
            assertSame(boom, assertThrows(PipelineException.class, p::take).getCause());
        }
    }
}
