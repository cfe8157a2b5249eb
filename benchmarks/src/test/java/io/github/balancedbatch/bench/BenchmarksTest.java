package io.github.balancedbatch.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.pipeline.Batch;
import io.github.balancedbatch.sampler.BatchCursor;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark's setup, each benchmark method a few times and the teardown, on the small
 * mnist workload (N = 60,000, dim 64), and checks that the results are what the benchmark claims to
 * measure: right sizes, indices in range, the same floats from every gather of the same rows.
 * Asserts no time.
 */
class BenchmarksTest {
    private static final Workload W = Workload.mnist;
    private static final int DIM = 64;

    /** Asserts P*K indices in [0, n); with labels, exactly P distinct classes with K each. */
    private static void assertBatch(int[] rows, int n, int[] labels, int p, int k) {
        assertEquals(p * k, rows.length);
        Map<Integer, Integer> perClass = new HashMap<>();
        for (int r : rows) {
            assertTrue(r >= 0 && r < n, "row " + r + " outside [0, " + n + ")");
            if (labels != null) {
                perClass.merge(labels[r], 1, Integer::sum);
            }
        }
        if (labels != null) {
            assertEquals(p, perClass.size(), "classes in " + perClass);
            perClass.values().forEach(c -> assertEquals(k, c, "samples per class in " + perClass));
        }
    }

    private static float[] floats(FloatBuffer b, int count) {
        float[] a = new float[count];
        b.get(0, a);
        return a;
    }

    private static float[] flatten(float[][] rows) {
        int d = rows[0].length;
        float[] a = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, a, i * d, d);
        }
        return a;
    }

    private static float[] expected(int[] indices, int from, int count, int dim) {
        float[] a = new float[count * dim];
        for (int s = 0; s < count; s++) {
            SyntheticFeatures.row(indices[from + s], dim, a, s * dim);
        }
        return a;
    }

    @Test
    void workloadsMatchTheSpec() {
        assertEquals(60_000, Workload.mnist.labels().length);
        assertEquals(100, Workload.mnist.batchSize());
        assertEquals(750, Workload.seed.batchSize());
        assertEquals(256, Workload.faceid.batchSize());
        assertEquals(Workload.seed, Workload.valueOf("seed"));
        assertEquals(1_000_000, Workload.faceid.rowsFor(64));
        assertEquals(524_288, Workload.faceid.rowsFor(512));
        assertEquals(131_072, Workload.seed.rowsFor(2048));
        assertEquals(60_000, Workload.mnist.rowsFor(2048));
    }

    @Test
    void indexBenchmark() {
        IndexBenchmark bench = new IndexBenchmark();
        IndexBenchmark.Labels labels = new IndexBenchmark.Labels();
        labels.workload = W;
        labels.setUp();
        IndexBenchmark.Fast fast = new IndexBenchmark.Fast();
        fast.setUp(labels);
        IndexBenchmark.Naive naive = new IndexBenchmark.Naive();
        naive.setUp(labels);
        IndexBenchmark.Floor floor = new IndexBenchmark.Floor();
        floor.setUp(labels);
        IndexBenchmark.FastCategories categories = new IndexBenchmark.FastCategories();
        categories.setUp(labels);
        IndexBenchmark.FastMultiLabel multi = new IndexBenchmark.FastMultiLabel();
        multi.setUp(labels);
        io.github.balancedbatch.sampler.ClassIndex multiIndex = W.multiLabelIndex(labels.grouped.labels);
        assertTrue(multiIndex.multiLabel());
        assertEquals(W.samples(), multiIndex.sampleCount());
        assertTrue(multiIndex.membershipCount() > 1.2 * W.samples() && multiIndex.membershipCount() < 1.3 * W.samples(),
                () -> multiIndex.membershipCount() + " memberships");
        int n = W.samples();
        for (int i = 0; i < 3; i++) {
            int[] ml = bench.fastMultiLabel(multi);
            assertSame(ml, bench.fastMultiLabel(multi), "fastMultiLabel reuses its array");
            assertEquals(W.batchSize(), ml.length);
            assertEquals(ml.length, Arrays.stream(ml).distinct().count(), "no sample twice in a multi-label batch");
            for (int b = 0; b < W.classesPerBatch(); b++) { // grouped: K rows that share (at least) their anchor label
                java.util.Set<Integer> common = null;
                for (int j = b * W.samplesPerClass(); j < (b + 1) * W.samplesPerClass(); j++) {
                    assertTrue(ml[j] >= 0 && ml[j] < n);
                    java.util.Set<Integer> mine = new java.util.HashSet<>();
                    for (int t = 0; t < multiIndex.labelCount(ml[j]); t++) {
                        mine.add(multiIndex.labelOrdinal(ml[j], t));
                    }
                    if (common == null) {
                        common = mine;
                    } else {
                        common.retainAll(mine);
                    }
                }
                assertTrue(!common.isEmpty(), "the K rows of an anchor share no label");
            }
            int[] f = bench.fast(fast);
            assertBatch(f, n, labels.grouped.labels, W.classesPerBatch(), W.samplesPerClass());
            assertSame(f, bench.fast(fast), "fast reuses its array");
            int[] nv = bench.naive(naive);
            assertBatch(nv, n, labels.grouped.labels, W.classesPerBatch(), W.samplesPerClass());
            assertNotSame(nv, bench.naive(naive), "naive allocates per batch");
            assertBatch(bench.floor(floor), n, null, W.classesPerBatch(), W.samplesPerClass());
            int[] c = bench.fastCategories(categories);
            assertBatch(c, n, labels.grouped.labels, W.classesPerBatch(), W.samplesPerClass());
            assertSame(c, bench.fastCategories(categories), "fastCategories reuses its array");
            int perCategory = W.classesPerBatch() / W.categoriesPerBatch() * W.samplesPerClass();
            for (int j = 0; j < c.length; j++) { // grouped: P / Q classes x K rows of one category, Q times
                assertEquals(labels.grouped.labels[c[j - j % perCategory]] % W.categoryCount(),
                        labels.grouped.labels[c[j]] % W.categoryCount());
            }
            assertEquals(W.categoriesPerBatch(), Arrays.stream(c).map(r -> labels.grouped.labels[r] % W.categoryCount())
                    .distinct().count());
        }
        categories.tearDown();
        multi.tearDown();
        fast.tearDown();
        naive.tearDown();
        floor.tearDown();
        labels.tearDown();
    }

    @Test
    void gatherBenchmarkCopiesTheSameFloatsEveryWay() {
        GatherBenchmark bench = new GatherBenchmark();
        GatherBenchmark.Data data = new GatherBenchmark.Data();
        data.workload = W;
        data.dim = DIM;
        data.setUp();
        assertEquals(W.samples(), data.rows);
        GatherBenchmark.HeapRows heap = new GatherBenchmark.HeapRows();
        heap.setUp(data);
        GatherBenchmark.FlatRows flat = new GatherBenchmark.FlatRows();
        flat.setUp(data);
        GatherBenchmark.OffHeapRows offHeap = new GatherBenchmark.OffHeapRows();
        offHeap.setUp(data);
        GatherBenchmark.TypedRows[] typed = new GatherBenchmark.TypedRows[Dtype.values().length];
        for (Dtype t : Dtype.values()) {
            typed[t.ordinal()] = new GatherBenchmark.TypedRows();
            typed[t.ordinal()].dtype = t;
            typed[t.ordinal()].setUp(data);
        }
        GatherBenchmark.Ring naiveRing = new GatherBenchmark.Ring();
        naiveRing.setUp(data);
        GatherBenchmark.Ring fastRing = new GatherBenchmark.Ring();
        fastRing.setUp(data);
        GatherBenchmark.Ring loopRing = new GatherBenchmark.Ring();
        loopRing.setUp(data);
        GatherBenchmark.Ring contiguousRing = new GatherBenchmark.Ring();
        contiguousRing.setUp(data);

        int k = W.batchSize();
        int batchFloats = k * DIM;
        assertEquals(GatherBenchmark.RING * k, naiveRing.indices.length);
        assertArrayEquals(naiveRing.indices, fastRing.indices, "every thread's ring is the same");
        for (int b = 0; b < GatherBenchmark.RING; b += 997) {
            assertBatch(Arrays.copyOfRange(naiveRing.indices, b * k, (b + 1) * k), data.rows,
                    data.labels, W.classesPerBatch(), W.samplesPerClass());
        }

        int[] indices = naiveRing.indices;
        // A full lap of the ring and one more batch: every batch fresh, then back to the start.
        for (int b = 0; b <= GatherBenchmark.RING; b++) {
            int from = (b % GatherBenchmark.RING) * k;
            float[] want = expected(indices, from, k, DIM);
            if (b < 3 || b == GatherBenchmark.RING) {
                float[][] naive = bench.naive(heap, naiveRing);
                assertEquals(k, naive.length);
                assertArrayEquals(want, flatten(naive), "naive, batch " + b);
                for (Dtype t : Dtype.values()) {
                    FloatBuffer fast = bench.fast(typed[t.ordinal()], fastRing);
                    assertEquals(batchFloats, fast.position());
                    assertArrayEquals(stored(want, t), floats(fast, batchFloats), "fast " + t + ", batch " + b);
                    if (t.ordinal() < Dtype.values().length - 1) {
                        fastRing.batch = (fastRing.batch - 1) & (GatherBenchmark.RING - 1); // same batch again
                    }
                }
                assertArrayEquals(want, bench.rowLoop(flat, loopRing), "rowLoop, batch " + b);
            } else {
                naiveRing.nextBatch();
                fastRing.nextBatch();
                loopRing.nextBatch();
            }
        }

        // contiguous: consecutive regions of the same data, wrapping before the end.
        int regions = data.rows * DIM / batchFloats;
        for (int i = 0; i < regions + 2; i++) {
            int start = (i % regions) * batchFloats;
            float[] want = new float[batchFloats];
            for (int r = 0; r < k; r++) {
                SyntheticFeatures.row(start / DIM + r, DIM, want, r * DIM);
            }
            assertArrayEquals(want, floats(bench.contiguous(offHeap, contiguousRing), batchFloats),
                    "contiguous region " + i);
        }

        for (GatherBenchmark.Ring r : new GatherBenchmark.Ring[] {naiveRing, fastRing, loopRing, contiguousRing}) {
            r.tearDown();
        }
        heap.tearDown();
        flat.tearDown();
        offHeap.tearDown();
        for (GatherBenchmark.TypedRows t : typed) {
            t.tearDown();
        }
        data.tearDown();
    }

    /** What a gather of rows stored as {@code t} gives for the float32 values {@code v}. */
    private static float[] stored(float[] v, Dtype t) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = t.stored(v[i]);
        }
        return out;
    }

    @Test
    void dtypesStoreWhatTheyPromise() {
        assertEquals(0x3c00 - 0x400, Dtype.halfBits(512)); // 0.5
        assertEquals(0x3bfe, Dtype.halfBits(1023)); // 1023/1024
        assertEquals(0x1400, Dtype.halfBits(1)); // 2^-10
        for (Dtype t : Dtype.values()) {
            java.nio.ByteBuffer b = SyntheticFeatures.direct(3, 5, t);
            io.github.balancedbatch.data.FeatureMatrix m = io.github.balancedbatch.data.FeatureMatrix.wrap(b, t.type, 3, 5);
            FloatBuffer dst = FloatBuffer.allocate(15);
            m.gather(new int[] {0, 1, 2}, 0, 3, dst);
            for (int i = 0; i < 15; i++) {
                assertEquals(t.stored(SyntheticFeatures.value(i / 5, i % 5, 5)), dst.get(i), t + " value " + i);
            }
        }
        assertEquals(-128f, Dtype.int8.stored(0f));
        assertEquals(127f, Dtype.int8.stored(0.9999f));
        assertEquals(255f, Dtype.uint8.stored(0.9999f));
    }

    @Test
    void batchBenchmarkProducesWholeBatches() throws InterruptedException {
        BatchBenchmark bench = new BatchBenchmark();
        BatchBenchmark.Data data = new BatchBenchmark.Data();
        data.workload = W;
        data.dim = DIM;
        data.setUp();
        BatchBenchmark.Naive naive = new BatchBenchmark.Naive();
        naive.setUp(data);
        int k = W.batchSize();
        for (Dtype t : Dtype.values()) {
            BatchBenchmark.OffHeapRows offHeap = new BatchBenchmark.OffHeapRows();
            offHeap.dtype = t;
            offHeap.setUp(data);
            BatchBenchmark.Fast fast = new BatchBenchmark.Fast();
            fast.setUp(data, offHeap);
            for (int i = 0; i < 3; i++) {
                Batch b = bench.fast(fast);
                assertEquals(i, b.sequence());
                assertBatch(b.rows(), data.rows, data.grouped.labels, W.classesPerBatch(), W.samplesPerClass());
                FloatBuffer features = b.features(0);
                assertArrayEquals(stored(expected(b.rows(), 0, k, DIM), t), floats(features, k * DIM), t + ", batch " + i);
                for (int s = 0; s < k; s++) {
                    assertEquals(data.grouped.labels[b.rows()[s]], b.labels().get(s), "label of slot " + s);
                }
            }
            fast.tearDown();
            offHeap.tearDown();
        }
        for (int i = 0; i < 3; i++) {

            float[][] batch = bench.naive(naive);
            NaiveBatchGenerator generator = naive.generator;
            int[] rows = generator.lastIndices();
            assertBatch(rows, data.rows, data.grouped.labels, W.classesPerBatch(), W.samplesPerClass());
            assertArrayEquals(expected(rows, 0, k, DIM), flatten(batch));
            for (int s = 0; s < k; s++) {
                assertEquals(data.grouped.labels[rows[s]], generator.lastLabels()[s]);
            }
        }
        naive.tearDown();
        data.tearDown();
    }

    @Test
    void scalingBenchmark() {
        ScalingBenchmark bench = new ScalingBenchmark();
        ScalingBenchmark.Labels labels = new ScalingBenchmark.Labels();
        labels.scale = 1;
        labels.setUp();
        assertEquals(20_000, labels.grouped.labels.length);
        assertEquals(200, labels.grouped.index.classCount());
        ScalingBenchmark.Fast fast = new ScalingBenchmark.Fast();
        fast.setUp(labels);
        ScalingBenchmark.Naive naive = new ScalingBenchmark.Naive();
        naive.setUp(labels);
        for (int i = 0; i < 3; i++) {
            assertBatch(bench.fast(fast), 20_000, labels.grouped.labels, 75, 10);
            assertBatch(bench.naive(naive), 20_000, labels.grouped.labels, 75, 10);
        }
        fast.tearDown();
        naive.tearDown();
        labels.tearDown();
    }

    @Test
    void buildBenchmark() {
        BuildBenchmark bench = new BuildBenchmark();
        BuildBenchmark.Labels labels = new BuildBenchmark.Labels();
        assertEquals(Workload.faceid, labels.workload, "benchmark runs build faceid");
        labels.workload = W;
        labels.setUp();
        int[] copy = labels.labels.clone();
        BatchCursor cursor = bench.fast(labels);
        assertEquals(W.samples(), cursor.sampler().classes().sampleCount());
        int[] rows = new int[W.batchSize()];
        cursor.next(rows);
        assertBatch(rows, W.samples(), labels.labels, W.classesPerBatch(), W.samplesPerClass());
        NaiveBatchGenerator naive = bench.naive(labels);
        assertNotNull(naive);
        assertEquals(W.classes(), naive.classCount());
        assertArrayEquals(copy, labels.labels, "building leaves the labels alone");
        labels.tearDown();
    }
}
