package io.github.balancedbatch.cli;

import io.github.balancedbatch.npy.LabelFiles;
import io.github.balancedbatch.npy.MultiLabels;
import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyLabels;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The tool's label input: {@link LabelFiles}, or with {@code --multi-label} {@link MultiLabels}, with
 * every problem worded as a {@link CliException}.
 */
final class LabelInput {
    private LabelInput() {
    }

    /**
     * Groups the labels of {@code path}, one label per sample, or several with {@code multiLabel}
     * (a multi-hot matrix: class = column; text: class = label value); every problem becomes a
     * {@link CliException} naming the file.
     */
    static ClassIndex read(Path path, boolean multiLabel) {
        return multiLabel ? readMulti(path) : read(path);
    }

    /** Groups the labels of {@code path}; every problem becomes a {@link CliException} naming the file. */
    static ClassIndex read(Path path) {
        NpyLabels labels = load(path);
        try {
            return labels.oneHot()
                    ? ClassIndex.ofColumns(labels.labels(), labels.width())
                    : ClassIndex.of(labels.labels());
        } catch (IllegalArgumentException e) {
            throw new CliException(path + ": " + e.getMessage());
        }
    }

    /**
     * One value per sample from a file in the label formats (for a one-hot matrix, each row's
     * column), e.g. a category per sample; every problem becomes a {@link CliException} naming the file.
     */
    static int[] values(Path path) {
        return load(path).labels();
    }

    /** Groups the multi-label data of {@code path} (see {@link MultiLabels}); a sample may hold several classes. */
    static ClassIndex readMulti(Path path) {
        MultiLabels m;
        try {
            m = MultiLabels.read(path);
        } catch (NpyException e) {
            String library = " (LabelFiles.read reads one label per sample)";
            String problem = e.problem();
            if (problem.endsWith(library)) { // in the tool's words
                throw new CliException(path + ": " + problem.substring(0, problem.length() - library.length())
                        + " (without --multi-label it is read as one label per sample)");
            }
            throw new CliException(e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(path, e);
        }
        try {
            return index(m);
        } catch (IllegalArgumentException e) {
            throw new CliException(path + ": " + e.getMessage());
        }
    }

    /** The class index of multi-label data: columns of a multi-hot matrix (empty ones kept), or label values. */
    static ClassIndex index(MultiLabels m) {
        return m.multiHot()
                ? ClassIndex.ofMultiHot(m.sampleOffsets(), m.labels(), m.width())
                : ClassIndex.ofMultiLabel(m.sampleOffsets(), m.labels());
    }

    private static NpyLabels load(Path path) {
        try {
            return LabelFiles.read(path);
        } catch (NpyException e) {
            throw new CliException(e.getMessage());
        } catch (IOException | IllegalArgumentException e) {
            throw unreadable(path, e);
        }
    }

    /** A file that could not be read, or whose content a factory refused, in the tool's words. */
    private static CliException unreadable(Path path, Exception e) {
        if (e instanceof NoSuchFileException) {
            return new CliException(path + ": no such file");
        }
        if (e instanceof IOException) {
            return new CliException(path + ": cannot read: " + e.getMessage());
        }
        return new CliException(path + ": " + e.getMessage());
    }
}
