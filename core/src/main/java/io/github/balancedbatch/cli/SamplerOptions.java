package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.CategoryIndex;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that build a sampler, shared by every command that samples. */
final class SamplerOptions {
    @Option(names = "--labels", required = true, paramLabel = "PATH",
            description = "Labels: .npy (int8/16/32/64, uint8/16/32, or a 2-D one-hot matrix) or text, one integer per line.")
    Path labels;

    @Option(names = "--multi-label",
            description = "Each sample may hold several labels: --labels is a 2-D multi-hot .npy (N, C) of 0/1, or text with"
                    + " one line of space-separated labels per sample. Batches hold P distinct anchor labels x K samples"
                    + " holding them.")
    boolean multiLabel;

    @Option(names = "--classes-per-batch", required = true, paramLabel = "P", description = "Distinct classes per batch.")
    int classesPerBatch;

    @Option(names = "--samples-per-class", required = true, paramLabel = "K", description = "Samples of each class per batch.")
    int samplesPerClass;

    @Mixin
    ShapeOptions shape = new ShapeOptions();

    @Mixin
    StrategyOptions strategy = new StrategyOptions();

    @Mixin
    CategoryOptions categories = new CategoryOptions();

    /** Reads --labels, one label per sample or with --multi-label several; refuses --multi-label with --categories first. */
    ClassIndex readLabels() {
        checkMultiLabel(multiLabel, categories);
        return LabelInput.read(labels, multiLabel);
    }

    /** Refuses --multi-label with --categories (before any file is read). */
    static void checkMultiLabel(boolean multiLabel, CategoryOptions categories) {
        if (multiLabel && categories.on()) {
            throw new CliException("--multi-label and --categories are mutually exclusive: a class of multi-label data"
                    + " has no single category");
        }
    }

    /**
     * Builds the sampler over {@code index}. Every option is checked here first, in the tool's own
     * words (option names, not the library's parameter names); the library checks the same things
     * again, and anything it still refuses is reported as it says it.
     */
    BalancedBatchSampler build(ClassIndex index) {
        CategoryIndex grouped = check(index);
        BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(index)
                .classesPerBatch(classesPerBatch).samplesPerClass(samplesPerClass)
                .shuffle(!shape.noShuffle).mix(shape.mix).shard(shape.rank, shape.worldSize);
        if (shape.seed != null) {
            b.seed(shape.seed);
        }
        try {
            if (grouped != null) {
                b.categories(grouped).categoriesPerBatch(categories.categoriesPerBatch);
            }
            strategy.applyTo(b);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage() + " (labels " + labels + ")");
        }
    }

    /** Checks the options, alone and against the labels' classes; returns the categories, or null without them. */
    private CategoryIndex check(ClassIndex index) {
        atLeast("--classes-per-batch", classesPerBatch, 1);
        atLeast("--samples-per-class", samplesPerClass, 1);
        shape.check();
        int worldSize = shape.worldSize;
        strategy.check();
        categories.check(classesPerBatch, true);
        int minimum = strategy.minimum();
        CategoryIndex grouped = categories.on() ? categories.read(index, labels) : null;
        if (grouped != null) {
            categories.checkUsable(grouped, classesPerBatch, worldSize, minimum);
        }
        int eligible = 0;
        for (int c = 0; c < index.classCount(); c++) {
            if (index.size(c) >= minimum) {
                eligible++;
            }
        }
        long global = (long) classesPerBatch * worldSize;
        if (global > eligible) {
            String wanted = worldSize == 1
                    ? "--classes-per-batch=" + classesPerBatch
                    : "--classes-per-batch=" + classesPerBatch + " x --world-size=" + worldSize + " = " + global;
            throw new CliException(wanted + " exceeds the " + eligible + (minimum > 1
                    ? " classes with at least --min-samples-per-class=" + minimum + " samples ("
                            + (index.activeClassCount() - eligible) + " smaller classes left out)"
                    : " classes in the labels") + " (labels " + labels + ")");
        }
        return grouped;
    }

    static void atLeast(String option, long value, long minimum) {
        if (value < minimum) {
            throw new CliException(option + " must be at least " + minimum + ", got " + value);
        }
    }

    /** Prints {@code seed: S} on {@code err} when the seed was chosen at random (call once input is valid). */
    void reportSeed(BalancedBatchSampler sampler, PrintWriter err) {
        if (shape.seed == null) {
            err.println("seed: " + sampler.seed());
        }
    }
}
