package io.github.balancedbatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BatchPipelineTest {
    static final int[] LABELS = SyntheticLabels.zipf(3_000, 60, 2, 1);
    static final int D = 6;
    static final FeatureMatrix FEATURES = features(LABELS.length, D, 0);
    static final FeatureMatrix SECOND = features(LABELS.length, 2, 1000);

    static FeatureMatrix features(int rows, int d, float offset) {
        float[] data = new float[rows * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = offset + i / d + (i % d) / 10f; // row r, column j -> offset + r + j/10
        }
        return FeatureMatrix.copyOf(data, rows, d);
    }

    static BalancedBatchSampler sampler(long seed) {
        return BalancedBatchSampler.builder(ClassIndex.of(LABELS)).classesPerBatch(7).samplesPerClass(3).seed(seed).build();
    }

    @AfterEach
    void noThreadLeftRunning() {
        assertEquals(0, PipelineStressTest.pipelineThreads(), "pipeline threads still running");
    }

    /** uint8 and float16 sources: converted to float32 by default, their stored bytes on request. */
    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 2})
    void gathersCompactTypesAsFloatsOrStoredBytes(int prefetch) throws InterruptedException {
        byte[] pixels = new byte[LABELS.length * 3];
        byte[] halves = new byte[LABELS.length * 2 * 2];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 7);
        }
        for (int i = 0; i < halves.length; i++) {
            halves[i] = (byte) (i * 13 + 1);
        }
        FeatureMatrix u8 = FeatureMatrix.copyOf(pixels, NpyType.UINT8, LABELS.length, 3).scaled(1 / 255f, 0f);
        FeatureMatrix f16 = FeatureMatrix.copyOf(halves, NpyType.FLOAT16, LABELS.length, 2);
        BalancedBatchSampler s = sampler(9);
        int n = s.batchSize();
        FloatBuffer want = FloatBuffer.allocate(n * 3);
        ByteBuffer wantBytes = ByteBuffer.allocate(n * 3);
        for (boolean stored : new boolean[] {false, true}) {
            try (BatchPipeline p = BatchPipeline.builder(s).features(u8, f16).storedBytes(stored).prefetch(prefetch).build()) {
                for (int i = 0; i < 5; i++) {
                    try (Batch b = p.take()) {
                        if (!stored) {
                            assertEquals(NpyType.FLOAT32, b.featureType(0));
                            u8.gather(b.rows(), 0, n, want.clear());
                            FloatBuffer got = b.features(0);
                            for (int j = 0; j < n * 3; j++) {
                                assertEquals(want.get(j), got.get(j));
                            }
                            assertEquals(n * 2 * Float.BYTES, b.featureBytes(1).remaining());
                        } else {
                            assertEquals(NpyType.UINT8, b.featureType(0));
                            assertEquals(NpyType.FLOAT16, b.featureType(1));
                            u8.gather(b.rows(), 0, n, wantBytes.clear());
                            assertEquals(wantBytes.flip(), b.featureBytes(0));
                            assertEquals(n * 2 * 2, b.featureBytes(1).remaining());
                            assertEquals(halves[b.rows()[0] * 4 + 3], b.featureBytes(1).get(3));
                            assertEquals("feature source 0 is gathered as stored UINT8 bytes: read featureBytes(0)",
                                    assertThrows(IllegalStateException.class, () -> b.features(0)).getMessage());
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 1, 3})
    void deliversTheSamplersBatchesInOrderWithFeaturesAndLabels(int prefetch) throws InterruptedException {
        BalancedBatchSampler s = sampler(5);
        BatchCursor expected = s.cursor(2, 3);
        int[] rows = new int[s.batchSize()];
        try (BatchPipeline p = BatchPipeline.builder(s).features(FEATURES, SECOND).oneHot(true).prefetch(prefetch)
                .threads(2).start(2, 3).build()) {
            for (int i = 0; i < 2 * s.batchesPerEpoch(); i++) {
                int epoch = expected.epoch();
                int batch = expected.batch();
                expected.next(rows);
                try (Batch b = p.take()) {
                    assertEquals(i, b.sequence());
                    assertEquals(epoch, b.epoch());
                    assertEquals(batch, b.batch());
                    assertArrayEquals(rows, b.rows());
                    FloatBuffer f = b.features(0);
                    FloatBuffer g = b.features(1);
                    assertEquals(rows.length * D, f.remaining());
                    ByteBuffer bytes = b.featureBytes(1);
                    assertTrue(bytes.isDirect());
                    assertEquals(ByteOrder.nativeOrder(), bytes.order());
                    assertEquals(rows.length * 2 * Float.BYTES, bytes.remaining());
                    for (int r = 0; r < rows.length; r++) {
                        assertEquals(rows[r] + 0.5f, f.get(r * D + 5), 1e-3f);
                        assertEquals(g.get(r * 2 + 1), bytes.getFloat((r * 2 + 1) * Float.BYTES));
                        assertEquals(b.labels().get(r), b.labelBytes().getInt(r * Integer.BYTES));
                        assertEquals(b.oneHot().get(r * 60 + 1), b.oneHotBytes().getFloat((r * 60 + 1) * Float.BYTES));
                        assertEquals(1000 + rows[r] + 0.1f, g.get(r * 2 + 1), 1e-3f);
                        assertEquals(LABELS[rows[r]], b.labels().get(r));
                        assertEquals(1f, b.oneHot().get(r * 60 + LABELS[rows[r]]));
                    }
                }
            }
        }
    }

    @Test
    void builderRefusesMisalignedSourcesAndBadSizes() {
        BalancedBatchSampler s = sampler(1);
        assertEquals("feature source 0 has 10 rows, the labels have 3000", assertThrows(IllegalArgumentException.class,
                () -> BatchPipeline.builder(s).features(features(10, 2, 0))).getMessage());
        assertEquals("prefetch must be at least 0 slots, got -1",
                assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(s).prefetch(-1)).getMessage());
        assertEquals("threads must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(s).threads(0)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchPipeline.builder(s).start(0, 1_000).build());
    }

    @Test
    void aFailureReachesTheNextTakeWithItsCause() throws InterruptedException {
        IllegalStateException boom = new IllegalStateException("disk on fire");
        BatchPipeline p = BatchPipeline.builder(sampler(2)).features(FEATURES).threads(2)
                .afterGather(seq -> {
                    if (seq == 5) {
                        throw boom;
                    }
                }).build();
        try {
            PipelineException e = assertThrows(PipelineException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    p.take().close();
                }
            });
            assertSame(boom, e.getCause());
            assertTrue(e.getMessage().startsWith("balanced-batch-gather-1 failed: java.lang.IllegalStateException: disk on fire"),
                    e.getMessage());
            assertThrows(PipelineException.class, p::take, "and again at every later take");
        } finally {
            p.close();
        }
    }

    @Test
    void interruptedConsumerGetsInterruptedExceptionAndLosesNothing() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        BalancedBatchSampler s = sampler(3);
        int[][] expected = new int[3][s.batchSize()];
        BatchCursor c = s.cursor(0, 0);
        for (int[] e : expected) {
            c.next(e);
        }
        try (BatchPipeline p = BatchPipeline.builder(s).afterGather(seq -> {
            if (seq == 1) {
                awaitQuietly(gate);
            }
        }).build()) {
            try (Batch b = p.take()) {
                assertArrayEquals(expected[0], b.rows());
            }
            Thread.currentThread().interrupt();
            InterruptedException e = assertThrows(InterruptedException.class, p::take);
            assertEquals("interrupted while waiting for batch 1", e.getMessage());
            assertFalse(Thread.currentThread().isInterrupted());
            gate.countDown();
            try (Batch b = p.take()) {
                assertArrayEquals(expected[1], b.rows(), "the interrupted take's batch is delivered next");
            }
            try (Batch b = p.take()) {
                assertArrayEquals(expected[2], b.rows());
            }
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedConsumerAndIsIdempotent() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch gathering = new CountDownLatch(1);
        BatchPipeline p = BatchPipeline.builder(sampler(4)).afterGather(seq -> {
            gathering.countDown();
            awaitQuietly(gate); // no batch is ever ready while the gate is shut
        }).build();
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread consumer = new Thread(() -> {
            try {
                p.take();
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        consumer.start();
        assertTrue(gathering.await(10, TimeUnit.SECONDS));
        Thread closer = new Thread(p::close);
        closer.start();
        consumer.join(TimeUnit.SECONDS.toMillis(10)); // woken by close(), although no batch came
        assertFalse(consumer.isAlive(), "the blocked take() returned");
        assertTrue(seen.get() instanceof IllegalStateException, String.valueOf(seen.get()));
        assertEquals("the pipeline is closed", seen.get().getMessage());
        gate.countDown(); // lets the gathering thread see the close and end
        closer.join(TimeUnit.SECONDS.toMillis(10));
        assertFalse(closer.isAlive(), "close() returned");
        p.close();
        assertEquals("the pipeline is closed", assertThrows(IllegalStateException.class, p::take).getMessage());
    }

    @Test
    void takingPastABatchStillHeldIsRefusedInsteadOfHanging() throws InterruptedException {
        try (BatchPipeline p = BatchPipeline.builder(sampler(6)).prefetch(2).build()) {
            Batch a = p.take();
            Batch b = p.take();
            b.close();
            assertEquals("batch 0 still holds the slot that batch 2 needs: close() batches in the order they were taken",
                    assertThrows(IllegalStateException.class, p::take).getMessage());
            a.close();
            assertEquals(2, p.take().sequence());
        }
    }

    @Test
    void takingEverySlotWithoutHandingBackIsRefused() throws InterruptedException {
        try (BatchPipeline p = BatchPipeline.builder(sampler(6)).prefetch(2).build()) {
            Batch a = p.take();
            p.take();
            assertEquals("all 2 slots are taken: close() a batch before taking more",
                    assertThrows(IllegalStateException.class, p::take).getMessage());
            a.close();
            a.close(); // idempotent
            assertEquals(2, p.take().sequence());
        }
    }

    @Test
    void byteViewsShareTheSlotsMemory() throws InterruptedException {
        try (BatchPipeline p = BatchPipeline.builder(sampler(8)).features(FEATURES).prefetch(0).build();
                Batch b = p.take()) {
            b.featureBytes(0).putFloat(3 * Float.BYTES, -7.5f);
            assertEquals(-7.5f, b.features(0).get(3), "a write through the bytes is seen through the floats");
            b.labels().put(2, 12345);
            assertEquals(12345, b.labelBytes().getInt(2 * Integer.BYTES));
            assertEquals("the pipeline was built without oneHot(true)",
                    assertThrows(IllegalStateException.class, b::oneHotBytes).getMessage());
        }
    }

    @Test
    void synchronousPipelineStartsNoThreadAndStopsAtItsFirstFailure() throws InterruptedException {
        IllegalStateException boom = new IllegalStateException("disk on fire");
        BatchPipeline p = BatchPipeline.builder(sampler(2)).features(FEATURES).prefetch(0).threads(4)
                .afterGather(seq -> {
                    assertEquals(0, PipelineStressTest.pipelineThreads(), "assembled in the caller's thread");
                    if (seq == 2) {
                        throw boom;
                    }
                }).build();
        try {
            assertEquals(1, p.slots());
            Batch first = p.take();
            assertEquals("all 1 slots are taken: close() a batch before taking more",
                    assertThrows(IllegalStateException.class, p::take).getMessage());
            first.close();
            p.take().close();
            assertSame(boom, assertThrows(IllegalStateException.class, p::take), "thrown as it is, in the caller");
            assertSame(boom, assertThrows(PipelineException.class, p::take).getCause(), "and no batch after it");
        } finally {
            p.close();
        }
        assertSame(boom, assertThrows(PipelineException.class, p::take).getCause(), "also once closed");
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
