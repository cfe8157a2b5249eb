package io.github.balancedbatch.cli;

import static io.github.balancedbatch.cli.ClassStats.count;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.util.ArrayLimits;
import java.io.PrintWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code bench}: a quick timing of sampling (and gathering) on the user's own files. */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Time sampling (and, with --features, gathering) on your own files: a quick tuning aid.",
            "Prints one machine-readable line per phase ('sample: ...', 'gather: ...').",
            "The JMH suite in benchmarks/ is the reference for published numbers."})
final class BenchCommand implements Callable<Integer> {
    private static final int RING = 256;

    @Spec
    CommandSpec spec;

    @Mixin
    SamplerOptions sampling;

    @Option(names = "--features", paramLabel = "PATH",
            description = "Features (.npy of float32, float16, uint8 or int8) to time gathering from, converted to float32.")
    Path features;

    @Option(names = "--seconds", paramLabel = "S", description = "Seconds to measure each phase, after as long a warm-up (default 1).")
    double seconds = 1;

    @Override
    public Integer call() {
        if (!(seconds > 0 && seconds <= 3600)) {
            throw new CliException("--seconds must be in (0, 3600], got " + seconds);
        }
        ClassIndex index = sampling.readLabels();
        FeatureMatrix matrix = features == null ? null : FeatureFiles.map(features, index.sampleCount(), sampling.labels);
        BalancedBatchSampler sampler = sampling.build(index);
        PrintWriter out = spec.commandLine().getOut();
        sampling.reportSeed(sampler, spec.commandLine().getErr());
        long budget = (long) (seconds * 1e9);
        out.printf(Locale.ROOT, "%s samples, %s%s classes; P=%d%s, K=%d: %d indices per batch%n", count(index.sampleCount()),
                index.multiLabel() ? count(index.membershipCount()) + " labels in all, " : "",
                count(index.classCount()), sampler.classesPerBatch(),
                sampler.categoriesPerBatch() > 0 ? " (" + InspectCommand.composition(sampler) + ")" : "",
                sampler.samplesPerClass(), sampler.batchSize());
        Timing t = Timing.sample(sampler, budget);
        double ns = t.nanosPerBatch();
        out.printf(Locale.ROOT, "sampling: %s batches timed%n", count(t.batches));
        out.printf(Locale.ROOT, "sample: %.1f ns/batch, %.2f ns/index, %d batches/s%n", ns, ns / sampler.batchSize(),
                Math.round(t.batchesPerSecond()));
        if (matrix != null) {
            if (ArrayLimits.floatsOrMinusOne(sampler.batchSize(), matrix.width()) < 0) {
                throw new CliException(String.format(Locale.ROOT,
                        "--features %s: one batch of %,d rows x %,d floats is %,d floats, more than one buffer holds (%,d):"
                                + " use smaller batches",
                        features, sampler.batchSize(), matrix.width(), (long) sampler.batchSize() * matrix.width(),
                        ArrayLimits.MAX_BUFFER_FLOATS));
            }
            if (matrix.rows() > 0) {
                matrix.load();
            }
            int[][] ring = new int[RING][sampler.batchSize()];
            BatchCursor cursor = sampler.cursor(0, 0);
            for (int[] batch : ring) {
                cursor.next(batch);
            }
            FloatBuffer dst = BatchBuffers.floats(sampler.batchSize() * matrix.width());
            gather(matrix, ring, dst, budget);
            long[] timed = gather(matrix, ring, dst, budget);
            double gns = timed[1] / (double) timed[0];
            double bytes = (double) sampler.batchSize() * matrix.bytesPerRow(); // bytes read per batch
            out.printf(Locale.ROOT, "features: %s ('%s'), %s rows of %s values, %s bytes%n",
                    matrix.type().name().toLowerCase(Locale.ROOT), matrix.type().descr(), count(matrix.rows()),
                    count(matrix.width()), count(matrix.byteSize()));
            out.printf(Locale.ROOT, "gathering: %s batches of %s stored bytes timed, converted to float32"
                    + " (features loaded into memory first; GB/s counts the bytes read)%n",
                    count(timed[0]), count((long) bytes));
            out.printf(Locale.ROOT, "gather: %.1f ns/batch, %.2f GB/s%n", gns, bytes / gns);
        }
        return 0;
    }

    /** Gathers batches from the ring for about {@code budget} ns; returns {batches, nanos}. */
    private static long[] gather(FeatureMatrix matrix, int[][] ring, FloatBuffer dst, long budget) {
        long batches = 0;
        long start = System.nanoTime();
        long elapsed;
        do {
            for (int[] batch : ring) {
                dst.clear();
                matrix.gather(batch, 0, batch.length, dst);
            }
            batches += ring.length;
            elapsed = System.nanoTime() - start;
        } while (elapsed < budget);
        return new long[] {batches, elapsed};
    }
}
