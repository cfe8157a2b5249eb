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
            err.println("error: internal fault: " + ex + (ex.getStackTrace().length > 0 ? " at " + ex.getStackTrace()[0] : ""));
            return FAULT;
        });
        int status;
        try {
            status = cli.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("error: not enough memory (" + e.getMessage() + "): try smaller batches or --prefetch,"
                    + " or give Java more heap with -Xmx");
            status = BAD_INPUT;
        }
        out.flush();
        err.flush();
        return status;
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
