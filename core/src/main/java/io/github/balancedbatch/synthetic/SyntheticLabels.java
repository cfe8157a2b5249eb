package io.github.balancedbatch.synthetic;

import java.util.SplittableRandom;

/**
 * Deterministic label sets for demos, tests and benchmarks: balanced, or long-tailed with Zipf-like
 * class sizes. Labels are the class numbers {@code 0 .. classes - 1}, scattered through the data set
 * in a random order fixed by the seed.
 */
public final class SyntheticLabels {
    private SyntheticLabels() {
    }

    /** {@code samples} labels over {@code classes} classes of equal size (the first few one larger). */
    public static int[] balanced(int samples, int classes, long seed) {
        check(samples, classes, 1);
        int[] sizes = new int[classes];
        for (int c = 0; c < classes; c++) {
            sizes[c] = samples / classes + (c < samples % classes ? 1 : 0);
        }
        return scatter(sizes, samples, seed);
    }

    /**
     * {@code samples} labels over {@code classes} classes whose sizes fall off as 1 / (rank + 1)
     * (Zipf with exponent 1), every class holding at least {@code minPerClass} samples; class 0 is
     * the largest.
     *
     * @throws IllegalArgumentException if {@code samples < classes * minPerClass}
     */
    public static int[] zipf(int samples, int classes, int minPerClass, long seed) {
        check(samples, classes, minPerClass);
        double harmonic = 0;
        for (int c = 0; c < classes; c++) {
            harmonic += 1.0 / (c + 1);
        }
        long rest = samples - (long) classes * minPerClass;
        int[] sizes = new int[classes];
        long given = 0;
        for (int c = 0; c < classes; c++) {
            int extra = (int) Math.floor(rest / harmonic / (c + 1));
            sizes[c] = minPerClass + extra;
            given += extra;
        }
        for (int c = 0; given < rest; c = (c + 1) % classes, given++) { // rounding leftovers, largest first
            sizes[c]++;
        }
        return scatter(sizes, samples, seed);
    }

    private static void check(int samples, int classes, int minPerClass) {
        if (classes < 1 || minPerClass < 1 || samples < (long) classes * minPerClass) {
            throw new IllegalArgumentException("cannot make " + samples + " samples over " + classes
                    + " classes with at least " + minPerClass + " each");
        }
    }

    private static int[] scatter(int[] sizes, int samples, long seed) {
        int[] labels = new int[samples];
        for (int c = 0, i = 0; c < sizes.length; c++) {
            for (int j = 0; j < sizes[c]; j++) {
                labels[i++] = c;
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = samples - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return labels;
    }
}
