package io.github.balancedbatch.cli;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.Arrays;
import java.util.Locale;

/** Class-size summary of a label set (what {@code inspect} and the demo print), and how often an epoch draws each class. */
final class ClassStats {
    final int samples;
    final int classes;
    final int nonEmpty;
    final int min;
    final double median;
    final int max;
    /** Sum of the class sizes: {@link #samples} for single-label data. */
    final long memberships;
    /** Whether the index is multi-label. */
    final boolean multiLabel;
    /** Most labels one sample holds (1 for single-label data). */
    final int maxLabels;

    ClassStats(ClassIndex index) {
        int[] sizes = new int[index.activeClassCount()];
        for (int c = 0, i = 0; c < index.classCount(); c++) {
            if (index.size(c) > 0) {
                sizes[i++] = index.size(c);
            }
        }
        Arrays.sort(sizes);
        this.samples = index.sampleCount();
        this.classes = index.classCount();
        this.nonEmpty = sizes.length;
        this.min = sizes[0];
        this.max = sizes[sizes.length - 1];
        int m = sizes.length / 2;
        this.median = sizes.length % 2 == 1 ? sizes[m] : (sizes[m - 1] + sizes[m]) / 2.0;
        this.memberships = index.membershipCount();
        this.multiLabel = index.multiLabel();
        int most = 1;
        if (multiLabel) {
            for (int r = 0; r < samples; r++) {
                most = Math.max(most, index.labelCount(r));
            }
        }
        this.maxLabels = most;
    }

    /** Mean number of labels per sample (1 for single-label data). */
    double meanLabels() {
        return memberships / (double) samples;
    }

    /** max / min over non-empty classes. */
    double imbalance() {
        return max / (double) min;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? count((long) v)
                : String.format(Locale.ROOT, "%,.1f", v);
    }

    /** How many indices of each class one epoch draws. */
    static long[] drawnPerClass(BalancedBatchSampler sampler, int epoch) {
        long[] drawn = new long[sampler.classes().classCount()];
        BatchCursor cursor = sampler.cursor(epoch, 0);
        int[] rows = new int[sampler.batchSize()];
        int[] classes = new int[sampler.batchSize()];
        for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
            cursor.next(rows, classes);
            for (int c : classes) {
                drawn[c]++;
            }
        }
        return drawn;
    }
}
