package io.github.balancedbatch.cli;

import io.github.balancedbatch.npy.LabelFiles;
import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyLabels;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The tool's label input: {@link LabelFiles} with every problem worded as a {@link CliException}. */
final class LabelInput {
    private LabelInput() {
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

    private static NpyLabels load(Path path) {
        try {
            return LabelFiles.read(path);
        } catch (NpyException e) {
            throw new CliException(e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CliException(path + ": no such file");
        } catch (IOException e) {
            throw new CliException(path + ": cannot read: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliException(path + ": " + e.getMessage());
        }
    }
}
