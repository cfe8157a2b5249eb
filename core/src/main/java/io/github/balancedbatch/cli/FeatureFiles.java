package io.github.balancedbatch.cli;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Maps a feature file for the tool, checking that its rows line up with the labels. */
final class FeatureFiles {
    /** Test hook: runs on each mapped file, e.g. to truncate it under the mapping; null in use. */
    static volatile java.util.function.Consumer<Path> afterMap;

    private FeatureFiles() {
    }

    /** What identifies a file's contents cheaply: if any of it changes, the file was rewritten. */
    record Stamp(long size, java.nio.file.attribute.FileTime modified, Object key) {
    }

    /** The stamp of {@code path}, or null if it cannot be read (the mapping reports that). */
    static Stamp stamp(Path path) {
        try {
            java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(path,
                    java.nio.file.attribute.BasicFileAttributes.class);
            return new Stamp(a.size(), a.lastModifiedTime(), a.fileKey());
        } catch (IOException e) {
            return null;
        }
    }

    static FeatureMatrix map(Path path, int labelRows, Path labels) {
        FeatureMatrix m = map(path);
        java.util.function.Consumer<Path> hook = afterMap;
        if (hook != null) {
            hook.accept(path);
        }
        if (m.rows() != labelRows) {
            throw new CliException(path + ": " + ClassStats.count(m.rows()) + " feature rows, but " + labels + " has "
                    + ClassStats.count(labelRows) + " labels");
        }
        return m;
    }

    /** Maps a feature file on its own. */
    static FeatureMatrix map(Path path) {
        try {
            return FeatureMatrix.map(path);
        } catch (NpyException e) {
            throw new CliException(e.getMessage());
        } catch (NoSuchFileException e) {
            throw new CliException(path + ": no such file");
        } catch (IOException e) {
            throw new CliException(path + ": cannot read: " + e.getMessage());
        }
    }
}
