package io.github.balancedbatch.cli;

import static io.github.balancedbatch.cli.ClassStats.count;
import static io.github.balancedbatch.cli.ClassStats.number;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.io.PrintWriter;
import java.util.Locale;

/** The no-argument demo: a long-tailed label set made in code, sampled in front of the user. */
final class Demo {
    static final int SAMPLES = 200_000;
    static final int CLASSES = 2_000;
    static final int P = 75;
    static final int K = 10;
    static final long SEED = 42;

    private final PrintWriter out;

    Demo(PrintWriter out) {
        this.out = out;
    }

    void run() {
        ClassIndex index = ClassIndex.of(SyntheticLabels.zipf(SAMPLES, CLASSES, 2, SEED));
        ClassStats stats = new ClassStats(index);
        out.println("balanced-batch demo: P x K class-balanced batches over a long-tailed label set");
        out.println();
        out.printf(Locale.ROOT, "data set   %s samples, %s classes (Zipf-like, made in code with seed %d)%n",
                count(stats.samples), count(stats.classes), SEED);
        out.printf(Locale.ROOT, "class size smallest %s, median %s, largest %s; imbalance %sx%n",
                count(stats.min), number(stats.median), count(stats.max), number(stats.imbalance()));
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(index)
                .classesPerBatch(P).samplesPerClass(K).seed(SEED).build();
        out.printf(Locale.ROOT, "batches    P = %d classes x K = %d samples = %d indices; %s batches per epoch%n",
                P, K, sampler.batchSize(), count(sampler.batchesPerEpoch()));
        out.println();

        BatchCursor cursor = sampler.cursor(0, 0);
        int[] rows = new int[sampler.batchSize()];
        int[] classes = new int[sampler.batchSize()];
        for (int b = 0; b < 3; b++) {
            cursor.next(rows, classes);
            out.printf(Locale.ROOT, "batch %d (first 4 of %d classes):%n", b, P);
            for (int i = 0; i < 4; i++) {
                StringBuilder line = new StringBuilder();
                for (int j = 0; j < K; j++) {
                    line.append(j == 0 ? "" : " ").append(rows[i * K + j]);
                }
                out.printf(Locale.ROOT, "  class %5d (%,6d samples): rows %s%n", index.label(classes[i * K]),
                        index.size(classes[i * K]), line);
            }
        }
        out.println();

        int rarest = 0;
        int commonest = 0;
        for (int c = 1; c < index.classCount(); c++) {
            rarest = index.size(c) < index.size(rarest) ? c : rarest;
            commonest = index.size(c) > index.size(commonest) ? c : commonest;
        }
        long[] drawn = ClassStats.drawnPerClass(sampler, 0);
        long total = (long) sampler.batchesPerEpoch() * sampler.batchSize();
        out.println("one epoch, share of the indices drawn vs share of the raw data:");
        out.printf(Locale.ROOT, "  commonest class %5d: %6.3f%% of the data, %6.3f%% of the batches%n",
                index.label(commonest), 100.0 * index.size(commonest) / stats.samples, 100.0 * drawn[commonest] / total);
        out.printf(Locale.ROOT, "  rarest class    %5d: %6.3f%% of the data, %6.3f%% of the batches%n",
                index.label(rarest), 100.0 * index.size(rarest) / stats.samples, 100.0 * drawn[rarest] / total);
        out.println();

        Timing timing = Timing.sample(sampler, 200_000_000L);
        out.printf(Locale.ROOT, "speed      %s ns per batch, %.2f ns per index, %s batches/s (one thread, %s batches timed)%n",
                number(timing.nanosPerBatch()), timing.nanosPerBatch() / sampler.batchSize(),
                count((long) timing.batchesPerSecond()), count(timing.batches));
        out.println();
        out.println("Try: sample --labels FILE --classes-per-batch P --samples-per-class K --out batches.npy   (--help for more)");
    }
}
