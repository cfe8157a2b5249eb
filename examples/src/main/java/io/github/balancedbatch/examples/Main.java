package io.github.balancedbatch.examples;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Runnable examples on real data. {@code fashion-mnist}: metric learning and a long tail on
 * Fashion-MNIST, trained with DJL's PyTorch engine on balanced P x K batches; the last lines it
 * prints (recall@1, one long-tail line per sampler variant) are machine-readable, and the same
 * arguments print them identically on every run.
 */
public final class Main {
    static final String USAGE = String.join("\n",
            "usage: java -jar balanced-batch-examples.jar fashion-mnist [--data DIR] [--steps-scale X] [--seeds N] [--seed S]",
            "  --data DIR         the four gzipped IDX files (default /usr/share/datasets/fashion-mnist)",
            "  --steps-scale X    multiplies every step budget (default 1; 0.01 for a smoke run)",
            "  --seeds N          seeds of the long-tail experiment, averaged (default 3)",
            "  --seed S           seed of the metric-learning experiment (default 1)",
            "Runs offline on DJL's PyTorch engine; set OPT_OUT_TRACKING=true and DJL_CACHE_DIR as you like.");

    private static final long START = System.nanoTime();

    private Main() {}

    /** Seconds since the program started, for the progress lines. */
    static String clock() {
        return String.format(Locale.ROOT, "[%5.1f s]", (System.nanoTime() - START) / 1e9);
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the program; returns its exit status (0 ok, 2 bad arguments or missing data, 1 a fault). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        defaults();
        Path data = Path.of("/usr/share/datasets/fashion-mnist");
        double scale = 1;
        int seeds = 3;
        int seed = MetricLearning.SEED;
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        if (args.length == 0 || !args[0].equals("fashion-mnist")) {
            err.println("error: " + (args.length == 0 ? "no example named" : "unknown example: " + args[0])
                    + " (the one example is fashion-mnist; --help for usage)");
            return 2;
        }
        try {
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if (a.equals("--help")) {
                    out.println(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown option or missing value: " + a);
                }
                String v = args[++i];
                switch (a) {
                    case "--data" -> data = Path.of(v);
                    case "--steps-scale" -> scale = Double.parseDouble(v);
                    case "--seeds" -> seeds = Integer.parseInt(v);
                    case "--seed" -> seed = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown option: " + a);
                }
            }
            if (!(scale > 0) || seeds < 1) {
                throw new IllegalArgumentException("--steps-scale must be above 0 and --seeds at least 1");
            }
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        FashionMnist mnist;
        try {
            mnist = FashionMnist.read(data);
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try {
            return fashionMnist(mnist, scale, seeds, seed, out);
        } catch (Exception e) {
            e.printStackTrace(err);
            return 1;
        }
    }

    private static int fashionMnist(FashionMnist data, double scale, int seeds, int seed, PrintStream out) throws Exception {
        out.printf(Locale.ROOT, "%s Fashion-MNIST: %d training and %d test images; DJL PyTorch engine, %s thread(s)%n",
                clock(), data.train.size(), data.test.size(), System.getProperty("ai.djl.pytorch.num_threads"));
        MetricLearning.Result metric;
        List<LongTail.Result> tail;
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            metric = MetricLearning.run(data, manager, scale, seed, out);
            tail = LongTail.run(data, manager, scale, seeds, out);
        }
        out.printf(Locale.ROOT, "%s data path: waiting for the next batch %.3f ms/step inline, %.3f with the pipeline;"
                + " a step computes for %.3f ms%n", clock(), metric.inline.waitMillis(), metric.pipeline.waitMillis(),
                (metric.inline.computeNanos + metric.pipeline.computeNanos) / 1e6
                        / Math.max(1, metric.inline.steps + metric.pipeline.steps));
        out.printf(Locale.ROOT, "wall time %.1f s (from the program's start, data loading included)%n",
                (System.nanoTime() - START) / 1e9);
        // The machine-readable lines: the same command with the same seeds prints them identically.
        out.printf(Locale.ROOT, "recall@1: raw-pixels=%.4f before=%.4f after=%.4f shuffled=%.4f%n", metric.rawPixels,
                metric.before, metric.after, metric.shuffled);
        for (LongTail.Result r : tail) {
            out.printf(Locale.ROOT, "long-tail: sampler=%s accuracy=%.4f worst-class=%.4f tail-accuracy=%.4f%n",
                    r.name, r.accuracy, r.worst(), r.tail());
        }
        return 0;
    }

    /** A step budget times the scale, at least 1. */
    static int scaled(int steps, double scale) {
        return (int) Math.max(1, Math.round(steps * scale));
    }

    /** DJL offline, one intra-op thread, no tracking, quiet logs; each unless the user set it. */
    private static void defaults() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
