package io.github.balancedbatch.bench;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.synthetic.SyntheticLabels;
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
 * Index cost per batch (ns) at fixed P = 75, K = 10 as the data set grows: N = 20,000 x scale
 * samples over C = 200 x scale Zipf-like classes (each at least 2 samples), scale 1, 10, 100
 * (N up to 2,000,000, C up to 20,000). SPEC §4 asks that ours stays flat (O(P*K) per batch); the
 * seed's algorithm ({@code naive}) is O(P*C) per batch and grows.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class ScalingBenchmark {
    static final int CLASSES_PER_BATCH = 75;
    static final int SAMPLES_PER_CLASS = 10;

    /** The labels at one scale, grouped once; shared by all threads. */
    @State(Scope.Benchmark)
    public static class Labels {
        @Param({"1", "10", "100"})
        public int scale;

        GroupedLabels grouped;

        @Setup(Level.Trial)
        public void setUp() {
            grouped = new GroupedLabels(SyntheticLabels.zipf(20_000 * scale, 200 * scale, 2, Workload.LABEL_SEED));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            grouped = null;
        }
    }

    /** Our cursor and the caller's reused row array. */
    @State(Scope.Thread)
    public static class Fast {
        CursorRows batches;

        @Setup(Level.Trial)
        public void setUp(Labels labels) {
            batches = new CursorRows(BalancedBatchSampler.builder(labels.grouped.index)
                    .classesPerBatch(CLASSES_PER_BATCH)
                    .samplesPerClass(SAMPLES_PER_CLASS)
                    .seed(Workload.SAMPLER_SEED)
                    .build());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            batches = null;
        }
    }

    /** The seed's generator. */
    @State(Scope.Thread)
    public static class Naive {
        NaiveBatchGenerator generator;

        @Setup(Level.Trial)
        public void setUp(Labels labels) {
            generator = new NaiveBatchGenerator(labels.grouped.labels, CLASSES_PER_BATCH, SAMPLES_PER_CLASS, true,
                    Workload.SAMPLER_SEED);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            generator = null;
        }
    }

    @Benchmark
    public int[] naive(Naive naive) {
        return naive.generator.nextIndices();
    }

    @Benchmark
    public int[] fast(Fast fast) {
        return fast.batches.next();
    }
}
