package io.github.balancedbatch.bench;

import io.github.balancedbatch.data.FeatureMatrix;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
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
 * A zero-copy row view ({@link FeatureMatrix#row}) of a random row of the {@code mnist} data set with
 * rows of 64 floats, in ns per view, the lookup of the calling thread's own views included; run with
 * {@code -prof gc} to see that a view allocates nothing once the thread has its views.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class RowViewBenchmark {
    static final int DIM = 64;

    ByteBuffer bytes;
    FeatureMatrix matrix;
    int[] rows;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        int n = Workload.mnist.samples();
        bytes = SyntheticFeatures.direct(n, DIM);
        matrix = FeatureMatrix.wrap(bytes, n, DIM);
        rows = new SplittableRandom(1).ints(1 << 16, 0, n).toArray();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matrix = null;
        bytes = null;
    }

    @Benchmark
    public float rowView() {
        return matrix.row(rows[next++ & (rows.length - 1)]).get();
    }
}
