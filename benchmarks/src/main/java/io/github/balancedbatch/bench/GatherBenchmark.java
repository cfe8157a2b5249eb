package io.github.balancedbatch.bench;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Gathering one batch of P*K rows of {@code dim} floats, in ns per batch, with fresh row indices for
 * every batch: a ring of {@value #RING} batches of indices, made by our sampler in setup, is walked
 * one batch per invocation (one fixed index set would measure the cache, not memory).
 * <ul>
 *   <li>{@code naive}: the seed's way: a fresh {@code float[P*K][dim]}, each row copied from a
 *       {@code float[N][dim]} data set (the body of the naive port's {@code nextBatch});</li>
 *   <li>{@code fast}: {@link FeatureMatrix#gather} from off-heap storage of type {@code dtype}
 *       (float32, float16, uint8, int8; converted to float32) into one reused direct native-order
 *       {@code FloatBuffer};</li>
 *   <li>{@code rowLoop} (reference): the same rows copied one by one with
 *       {@code System.arraycopy} from one flat {@code float[]} into a reused {@code float[]}, the
 *       memory-latency floor of a simple single-threaded gather; always float32;</li>
 *   <li>{@code contiguous} (reference): one bulk copy of the same number of bytes from the same
 *       off-heap storage into the same direct buffer as {@code fast}, from a region that moves on
 *       through the data at every invocation (so it also comes from memory): the bandwidth
 *       ceiling; always float32.</li>
 * </ul>
 *
 * <p><strong>Data cap.</strong> The data set holds min(N, rows that fit in 1 GiB) rows
 * ({@link Workload#rowsFor}): all N except faceid x 512 (524,288 rows), seed x 2048 and
 * faceid x 2048 (131,072 rows each); faceid x 2048 would take 8 GiB per copy. The sampler that
 * makes the ring runs over the labels of those rows only, so every index is in range. All four
 * methods read the same logical data ({@link SyntheticFeatures}); JMH creates only the states a
 * method uses, so one trial holds one copy of at most 1 GiB (heap for {@code naive} and
 * {@code rowLoop}, off-heap for {@code fast} and {@code contiguous}), within the forks'
 * {@code -Xmx3g} (which also bounds direct memory). See the package documentation for the JVM flags.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class GatherBenchmark {
    /** Batches of row indices in the ring; a power of two. */
    static final int RING = 4096;

    /** The parameters and the (capped) shape of the data set; shared by all threads. */
    @State(Scope.Benchmark)
    public static class Data {
        @Param({"mnist", "seed", "faceid"})
        public Workload workload;

        @Param({"64", "512", "2048"})
        public int dim;

        int rows;
        int batchSize;
        /** Labels of the first {@code rows} samples. */
        int[] labels;

        @Setup(Level.Trial)
        public void setUp() {
            rows = workload.rowsFor(dim);
            batchSize = workload.batchSize();
            labels = Arrays.copyOf(workload.labels(), rows);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            labels = null;
        }
    }

    /** One thread's ring of row indices, its place in it, and its reused destinations. */
    @State(Scope.Thread)
    public static class Ring {
        int[] indices;
        int batchSize;
        int batch;
        /** Floats per batch, the data's total floats, and the next contiguous region's start. */
        int batchFloats;
        int totalFloats;
        int region;
        FloatBuffer direct;
        float[] heap;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            batchSize = data.batchSize;
            BatchCursor cursor = data.workload.sampler(ClassIndex.of(data.labels)).cursor(0, 0);
            indices = new int[RING * batchSize];
            for (int b = 0; b < RING; b++) {
                cursor.next(indices, b * batchSize, null, 0);
            }
            batchFloats = batchSize * data.dim;
            totalFloats = data.rows * data.dim;
            direct = BatchBuffers.floats(batchFloats);
            heap = new float[batchFloats];
        }

        /** Where the next batch's indices start in {@link #indices}. */
        int nextBatch() {
            int from = batch * batchSize;
            batch = (batch + 1) & (RING - 1);
            return from;
        }

        /** Where the next contiguous region of {@link #batchFloats} floats starts in the data. */
        int nextRegion() {
            int from = region;
            region = from + 2 * batchFloats <= totalFloats ? from + batchFloats : 0;
            return from;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            indices = null;
            direct = null;
            heap = null;
        }
    }

    /** The seed's layout on the heap: {@code float[rows][dim]}. */
    @State(Scope.Benchmark)
    public static class HeapRows {
        float[][] data;

        @Setup(Level.Trial)
        public void setUp(Data shape) {
            data = SyntheticFeatures.heapRows(shape.rows, shape.dim);
            System.gc(); // promote the data set now, so that the warm-up does not pay for it
        }

        /** A fresh copy of rows {@code indices[from .. from + count)}, as the seed's {@code nextBatch}. */
        float[][] copy(int[] indices, int from, int count) {
            final float[][] src = data;
            final int d = src[0].length;
            float[][] batch = new float[count][d];
            for (int s = 0; s < count; s++) {
                System.arraycopy(src[indices[from + s]], 0, batch[s], 0, d);
            }
            return batch;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            data = null;
        }
    }

    /** One flat heap array, row after row. */
    @State(Scope.Benchmark)
    public static class FlatRows {
        float[] data;
        int dim;

        @Setup(Level.Trial)
        public void setUp(Data shape) {
            dim = shape.dim;
            data = SyntheticFeatures.flat(shape.rows, shape.dim);
        }

        /** Copies rows {@code indices[from .. from + count)} one by one into {@code dst}. */
        float[] copyRows(int[] indices, int from, int count, float[] dst) {
            final float[] src = data;
            final int d = dim;
            for (int s = 0; s < count; s++) {
                System.arraycopy(src, indices[from + s] * d, dst, s * d, d);
            }
            return dst;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            data = null;
        }
    }

    /** Off-heap storage: a direct native-order buffer, wrapped (not copied) by a {@link FeatureMatrix}. */
    @State(Scope.Benchmark)
    public static class OffHeapRows {
        ByteBuffer bytes;
        FeatureMatrix matrix;
        FloatBuffer floats;

        @Setup(Level.Trial)
        public void setUp(Data shape) {
            bytes = SyntheticFeatures.direct(shape.rows, shape.dim);
            matrix = FeatureMatrix.wrap(bytes, shape.rows, shape.dim);
            floats = bytes.asFloatBuffer();
        }

        /** Gathers rows {@code indices[from .. from + count)} into {@code dst} from its start. */
        FloatBuffer gather(int[] indices, int from, int count, FloatBuffer dst) {
            dst.clear();
            matrix.gather(indices, from, count, dst);
            return dst;
        }

        /** One bulk copy of {@code dst.capacity()} floats starting at float {@code from} of the data. */
        FloatBuffer copyRegion(int from, FloatBuffer dst) {
            return dst.put(0, floats, from, dst.capacity());
        }

        /** Drops every reference; the direct buffer's memory is freed by the garbage collector. */
        @TearDown(Level.Trial)
        public void tearDown() {
            matrix = null;
            floats = null;
        }
    }

    @Benchmark
    public float[][] naive(HeapRows data, Ring ring) {
        return data.copy(ring.indices, ring.nextBatch(), ring.batchSize);
    }

    /** Off-heap storage of type {@code dtype}, wrapped (not copied) by a {@link FeatureMatrix}. */
    @State(Scope.Benchmark)
    public static class TypedRows {
        @Param({"float32", "float16", "uint8", "int8"})
        public Dtype dtype;

        FeatureMatrix matrix;

        @Setup(Level.Trial)
        public void setUp(Data shape) {
            matrix = SyntheticFeatures.matrix(shape.rows, shape.dim, dtype);
        }

        /** Gathers rows {@code indices[from .. from + count)}, as float32, into {@code dst} from its start. */
        FloatBuffer gather(int[] indices, int from, int count, FloatBuffer dst) {
            dst.clear();
            matrix.gather(indices, from, count, dst);
            return dst;
        }

        /** Drops every reference; the direct buffer's memory is freed by the garbage collector. */
        @TearDown(Level.Trial)
        public void tearDown() {
            matrix = null;
        }
    }

    @Benchmark
    public FloatBuffer fast(TypedRows data, Ring ring) {
        return data.gather(ring.indices, ring.nextBatch(), ring.batchSize, ring.direct);
    }

    @Benchmark
    public float[] rowLoop(FlatRows data, Ring ring) {
        return data.copyRows(ring.indices, ring.nextBatch(), ring.batchSize, ring.heap);
    }

    @Benchmark
    public FloatBuffer contiguous(OffHeapRows data, Ring ring) {
        return data.copyRegion(ring.nextRegion(), ring.direct);
    }
}
