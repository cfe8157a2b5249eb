package io.github.balancedbatch.cli;

import io.github.balancedbatch.npy.NpyException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The command-line tool: {@code java -jar balanced-batch-cli.jar [command] [options]}.
 *
 * <p>Exit status 0 on success, 2 for bad arguments or input (one {@code error:} line on stderr), 1
 * for an internal fault. Nothing else in the library depends on this package.
 */
@Command(name = "balanced-batch", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Class-balanced P x K batches: sample, inspect and benchmark label sets.%n"
                + "Without a command, runs a demo on an embedded long-tailed data set.",
        subcommands = {SampleCommand.class, InspectCommand.class, BenchCommand.class, ReportCommand.class,
            CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int BAD_INPUT = 2;
    static final int FAULT = 1;

    @Override
    public void run() {
        new Demo(new PrintWriter(System.out, true)).run();
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool with the given streams and returns the exit status (used by tests). */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + firstLine(ex.getMessage()));
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, command, parsed) -> {
            if (ex instanceof CliException || ex instanceof NpyException) {
                err.println("error: " + firstLine(ex.getMessage()));
                return BAD_INPUT;
            }
            return fault(err, ex);
        });
        int status;
        try {
            status = cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: not enough memory (" + e.getMessage() + "): try smaller batches or --prefetch,"
                    + " or give Java more heap with -Xmx");
            status = BAD_INPUT;
        } catch (InternalError e) {
            if (isMappedFileFault(e)) { // a command that knows the file names it reports it itself
                err.println("error: an input file changed or was truncated while being read");
                status = BAD_INPUT;
            } else {
                status = fault(err, e);
            }
        } catch (Throwable e) { // never a stack trace
            status = fault(err, e);
        }
        out.flush();
        err.flush();
        return status;
    }

    /**
     * Set when the JVM is shutting down under the command (a signal: SIGTERM, SIGINT): the outputs'
     * cleanup then closes the writers under the running command, whose failure that is not a fault.
     */
    private static volatile boolean stopping;

    /** Called by a shutdown hook before it releases what a running command uses. */
    static void stopping() {
        stopping = true;
    }

    private static int fault(PrintWriter err, Throwable e) {
        if (stopping) { // killed by a signal: the exit status says so; a failure it caused is no fault
            return FAULT;
        }
        err.println("error: internal fault: " + firstLine(String.valueOf(e))
                + (e.getStackTrace().length > 0 ? " at " + e.getStackTrace()[0] : ""));
        return FAULT;
    }

    /**
     * Whether {@code e} is the JVM's report of a fault in a memory-mapped file (a page that vanished
     * because the file was truncated or replaced while mapped), delivered after an unsafe access.
     */
    static boolean isMappedFileFault(Throwable e) {
        return e instanceof InternalError && e.getMessage() != null
                && e.getMessage().contains("fault occurred") && e.getMessage().contains("unsafe memory access");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown problem";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** Reports the version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"balanced-batch " + (v == null ? "(development build)" : v)};
        }
    }
}
