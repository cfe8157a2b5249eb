package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.CategoryIndex;
import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The category-balanced (hierarchical) batch options, shared by {@code sample}, {@code bench},
 * {@code report} and {@code inspect}, checked in the tool's words.
 */
final class CategoryOptions {
    @Option(names = "--categories", paramLabel = "PATH",
            description = "A category (super-class) per sample, in the label formats (.npy or text, one integer per line);"
                    + " every class must lie in one category. With --categories-per-batch: category-balanced batches.")
    Path categories;

    @Option(names = "--categories-per-batch", paramLabel = "Q",
            description = "Distinct categories per batch, P / Q classes of each (Q must divide P); categories with fewer"
                    + " than P / Q classes are never chosen.")
    Integer categoriesPerBatch;

    /** Whether category-balanced batches were asked for. */
    boolean on() {
        return categories != null;
    }

    /** The option and path of the categories file for the same-file checks, or null. */
    Outputs.Named input() {
        return categories == null ? null : new Outputs.Named("--categories", categories);
    }

    /**
     * Checks the options alone, before any file is read.
     *
     * @param classesPerBatch P, or null when the command was not given it
     * @param required        whether --categories needs --categories-per-batch (every command that samples)
     */
    void check(Integer classesPerBatch, boolean required) {
        if (categoriesPerBatch != null && categoriesPerBatch < 1) {
            throw new CliException("--categories-per-batch must be at least 1, got " + categoriesPerBatch);
        }
        if (categoriesPerBatch != null && categories == null) {
            throw new CliException("--categories-per-batch needs --categories");
        }
        if (required && categories != null && categoriesPerBatch == null) {
            throw new CliException("--categories needs --categories-per-batch");
        }
        if (categoriesPerBatch != null && classesPerBatch == null) {
            throw new CliException("--categories-per-batch needs --classes-per-batch");
        }
        if (categoriesPerBatch != null && classesPerBatch > 0 && classesPerBatch % categoriesPerBatch != 0) {
            throw new CliException("--classes-per-batch=" + classesPerBatch + " is not divisible by --categories-per-batch="
                    + categoriesPerBatch + ": every category gives P / Q classes to a batch");
        }
    }

    /**
     * Reads the categories file and groups the classes of {@code index} by it: one category per
     * sample of {@code labels}, every class in one category.
     */
    CategoryIndex read(ClassIndex index, Path labels) {
        int[] values = LabelInput.values(categories);
        if (values.length != index.sampleCount()) {
            throw new CliException("--categories " + categories + " has " + values.length + " values but --labels " + labels
                    + " has " + index.sampleCount() + ": one category per sample is needed");
        }
        try {
            return CategoryIndex.of(index, values);
        } catch (IllegalArgumentException e) {
            throw new CliException("--categories " + categories + ": " + e.getMessage());
        }
    }

    /** Number of categories with at least {@code perCategory} classes of at least {@code minimum} samples. */
    static int usable(CategoryIndex index, int perCategory, int minimum) {
        int n = 0;
        for (int g = 0; g < index.categoryCount(); g++) {
            n += index.eligibleClassCount(g, minimum) >= perCategory ? 1 : 0;
        }
        return n;
    }

    /** Refuses fewer usable categories than Q x worldSize, naming the numbers. */
    void checkUsable(CategoryIndex index, int classesPerBatch, int worldSize, int minimum) {
        int q = categoriesPerBatch;
        int perCategory = classesPerBatch / q;
        int usable = usable(index, perCategory, minimum);
        long global = (long) q * worldSize;
        if (global > usable) {
            String wanted = worldSize == 1
                    ? "--categories-per-batch=" + q
                    : "--categories-per-batch=" + q + " x --world-size=" + worldSize + " = " + global;
            throw new CliException(wanted + " exceeds the " + usable + " categories of " + categories
                    + " with at least --classes-per-batch / --categories-per-batch = " + perCategory + " classes"
                    + (minimum > 1 ? " of at least --min-samples-per-class=" + minimum + " samples" : "")
                    + " (" + (index.categoryCount() - usable) + " smaller categories left out; inspect lists them)");
        }
    }
}
