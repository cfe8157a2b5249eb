package io.github.balancedbatch.bench;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The one-off cost (ms) of getting ready to sample the faceid workload (N = 1,000,000,
 * C = 50,000): {@code fast} groups the labels ({@link ClassIndex#of}), builds the sampler and opens
 * one cursor at epoch 0, batch 0; {@code naive} constructs the seed's generator (boxed per-class
 * lists), the reference. Steady-state averages after warm-up, not a cold start.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class BuildBenchmark {

    /** The faceid labels, made once. Never written by the benchmarks (both copy them). */
    @State(Scope.Benchmark)
    public static class Labels {
        /** Always faceid in benchmark runs; tests set a smaller one. */
        Workload workload = Workload.faceid;
        int[] labels;

        @Setup(Level.Trial)
        public void setUp() {
            labels = workload.labels();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            labels = null;
        }
    }

    @Benchmark
    public BatchCursor fast(Labels labels) {
        return labels.workload.sampler(ClassIndex.of(labels.labels)).cursor(0, 0);
    }

    @Benchmark
    public NaiveBatchGenerator naive(Labels labels) {
        return labels.workload.naive(labels.labels);
    }
}
