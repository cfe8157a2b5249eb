package io.github.balancedbatch.cli;

import static io.github.balancedbatch.cli.ClassStats.count;
import static io.github.balancedbatch.cli.ClassStats.number;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code inspect}: what a label set looks like, and whether P x K batches fit it. */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Summarise a label file: classes, class sizes, imbalance, and batches per epoch for P and K.",
            "With --features: the feature file's type, shape and size."})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--labels", paramLabel = "PATH",
            description = "Labels: .npy (int8/16/32/64, uint8/16/32, or a 2-D one-hot matrix) or text, one integer per line.")
    Path labels;

    @Option(names = "--features", paramLabel = "PATH",
            description = "Features: .npy of float32, float16, uint8 or int8; prints its type, shape and size.")
    Path features;

    @Option(names = "--classes-per-batch", paramLabel = "P", description = "Distinct classes per batch.")
    Integer classesPerBatch;

    @Option(names = "--samples-per-class", paramLabel = "K", description = "Samples of each class per batch.")
    Integer samplesPerClass;

    @Override
    public Integer call() {
        if (classesPerBatch != null && classesPerBatch < 1) {
            throw new CliException("--classes-per-batch must be at least 1, got " + classesPerBatch);
        }
        if (samplesPerClass != null && samplesPerClass < 1) {
            throw new CliException("--samples-per-class must be at least 1, got " + samplesPerClass);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (labels == null) {
            if (features == null) {
                throw new CliException("inspect needs --labels or --features (or both)");
            }
            if (classesPerBatch != null || samplesPerClass != null) {
                throw new CliException("--classes-per-batch and --samples-per-class need --labels");
            }
            describe(out, FeatureFiles.map(features));
            return 0;
        }
        ClassIndex index = LabelFiles.read(labels);
        if (features != null) {
            describe(out, FeatureFiles.map(features, index.sampleCount(), labels));
        }
        ClassStats s = new ClassStats(index);
        out.printf(Locale.ROOT, "labels      %s%n", labels);
        out.printf(Locale.ROOT, "samples     %s%n", count(s.samples));
        out.printf(Locale.ROOT, "classes     %s%s%n", count(s.classes),
                s.nonEmpty == s.classes ? "" : " (" + count(s.nonEmpty) + " non-empty; empty one-hot columns are never chosen)");
        out.printf(Locale.ROOT, "class size  min %s, median %s, max %s%n", count(s.min), number(s.median), count(s.max));
        out.printf(Locale.ROOT, "imbalance   %sx (largest / smallest class)%n", number(round1(s.imbalance())));
        if (samplesPerClass != null) {
            int k = samplesPerClass;
            int smaller = 0;
            for (int c = 0; c < index.classCount(); c++) {
                smaller += index.size(c) > 0 && index.size(c) < k ? 1 : 0;
            }
            out.printf(Locale.ROOT, "below K=%d   %s classes have fewer than %d samples (they are over-sampled evenly)%n", k,
                    count(smaller), k);
        }
        if (classesPerBatch != null) {
            int p = classesPerBatch;
            boolean feasible = p <= s.nonEmpty;
            out.printf(Locale.ROOT, "P=%d         %s%n", p, feasible
                    ? "feasible (" + count(s.nonEmpty) + " classes to choose from)"
                    : "NOT feasible: only " + count(s.nonEmpty) + " non-empty classes");
            if (samplesPerClass != null) {
                long batch = (long) p * samplesPerClass;
                out.printf(Locale.ROOT, "epoch       %s batches of %s indices (ceil(%s / %s))%n",
                        count((s.samples + batch - 1) / batch), count(batch), count(s.samples), count(batch));
            }
        }
        return 0;
    }

    private void describe(PrintWriter out, FeatureMatrix m) {
        StringBuilder shape = new StringBuilder("(").append(m.rows());
        for (int d : m.sampleShape()) {
            shape.append(", ").append(d);
        }
        out.printf(Locale.ROOT, "features    %s%n", features);
        out.printf(Locale.ROOT, "type        %s ('%s'), %d byte%s per value%n", m.type().name().toLowerCase(Locale.ROOT),
                m.type().descr(), m.type().size(), m.type().size() == 1 ? "" : "s");
        out.printf(Locale.ROOT, "shape       %s): %s rows of %s values%n", shape, count(m.rows()), count(m.width()));
        out.printf(Locale.ROOT, "size        %s bytes (%s per row)%n", count(m.byteSize()), count(m.bytesPerRow()));
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
