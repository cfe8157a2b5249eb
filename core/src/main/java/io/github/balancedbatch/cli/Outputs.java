package io.github.balancedbatch.cli;

import io.github.balancedbatch.util.OutputTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a command's output paths before anything is read or written: each must be a target that
 * may be written (see {@link OutputTarget}), an existing regular file must be one the tool could
 * have written (a {@code .npy} file, a report), and none may be the same file as an input or as
 * another output, whatever path, symbolic link or hard link names it.
 */
final class Outputs {
    private static final int MAX_LINKS = 40;

    private Outputs() {
    }

    /** An option and the path it names. */
    record Named(String option, Path path) {
    }

    /** What the tool writes to a target, and so the only kind of existing file it replaces. */
    enum Own {
        /** A {@code .npy} file: it starts with the magic string {@code \x93NUMPY}. */
        NPY("a .npy file"),
        /** A report: SVG or HTML, whose first character that is not blank is {@code <}. */
        REPORT("an SVG or HTML file");

        final String what;

        Own(String what) {
            this.what = what;
        }
    }

    /** Resolves the target of {@code option}; a target that is never written is a {@link CliException}. */
    static OutputTarget target(String option, Path path) {
        OutputTarget t;
        try {
            t = OutputTarget.of(path);
        } catch (IOException e) {
            throw new CliException(option + " " + e.getMessage());
        }
        if (!t.isStream() && !Files.isWritable(t.path().getParent())) {
            throw new CliException(option + " " + path + ": directory " + t.path().getParent() + " is not writable");
        }
        return t;
    }

    /**
     * Refuses a target (null: none) that is an existing non-empty regular file not of {@code own}'s
     * kind: the tool replaces only what it could have written. Called after the arguments' other
     * checks, just before writing starts.
     */
    static void checkOwn(String option, OutputTarget t, Own own) {
        if (t != null && !t.isStream() && !looksOwn(t.path(), own)) {
            throw new CliException(option + " " + t.requested() + " exists and is not " + own.what
                    + ": the tool replaces only what it could have written; remove it or choose another name");
        }
    }

    /** Whether {@code p} is absent, empty, or starts as {@code own}'s files do. */
    private static boolean looksOwn(Path p, Own own) {
        byte[] start = new byte[64];
        int n;
        try (java.io.InputStream in = Files.newInputStream(p)) {
            n = in.readNBytes(start, 0, start.length);
        } catch (java.nio.file.NoSuchFileException e) {
            return true;
        } catch (IOException e) {
            return true; // unreadable: left to the write, which names the problem
        }
        if (n == 0) {
            return true;
        }
        if (own == Own.NPY) {
            return n >= 6 && (start[0] & 0xff) == 0x93 && start[1] == 'N' && start[2] == 'U' && start[3] == 'M'
                    && start[4] == 'P' && start[5] == 'Y';
        }
        for (int i = 0; i < n; i++) {
            if (!Character.isWhitespace(start[i])) {
                return start[i] == '<';
            }
        }
        return true;
    }

    /** Refuses an output that is the same file as an input or as another output (entries may be null). */
    static void checkDistinct(List<Named> inputs, List<Named> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            Named o = outputs.get(i);
            if (o == null) {
                continue;
            }
            for (Named in : inputs) {
                if (in != null && sameFile(o.path(), in.path())) {
                    throw new CliException(o.option() + " " + o.path() + " is the same file as " + in.option() + " "
                            + in.path() + ": an input is never overwritten");
                }
            }
            for (int j = i + 1; j < outputs.size(); j++) {
                Named other = outputs.get(j);
                if (other != null && sameFile(o.path(), other.path())) {
                    throw new CliException(o.option() + " and " + other.option() + " are the same file: " + o.path()
                            + (o.path().equals(other.path()) ? "" : " and " + other.path()));
                }
            }
        }
    }

    /** Same file by any path or link: {@link Files#isSameFile} when both exist, else the same resolved name. */
    static boolean sameFile(Path a, Path b) {
        if (Files.exists(a) && Files.exists(b)) {
            try {
                return Files.isSameFile(a, b);
            } catch (IOException | SecurityException e) {
                // fall through to comparing names
            }
        }
        return canonical(a).equals(canonical(b));
    }

    /** The absolute name of {@code p} with its own links followed and its directory's real path. */
    private static Path canonical(Path p) {
        Path q = p.toAbsolutePath();
        try {
            for (int hops = 0; hops < MAX_LINKS && Files.isSymbolicLink(q); hops++) {
                q = q.resolveSibling(Files.readSymbolicLink(q));
            }
        } catch (IOException | SecurityException e) {
            // compare what we have
        }
        Path dir = q.getParent();
        Path name = q.getFileName();
        if (dir == null || name == null) {
            return q.normalize();
        }
        try {
            dir = dir.toRealPath();
        } catch (IOException | SecurityException e) {
            dir = dir.normalize();
        }
        return dir.resolve(name);
    }
}
