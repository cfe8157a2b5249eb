package io.github.balancedbatch.bench;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.pipeline.Batch;
import io.github.balancedbatch.pipeline.BatchPipeline;
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
 * A whole batch, as a training loop takes it: P*K row indices, their rows of {@code dim} floats and
 * their label values. Measured as the mean (AverageTime, ns per batch) and as a latency
 * distribution (SampleTime: p50, p99, p99.9, max), since a training loop stalls on the slow batch.
 * <ul>
 *   <li>{@code naive}: the seed's {@code __getitem__} ({@link NaiveBatchGenerator#nextBatch}):
 *       fresh index, label and {@code float[P*K][dim]} arrays per batch;</li>
 *   <li>{@code fast}: {@link BatchPipeline#take()} of a synchronous pipeline ({@code prefetch(0)}):
 *       the cursor's indices, {@link FeatureMatrix#gather} (from storage of type {@code dtype},
 *       converted to float32) and the label values into the slot's reused direct buffers, in the
 *       benchmark thread; allocates nothing.</li>
 * </ul>
 *
 * <p>Data cap as in {@link GatherBenchmark}: min(N, rows that fit in 1 GiB) rows, i.e. faceid runs
 * on its first 524,288 samples at dim 512 (with their labels; the naive generator needs one data row
 * per label). One trial holds one copy (heap for {@code naive}, off-heap for {@code fast}).
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class BatchBenchmark {

    /** The parameters and the labels of the (capped) data set, grouped once; shared by all threads. */
    @State(Scope.Benchmark)
    public static class Data {
        @Param({"mnist", "seed", "faceid"})
        public Workload workload;

        @Param({"512"})
        public int dim;

        int rows;
        GroupedLabels grouped;

        @Setup(Level.Trial)
        public void setUp() {
            rows = workload.rowsFor(dim);
            grouped = new GroupedLabels(Arrays.copyOf(workload.labels(), rows));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            grouped = null;
        }
    }

    /** The seed's generator and its {@code float[rows][dim]} data set. */
    @State(Scope.Thread)
    public static class Naive {
        NaiveBatchGenerator generator;
        float[][] data;

        @Setup(Level.Trial)
        public void setUp(Data shape) {
            generator = shape.workload.naive(shape.grouped.labels);
            data = SyntheticFeatures.heapRows(shape.rows, shape.dim);
            System.gc(); // promote the data set now, so that the warm-up does not pay for it
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            generator = null;
            data = null;
        }
    }

    /** Off-heap storage of type {@code dtype}, wrapped (not copied) by a {@link FeatureMatrix}; shared by all threads. */
    @State(Scope.Benchmark)
    public static class OffHeapRows {
        @Param({"float32", "float16", "uint8", "int8"})
        public Dtype dtype;

        FeatureMatrix matrix;

        @Setup(Level.Trial)
        public void setUp(Data shape) {
            matrix = SyntheticFeatures.matrix(shape.rows, shape.dim, dtype);
        }

        /** Drops every reference; the direct buffer's memory is freed by the garbage collector. */
        @TearDown(Level.Trial)
        public void tearDown() {
            matrix = null;
        }
    }

    /**
     * One thread's synchronous pipeline ({@code prefetch(0)}): the library's one batch-assembly path,
     * run in the benchmark thread.
     */
    @State(Scope.Thread)
    public static class Fast {
        BatchPipeline pipeline;

        @Setup(Level.Trial)
        public void setUp(Data shape, OffHeapRows data) {
            pipeline = BatchPipeline.builder(shape.workload.sampler(shape.grouped.index)).features(data.matrix).prefetch(0).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pipeline.close();
            pipeline = null;
        }
    }

    @Benchmark
    public float[][] naive(Naive naive) {
        return naive.generator.nextBatch(naive.data);
    }

    /** Returns the batch, handed back: a synchronous pipeline leaves its contents until the next take. */
    @Benchmark
    public Batch fast(Fast fast) throws InterruptedException {
        try (Batch b = fast.pipeline.take()) {
            return b;
        }
    }
}
