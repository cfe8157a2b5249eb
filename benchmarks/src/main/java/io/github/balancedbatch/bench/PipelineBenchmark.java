package io.github.balancedbatch.bench;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.pipeline.Batch;
import io.github.balancedbatch.pipeline.BatchPipeline;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * A training loop with a simulated step ({@code Blackhole.consumeCPU(step)}) on the {@code seed}
 * workload with rows of 512 floats, in ns per batch:
 * <ul>
 *   <li>{@code stepOnly}: the step alone, the time a loop would take if data were free;</li>
 *   <li>{@code inline}: sample, gather and label each batch in the loop's own thread (a synchronous
 *       pipeline, {@code prefetch(0)}: the same assembly code), then step;</li>
 *   <li>{@code pipelined}: take the batch from a {@link BatchPipeline} (4 slots, {@code threads}
 *       gathering threads), step, hand it back.</li>
 * </ul>
 * The consumer's wait per batch is {@code inline - stepOnly} without the pipeline and
 * {@code pipelined - stepOnly} with it. {@code pipelined} also runs in {@code SampleTime} mode for
 * the distribution (p50, p99, p99.9) of a whole loop iteration. The {@code threads} parameter only
 * concerns {@code pipelined}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class PipelineBenchmark {
    static final int DIM = 512;

    /** Simulated training step, in Blackhole CPU tokens (0, and roughly 400 microseconds here). */
    @Param({"0", "200000"})
    public long step;

    /** The data set, shared by all methods of one trial. */
    @State(Scope.Benchmark)
    public static class Data {
        ClassIndex index;
        ByteBuffer bytes;
        FeatureMatrix matrix;
        BalancedBatchSampler sampler;

        @Setup(Level.Trial)
        public void setUp() {
            Workload w = Workload.seed;
            int rows = w.rowsFor(DIM);
            index = ClassIndex.of(Arrays.copyOf(w.labels(), rows));
            bytes = SyntheticFeatures.direct(rows, DIM);
            matrix = FeatureMatrix.wrap(bytes, rows, DIM);
            sampler = w.sampler(index);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            index = null;
            matrix = null;
            bytes = null;
            sampler = null;
        }
    }

    /** A synchronous pipeline ({@code prefetch(0)}): each batch assembled in the loop's own thread. */
    @State(Scope.Thread)
    public static class Inline {
        BatchPipeline pipeline;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            pipeline = BatchPipeline.builder(data.sampler).features(data.matrix).prefetch(0).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pipeline.close();
            pipeline = null;
        }
    }

    /** A running pipeline, closed (threads joined) at the end of the trial. */
    @State(Scope.Thread)
    public static class Pipelined {
        /** Gathering threads; only this state has them, so the other benchmarks do not repeat per value. */
        @Param({"1", "2"})
        public int threads;

        BatchPipeline pipeline;

        @Setup(Level.Trial)
        public void setUp(Data data) {
            pipeline = BatchPipeline.builder(data.sampler).features(data.matrix).prefetch(4).threads(threads).build();
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pipeline.close();
            pipeline = null;
        }
    }

    @Benchmark
    public void stepOnly() {
        Blackhole.consumeCPU(step);
    }

    @Benchmark
    public float inline(Inline in) throws InterruptedException {
        try (Batch b = in.pipeline.take()) {
            Blackhole.consumeCPU(step);
            return b.features(0).get(0);
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public float pipelined(Pipelined p) throws InterruptedException {
        try (Batch b = p.pipeline.take()) {
            Blackhole.consumeCPU(step);
            return b.features(0).get(0);
        }
    }
}
