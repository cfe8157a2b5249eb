package io.github.balancedbatch.npy;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Thrown when a {@code .npy} file (or a text label file read by {@link LabelFiles}) is malformed,
 * inconsistent, or uses a feature this package deliberately does not support. The message is
 * {@code file + ": " + problem} and always names what is wrong (the offending dtype, dimension,
 * row, line, or lengths).
 *
 * <p>Plain I/O failures (missing file, permission denied, disk errors) are reported with the
 * ordinary {@link IOException} subclasses instead, so callers can tell "bad content" apart from
 * "could not read".
 */
public final class NpyException extends IOException {
    private static final long serialVersionUID = 1L;

    /** {@link Path} is not serializable; after deserialization {@link #file()} returns null. */
    private final transient Path file;
    private final String problem;

    /**
     * @param file the file that was refused
     * @param problem what is wrong with it, without the file name
     */
    public NpyException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
        this.problem = problem;
    }

    /** The file that was refused. */
    public Path file() {
        return file;
    }

    /** What is wrong with the file, without the file name. */
    public String problem() {
        return problem;
    }
}
