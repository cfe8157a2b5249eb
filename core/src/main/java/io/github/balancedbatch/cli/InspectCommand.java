package io.github.balancedbatch.cli;

import static io.github.balancedbatch.cli.ClassStats.count;
import static io.github.balancedbatch.cli.ClassStats.number;

import io.github.balancedbatch.npy.NpyHeader;
import io.github.balancedbatch.npy.NpyType;
import java.io.IOException;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.CategoryIndex;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Option(names = "--multi-label",
            description = "Each sample may hold several labels: --labels is a 2-D multi-hot .npy (N, C) of 0/1, or text with"
                    + " one line of space-separated labels per sample.")
    boolean multiLabel;

    @Option(names = "--features", paramLabel = "PATH",
            description = "Features: .npy of float32, float16, uint8 or int8; prints its type, shape and size.")
    Path features;

    @Option(names = "--classes-per-batch", paramLabel = "P", description = "Distinct classes per batch.")
    Integer classesPerBatch;

    @Option(names = "--samples-per-class", paramLabel = "K", description = "Samples of each class per batch.")
    Integer samplesPerClass;

    @Mixin
    StrategyOptions strategy = new StrategyOptions();

    @Mixin
    CategoryOptions categories = new CategoryOptions();

    /** Accepted so that a {@code sample} command line can be inspected as it is; only the shard counts. */
    @Mixin
    ShapeOptions shape = new ShapeOptions();

    @Option(names = "--epoch", paramLabel = "E", description = "Epoch whose target shares are shown (default 0).")
    int epoch;

    /** Rows of the share table: all classes up to this many, else the largest and smallest half each. */
    static final int SHARE_ROWS = 10;

    @Override
    public Integer call() {
        if (classesPerBatch != null && classesPerBatch < 1) {
            throw new CliException("--classes-per-batch must be at least 1, got " + classesPerBatch);
        }
        if (samplesPerClass != null && samplesPerClass < 1) {
            throw new CliException("--samples-per-class must be at least 1, got " + samplesPerClass);
        }
        if (epoch < 0) {
            throw new CliException("--epoch must be at least 0, got " + epoch);
        }
        shape.check();
        int w = shape.worldSize;
        strategy.check();
        categories.check(classesPerBatch, false);
        SamplerOptions.checkMultiLabel(multiLabel, categories);
        PrintWriter out = spec.commandLine().getOut();
        if (labels == null) {
            if (features == null) {
                throw new CliException("inspect needs --labels or --features (or both)");
            }
            if (categories.on()) {
                throw new CliException("--categories needs --labels");
            }
            if (multiLabel) {
                throw new CliException("--multi-label needs --labels");
            }
            if (classesPerBatch != null || samplesPerClass != null) {
                throw new CliException("--classes-per-batch and --samples-per-class need --labels");
            }
            describe(out, features, null);
            return 0;
        }
        ClassIndex index = LabelInput.read(labels, multiLabel);
        int m = strategy.minimum();
        int eligible = 0;
        long eligibleSamples = 0;
        for (int c = 0; c < index.classCount(); c++) {
            if (index.size(c) > 0 && index.size(c) >= m) {
                eligible++;
                eligibleSamples += index.size(c);
            }
        }
        CategoryIndex grouped = categories.on() ? categories.read(index, labels) : null;
        Integer q = categories.categoriesPerBatch;
        int usable = q == null ? 0 : CategoryOptions.usable(grouped, classesPerBatch / q, m);
        // validates the strategy options before anything is printed
        BalancedBatchSampler targets = q == null
                ? strategySampler(index, Math.min(classesPerBatch == null ? 1 : classesPerBatch, eligible))
                : (long) q * w <= usable ? strategySampler(index, grouped, q) : null; // no shares for categories that cannot be chosen
        if (features != null) {
            describe(out, features, index.sampleCount());
        }
        ClassStats s = new ClassStats(index);
        out.printf(Locale.ROOT, "labels      %s%n", labels);
        out.printf(Locale.ROOT, "samples     %s%n", count(s.samples));
        if (s.multiLabel) {
            out.printf(Locale.ROOT, "memberships %s (labels per sample: mean %s, max %s; a class's size is its label's count)%n",
                    count(s.memberships), String.format(Locale.ROOT, "%.2f", s.meanLabels()), count(s.maxLabels));
        }
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
            out.printf(Locale.ROOT, "below K=%d   %s %s fewer than %d samples (%s over-sampled evenly)%n", k,
                    count(smaller), smaller == 1 ? "class has" : "classes have", k, smaller == 1 ? "it is" : "they are");
        }
        if (strategy.minSamplesPerClass != null) {
            String unit = s.multiLabel ? "memberships" : "samples";
            out.printf(Locale.ROOT, "min size    %d: %s classes (%s " + unit + ") left out, %s classes (%s " + unit + ") remain%n", m,
                    count(s.nonEmpty - eligible), count(s.memberships - eligibleSamples), count(eligible), count(eligibleSamples));
        }
        if (classesPerBatch != null) {
            int p = classesPerBatch;
            long global = (long) p * w;
            boolean feasible = global <= eligible;
            out.printf(Locale.ROOT, "P=%d         %s%s%n", p, feasible
                    ? "feasible (" + count(eligible) + " classes to choose from)"
                    : "NOT feasible: only " + count(eligible) + (strategy.minSamplesPerClass == null
                            ? " non-empty classes" : " classes with at least " + m + " samples"),
                    w == 1 ? "" : " for " + count(global) + " classes per batch over " + w + " ranks");
            if (grouped != null) {
                describe(out, grouped, q, usable, w);
            }
            if (samplesPerClass != null) {
                long batch = (long) p * samplesPerClass;
                long step = batch * w;
                // one epoch draws about as many indices as there are memberships (samples, for single-label data)
                out.printf(Locale.ROOT, "epoch       %s batches of %s indices%s (ceil(%s%s / %s))%n",
                        count((s.memberships + step - 1) / step), count(batch), w == 1 ? "" : " per rank",
                        count(s.memberships), s.multiLabel ? " memberships" : "", w == 1 ? count(batch) : "(" + count(batch) + " x " + w + ")");
            }
        } else if (grouped != null) {
            describe(out, grouped, null, 0, w);
        }
        if (targets != null) {
            shares(index, targets, out);
        }
        return 0;
    }

    /**
     * Prints the strategy and each class's raw and target share (with P and K when given: the cap of
     * one appearance per batch applies), for every class or the largest and smallest few.
     */
    private void shares(ClassIndex index, BalancedBatchSampler sampler, PrintWriter out) {
        double[] target = sampler.targetShares(epoch);
        out.printf(Locale.ROOT, "strategy    %s%s%n", strategy(sampler).substring(2),
                sampler.progressiveEpochs() > 0 ? ", epoch " + epoch : "");
        Integer[] order = java.util.stream.IntStream.range(0, index.classCount()).filter(c -> index.size(c) > 0).boxed()
                .toArray(Integer[]::new);
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt((Integer c) -> -index.size(c)).thenComparingInt(c -> c));
        out.printf(Locale.ROOT, "shares      %-12s %10s %9s %9s%n", "label", "samples", "raw", "target");
        for (int i = 0; i < order.length; i++) {
            if (order.length > SHARE_ROWS && i == SHARE_ROWS / 2) {
                out.printf(Locale.ROOT, "            ... %s classes more (report draws them all)%n", count(order.length - SHARE_ROWS));
                i = order.length - SHARE_ROWS / 2;
            }
            int c = order[i];
            out.printf(Locale.ROOT, "            %-12d %10s %9s %9s%n", index.label(c), count(index.size(c)),
                    Chart.percent(index.size(c) / (double) index.membershipCount()),
                    index.size(c) < sampler.minSamplesPerClass() || sampler.categoriesPerBatch() > 0 && target[c] == 0
                            ? "left out" : Chart.percent(target[c]));
        }
    }

    /** Rows of the list of categories too small to be chosen. */
    static final int SMALL_ROWS = 10;

    /**
     * Prints the categories: how many, their numbers of classes, and with Q whether Q x worldSize of
     * them can be chosen and which are too small (fewer than P / Q classes of at least the minimum size).
     */
    private void describe(PrintWriter out, CategoryIndex grouped, Integer q, int usable, int w) {
        int g = grouped.categoryCount();
        int[] sizes = new int[g];
        for (int c = 0; c < g; c++) {
            sizes[c] = grouped.classCount(c);
        }
        java.util.Arrays.sort(sizes);
        double median = g % 2 == 1 ? sizes[g / 2] : (sizes[g / 2 - 1] + sizes[g / 2]) / 2.0;
        out.printf(Locale.ROOT, "categories  %s (classes per category: min %s, median %s, max %s)%n", count(g),
                count(sizes[0]), number(median), count(sizes[g - 1]));
        if (q == null) {
            return;
        }
        int perCategory = classesPerBatch / q;
        int m = strategy.minimum();
        String classes = perCategory + " classes" + (m > 1 ? " of at least " + m + " samples" : "");
        long global = (long) q * w;
        out.printf(Locale.ROOT, "%-12s%s %s of %s categories have at least P/Q=%s%s%n", "Q=" + q,
                global <= usable ? "feasible:" : "NOT feasible: only", count(usable), count(g), classes,
                w == 1 ? "" : " (" + count(global) + " categories per batch over " + w + " ranks)");
        if (usable == g) {
            return;
        }
        StringBuilder small = new StringBuilder();
        int shown = 0;
        for (int c = 0; c < g; c++) {
            int n = grouped.eligibleClassCount(c, m);
            if (n < perCategory && shown++ < SMALL_ROWS) {
                small.append(shown == 1 ? "" : ", ").append(grouped.label(c)).append(" (").append(count(n))
                        .append(n == 1 ? " class)" : " classes)");
            }
        }
        if (shown > SMALL_ROWS) {
            small.append(", ... ").append(count(shown - SMALL_ROWS)).append(" more");
        }
        out.printf(Locale.ROOT, "too small   %s %s with fewer than %s %s never chosen: %s%n", count(g - usable),
                g - usable == 1 ? "category" : "categories", classes, g - usable == 1 ? "is" : "are", small);
    }

    /** A category-balanced sampler with P, Q, K (or 1) and the strategy options, for its target shares. */
    private BalancedBatchSampler strategySampler(ClassIndex index, CategoryIndex grouped, int q) {
        BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(index).classesPerBatch(classesPerBatch)
                .samplesPerClass(samplesPerClass == null ? 1 : samplesPerClass).categories(grouped).categoriesPerBatch(q).seed(0);
        try {
            strategy.applyTo(b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + " (labels " + labels + ")");
        }
    }

    /** A sampler with the strategy options (P and K when given), or null when no class is left to choose ({@code p = 0}). */
    private BalancedBatchSampler strategySampler(ClassIndex index, int p) {
        BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(index).classesPerBatch(p)
                .samplesPerClass(samplesPerClass == null ? 1 : samplesPerClass).seed(0);
        strategy.check();
        BalancedBatchSampler sampler;
        try {
            strategy.applyTo(b);
            sampler = p == 0 ? null : b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + " (labels " + labels + ")");
        }
        return sampler;
    }

    /** ", " and the sampler's class-choice strategy in words, for titles and summaries. */
    static String strategy(BalancedBatchSampler s) {
        boolean categories = s.categoriesPerBatch() > 0;
        String what = s.classWeightPower() > 0
                ? (categories ? "category" : "class") + " weighting power q=" + s.classWeightPower()
                : s.progressiveEpochs() > 0
                ? "progressively balanced " + (categories ? "categories " : "") + "over T=" + s.progressiveEpochs() + " epochs"
                : categories ? "category-balanced" : "class-balanced";
        return (categories ? ", " + composition(s) : "") + ", " + what
                + (s.minSamplesPerClass() > 1 ? ", classes of at least " + s.minSamplesPerClass() + " samples" : "");
    }

    /** "Q=2 categories x 3 classes" for a category-balanced sampler. */
    static String composition(BalancedBatchSampler s) {
        return "Q=" + s.categoriesPerBatch() + " categories x " + s.classesPerBatch() / s.categoriesPerBatch() + " classes";
    }

    /**
     * Prints a feature file's type, shape and size, read from its header, and why sampling would
     * refuse it if it would (a file the header reader cannot read at all is an error).
     */
    private void describe(PrintWriter out, Path path, Integer labelRows) {
        NpyHeader h;
        try {
            h = NpyHeader.read(path);
        } catch (IOException e) {
            FeatureFiles.map(path); // words the problem as the tool does, and throws
            throw new CliException(path + ": " + e.getMessage());
        }
        String refused = null;
        try {
            FeatureFiles.map(path);
        } catch (CliException e) {
            refused = e.getMessage().startsWith(path + ": ") ? e.getMessage().substring(path.toString().length() + 2) : e.getMessage();
        }
        if (refused == null && labelRows != null) {
            FeatureFiles.map(path, labelRows, labels); // rows that do not line up with the labels are an error
        }
        long[] dims = h.shape();
        long values = 1;
        for (int i = 1; i < dims.length; i++) {
            values *= dims[i];
        }
        NpyType t = h.type();
        out.printf(Locale.ROOT, "features    %s%n", path);
        out.printf(Locale.ROOT, "type        %s ('%s'), %d byte%s per value%n", t.name().toLowerCase(Locale.ROOT),
                t.descr(), t.size(), t.size() == 1 ? "" : "s");
        StringBuilder shape = new StringBuilder("(");
        for (int i = 0; i < dims.length; i++) {
            shape.append(i == 0 ? "" : ", ").append(dims[i]);
        }
        shape.append(dims.length == 1 ? ",)" : ")");
        out.printf(Locale.ROOT, "shape       %s: %s of %s values%n", shape,
                dims.length == 0 ? "no" : count(dims[0]) + (dims[0] == 1 ? " row" : " rows"), count(values));
        out.printf(Locale.ROOT, "size        %s bytes (%s per row)%n", count(h.dataBytes()), count(values * t.size()));
        if (refused != null) {
            out.printf(Locale.ROOT, "sampling    refused: %s%n", refused);
        }
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
