package io.github.balancedbatch.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a long run on stderr, only when the tool runs in a terminal (so scripts and logs get
 * no progress noise). Rewrites one line at most twice a second; allocates only when it prints.
 */
final class Progress {
    private static final long INTERVAL = 500_000_000L;

    private final PrintWriter err;
    private final String what;
    private final long total;
    private final boolean enabled;
    private long next;
    private boolean printed;

    /** Whether stderr is a terminal; tests replace it to see what a terminal gets. */
    static volatile java.util.function.BooleanSupplier terminal = Progress::stderrIsTerminal;

    Progress(PrintWriter err, String what, long total) {
        this(err, what, total, terminal.getAsBoolean());
    }

    /**
     * Whether stderr is a terminal: on Linux, where file descriptor 2 points; elsewhere, whether
     * the JVM has a console (stdin and stdout are terminals), the closest Java 17 can tell.
     */
    static boolean stderrIsTerminal() {
        try {
            String target = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    Progress(PrintWriter err, String what, long total, boolean enabled) {
        this.err = err;
        this.what = what;
        this.total = total;
        this.enabled = enabled;
        this.next = System.nanoTime() + INTERVAL;
    }

    /** Reports that {@code done} of the total are finished. */
    void update(long done) {
        if (enabled && (done & 63) == 0) {
            long now = System.nanoTime();
            if (now >= next) {
                next = now + INTERVAL;
                printed = true;
                err.printf(Locale.ROOT, "\r%s: %,d / %,d (%d%%)", what, done, total, done * 100 / Math.max(1, total));
                err.flush();
            }
        }
    }

    /** Clears the progress line, if one was printed. */
    void done() {
        if (printed) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
