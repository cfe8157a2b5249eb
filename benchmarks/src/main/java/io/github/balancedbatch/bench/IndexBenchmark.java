package io.github.balancedbatch.bench;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.sampler.BatchCursor;
import java.util.SplittableRandom;
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
 * Index generation alone, in ns per batch of P*K row indices, on the standard workloads:
 * <ul>
 *   <li>{@code naive}: the seed's algorithm ({@link NaiveBatchGenerator#nextIndices()}), O(P*C)
 *       per batch and a few fresh arrays;</li>
 *   <li>{@code fast}: {@link BatchCursor#next(int[])} into a reused array, O(P*K), no allocation
 *       (check with {@code -prof gc});</li>
 *   <li>{@code fastSqrt}: the same cursor with square-root class weighting (class weighting power
 *       q = 1/2, SPEC §5): classes come from a per-epoch class schedule instead of the deck, and the
 *       per-epoch step (quotas and class sequence, O(C + P * batchesPerEpoch)) is included at its real rate;</li>
 *   <li>{@code fastCategories}: the same cursor category-balanced on the same labels (class c in
 *       category c mod G; Q categories of P / Q classes per batch, see {@link Workload#categorySampler}):
 *       a category deck and a class deck per category deal the P classes instead of one deck;</li>
 *   <li>{@code fastMultiLabel}: the same cursor on the multi-label variant of the labels (one sample
 *       in four also holds a second label, see {@link Workload#multiLabelIndex}): P anchor labels per
 *       batch, each draw checked against the rows already in the batch;</li>
 *   <li>{@code floor}: P*K bounded draws {@code SplittableRandom.nextInt(N)} from one generator into
 *       a reused array and nothing else, the least any random sampler can cost.</li>
 * </ul>
 * Each method returns its array so that the work cannot be eliminated. The cursor runs as an
 * endless stream, so epoch starts are included at their real rate.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xmn128m", "-XX:+AlwaysPreTouch"})
public class IndexBenchmark {

    /** The workload's labels, grouped once; shared by all threads (immutable after setup). */
    @State(Scope.Benchmark)
    public static class Labels {
        @Param({"mnist", "seed", "faceid"})
        public Workload workload;

        GroupedLabels grouped;

        @Setup(Level.Trial)
        public void setUp() {
            grouped = new GroupedLabels(workload.labels());
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
            batches = new CursorRows(labels.workload.sampler(labels.grouped.index));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            batches = null;
        }
    }

    /** A cursor with square-root class weighting (q = 1/2) and the caller's reused row array. */
    @State(Scope.Thread)
    public static class FastSqrt {
        CursorRows batches;

        @Setup(Level.Trial)
        public void setUp(Labels labels) {
            batches = new CursorRows(labels.workload.sampler(labels.grouped.index, 0.5));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            batches = null;
        }
    }

    /** A category-balanced cursor over the same labels and the caller's reused row array. */
    @State(Scope.Thread)
    public static class FastCategories {
        CursorRows batches;

        @Setup(Level.Trial)
        public void setUp(Labels labels) {
            batches = new CursorRows(labels.workload.categorySampler(labels.grouped.index, labels.grouped.labels));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            batches = null;
        }
    }

    /** A cursor over the multi-label variant of the labels (its own index) and the caller's reused row array. */
    @State(Scope.Thread)
    public static class FastMultiLabel {
        CursorRows batches;

        @Setup(Level.Trial)
        public void setUp(Labels labels) {
            batches = new CursorRows(labels.workload.sampler(labels.workload.multiLabelIndex(labels.grouped.labels)));
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
            generator = labels.workload.naive(labels.grouped.labels);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            generator = null;
        }
    }

    /** One generator, N, and a reused array of P*K slots. */
    @State(Scope.Thread)
    public static class Floor {
        SplittableRandom random;
        int bound;
        int[] rows;

        @Setup(Level.Trial)
        public void setUp(Labels labels) {
            random = new SplittableRandom(Workload.SAMPLER_SEED);
            bound = labels.workload.samples();
            rows = new int[labels.workload.batchSize()];
        }

        int[] next() {
            final SplittableRandom r = random;
            final int n = bound;
            final int[] a = rows;
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextInt(n);
            }
            return a;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            random = null;
            rows = null;
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

    @Benchmark
    public int[] fastSqrt(FastSqrt fast) {
        return fast.batches.next();
    }

    @Benchmark
    public int[] fastCategories(FastCategories fast) {
        return fast.batches.next();
    }

    @Benchmark
    public int[] fastMultiLabel(FastMultiLabel fast) {
        return fast.batches.next();
    }

    @Benchmark
    public int[] floor(Floor floor) {
        return floor.next();
    }
}
