package io.github.balancedbatch.cli;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Maps a feature file for the tool, checking that its rows line up with the labels. */
final class FeatureFiles {
    private FeatureFiles() {
    }

    static FeatureMatrix map(Path path, int labelRows, Path labels) {
        FeatureMatrix m = map(path);
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
