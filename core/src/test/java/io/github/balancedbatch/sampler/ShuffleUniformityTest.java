package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Every random path of the sampler against the distribution it must have, in the manner of Apache
 * Commons RNG's {@code ArraySamplerTest.testShuffleIsRandom}: many shuffles with a fixed seed into
 * {@code counts[position][value]}, then a chi-square test that fails below p = 0.001. The expected
 * tables are derived by hand in each test from the contract, not from the code.
 */
class ShuffleUniformityTest {
    private static final double ALPHA = 1e-3;
    private static final int TRIALS = 30_000;

    /** The common path: requests that fit in the pass draw uniformly from what is left of it. */
    @Test
    void rowsWithinAPassAreUniform() {
        int n = 6;
        long[][] counts = new long[n][n];
        Pools pools = pools(n);
        BoundedRandom rng = new BoundedRandom(11);
        int[] pass = new int[n];
        for (int t = 0; t < TRIALS; t++) {
            pools.restart();
            for (int r = 0; r < 3; r++) {
                pools.draw(pools.base(0), 2, rng, pass, 2 * r); // three requests of K = 2 make one pass
            }
            for (int p = 0; p < n; p++) {
                counts[p][pass[p]]++;
            }
        }
        assertUniform(counts, uniform(n, n), "rows within a pass (n = 6, K = 2), seed 11");
    }

    /**
     * The path where a pass runs out inside a request (n = 5, K = 3). Rank the values by their
     * position in the first pass. The second request takes ranks 3 and 4, then opens the second pass:
     * it must take one of ranks 0-2 (not its own two again), each with probability 1/3. From then on
     * the rest of the second pass is uniform over the four values left: a rank among 0-2 is left with
     * probability 2/3, so it appears at each later position with probability 1/6, ranks 3 and 4 with
     * 1/4.
     */
    @Test
    void aPassRunningOutInsideARequestIsUniformOverWhatItMayTake() {
        int n = 5;
        int k = 3;
        long[][] first = new long[n][n];
        long[][] second = new long[n][n];
        Pools pools = pools(n);
        BoundedRandom rng = new BoundedRandom(12);
        int[] stream = new int[4 * k];
        int[] rank = new int[n];
        for (int t = 0; t < TRIALS; t++) {
            pools.restart();
            for (int r = 0; r < 4; r++) {
                pools.draw(pools.base(0), k, rng, stream, r * k);
            }
            for (int p = 0; p < n; p++) {
                first[p][stream[p]]++;
                rank[stream[p]] = p;
            }
            for (int p = 0; p < n; p++) {
                second[p][rank[stream[n + p]]]++;
            }
        }
        assertUniform(first, uniform(n, n), "first pass (n = 5, K = 3), seed 12");
        double[][] expected = new double[n][];
        expected[0] = new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0};
        for (int p = 1; p < n; p++) {
            expected[p] = new double[] {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 4.0, 1 / 4.0};
        }
        assertUniform(second, expected, "second pass by first-pass rank (n = 5, K = 3), seed 12");
    }

    /**
     * A request longer than its class (n = 3, K = 5): the first three entries are a uniform
     * permutation; the last two are two distinct values, every ordered pair of first-pass ranks
     * equally likely (1/6 each).
     */
    @Test
    void requestsLongerThanTheClassCycleUniformly() {
        int n = 3;
        int k = 5;
        long[][] counts = new long[k][n];
        long[][] pairs = new long[1][n * n];
        Pools pools = pools(n);
        BoundedRandom rng = new BoundedRandom(13);
        int[] batch = new int[k];
        int[] rank = new int[n];
        for (int t = 0; t < TRIALS; t++) {
            pools.restart();
            pools.draw(pools.base(0), k, rng, batch, 0);
            for (int p = 0; p < k; p++) {
                counts[p][batch[p]]++;
            }
            for (int p = 0; p < n; p++) {
                rank[batch[p]] = p;
            }
            pairs[0][rank[batch[3]] * n + rank[batch[4]]]++;
        }
        assertUniform(counts, uniform(k, n), "entries of a batch (n = 3, K = 5), seed 13");
        double[] pair = new double[n * n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                pair[a * n + b] = a == b ? 0 : 1 / 6.0;
            }
        }
        assertUniform(pairs, new double[][] {pair}, "ranks of the last two entries (n = 3, K = 5), seed 13");
    }

    /**
     * The class deck over a whole epoch, through the public API: 7 classes, P = 3, 3 batches. The
     * first 7 class slots are one uniformly shuffled pass of the deck. The third batch's last two
     * slots open the next pass and must avoid the class already in that batch (rank 6 of the pass):
     * they are two distinct classes among ranks 0-5, each rank with probability 1/6.
     */
    @Test
    void theClassDeckIsUniformAcrossAnEpochAndItsWrap() {
        int classes = 7;
        int[] labels = SyntheticLabels.balanced(14, classes, 2);
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(labels)).classesPerBatch(3)
                .samplesPerClass(2).seed(14).build();
        assertEquals(3, s.batchesPerEpoch());
        long[][] deal = new long[classes][classes];
        long[][] wrap = new long[2][classes];
        BatchCursor cursor = s.cursor(0, 0);
        int[] rows = new int[6];
        int[] classOf = new int[6];
        int[] slots = new int[9];
        int[] rank = new int[classes];
        int epochs = 20_000;
        for (int e = 0; e < epochs; e++) {
            for (int b = 0; b < 3; b++) {
                cursor.next(rows, classOf);
                for (int c = 0; c < 3; c++) {
                    slots[b * 3 + c] = classOf[2 * c];
                }
            }
            for (int p = 0; p < classes; p++) {
                deal[p][slots[p]]++;
                rank[slots[p]] = p;
            }
            wrap[0][rank[slots[7]]]++;
            wrap[1][rank[slots[8]]]++;
        }
        assertUniform(deal, uniform(classes, classes), "class slots of an epoch's first deck pass, seed 14");
        double[] expected = {1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 0};
        assertUniform(wrap, new double[][] {expected, expected}, "deck wrap inside a batch, seed 14");
    }

    /** The mixed layout is a uniform permutation of the grouped batch: each entry lands anywhere alike. */
    @Test
    void theMixedLayoutIsAUniformPermutation() {
        int[] labels = SyntheticLabels.balanced(600, 30, 20);
        BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(ClassIndex.of(labels)).classesPerBatch(2)
                .samplesPerClass(3).seed(15).batchesPerEpoch(1_000);
        BatchCursor grouped = b.mix(false).build().cursor(0, 0);
        BatchCursor mixed = b.mix(true).build().cursor(0, 0);
        int size = 6;
        long[][] counts = new long[size][size];
        int[] g = new int[size];
        int[] m = new int[size];
        for (int t = 0; t < 20_000; t++) {
            grouped.next(g);
            mixed.next(m);
            for (int p = 0; p < size; p++) {
                int from = indexOf(g, m[p]);
                counts[p][from]++;
            }
        }
        assertUniform(counts, uniform(size, size), "mixed position by grouped position, seed 15");
    }

    /**
     * A refused call changes nothing (Commons RNG's {@code testInvalidSubRange}): the arguments are
     * checked before any draw, so the cursor still returns the batch it would have.
     */
    @Test
    void refusedCallsLeaveTheCursorWhereItWas() {
        int[] labels = SyntheticLabels.zipf(500, 20, 2, 3);
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(labels)).classesPerBatch(4)
                .samplesPerClass(3).seed(16).build();
        BatchCursor reference = s.cursor(0, 0);
        BatchCursor cursor = s.cursor(0, 0);
        int[] expected = new int[12];
        int[] rows = new int[12];
        for (int i = 0; i < 2 * s.batchesPerEpoch(); i++) {
            reference.next(expected);
            int epoch = cursor.epoch();
            int batch = cursor.batch();
            assertThrows(IndexOutOfBoundsException.class, () -> cursor.next(new int[11]));
            assertThrows(IndexOutOfBoundsException.class, () -> cursor.next(new int[12], new int[11]));
            assertThrows(IndexOutOfBoundsException.class, () -> cursor.next(new int[20], 9, null, 0));
            assertThrows(IllegalArgumentException.class, () -> cursor.seek(-1, 0));
            assertThrows(IllegalArgumentException.class, () -> cursor.seek(0, s.batchesPerEpoch()));
            assertEquals(epoch, cursor.epoch());
            assertEquals(batch, cursor.batch());
            cursor.next(rows);
            assertArrayEquals(expected, rows, "batch " + i + " after refused calls");
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        throw new AssertionError(v + " is not in " + Arrays.toString(a));
    }

    /** One segment holding the values 0 .. n-1. */
    private static Pools pools(int n) {
        int[] canon = new int[n];
        Arrays.setAll(canon, i -> i);
        return new Pools(canon, new int[] {0, n});
    }

    private static double[][] uniform(int rows, int values) {
        double[][] p = new double[rows][values];
        for (double[] r : p) {
            Arrays.fill(r, 1.0 / values);
        }
        return p;
    }

    /**
     * Chi-square test of each row of {@code counts} against the probabilities of the same row of
     * {@code expected}; a cell of probability 0 must stay empty. Fails if any row's p-value is
     * below {@link #ALPHA}.
     */
    static void assertUniform(long[][] counts, double[][] expected, String what) {
        for (int r = 0; r < counts.length; r++) {
            long total = Arrays.stream(counts[r]).sum();
            double chi2 = 0;
            int df = -1;
            for (int v = 0; v < counts[r].length; v++) {
                double e = expected[r][v] * total;
                if (e == 0) {
                    assertEquals(0, counts[r][v], what + ": row " + r + " value " + v + " must never occur");
                    continue;
                }
                double d = counts[r][v] - e;
                chi2 += d * d / e;
                df++;
            }
            double p = ChiSquare.pValue(chi2, df);
            assertTrue(p >= ALPHA, String.format(java.util.Locale.ROOT, "%s: row %d has chi-square %.1f with %d degrees"
                    + " of freedom (p = %.2g): %s", what, r, chi2, df, p, Arrays.toString(counts[r])));
        }
    }

    /** Upper tail of the chi-square distribution, from the regularised incomplete gamma function. */
    static final class ChiSquare {
        private ChiSquare() {
        }

        static double pValue(double chi2, int df) {
            return 1 - lowerGamma(df / 2.0, chi2 / 2.0);
        }

        /** P(a, x) by its series (when {@code x < a + 1}) or its continued fraction (Numerical Recipes, 6.2). */
        private static double lowerGamma(double a, double x) {
            if (x <= 0) {
                return 0;
            }
            double lnPrefix = a * Math.log(x) - x - lnGamma(a);
            if (x < a + 1) {
                double term = 1 / a;
                double sum = term;
                for (int n = 1; n < 1_000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
                    term *= x / (a + n);
                    sum += term;
                }
                return sum * Math.exp(lnPrefix);
            }
            double b = x + 1 - a;
            double c = 1 / 1e-300;
            double d = 1 / b;
            double h = d;
            for (int i = 1; i < 1_000; i++) {
                double an = -i * (i - a);
                b += 2;
                d = an * d + b;
                d = Math.abs(d) < 1e-300 ? 1e-300 : d;
                c = b + an / c;
                c = Math.abs(c) < 1e-300 ? 1e-300 : c;
                d = 1 / d;
                double delta = d * c;
                h *= delta;
                if (Math.abs(delta - 1) < 1e-15) {
                    break;
                }
            }
            return 1 - Math.exp(lnPrefix) * h;
        }

        /** Lanczos approximation of ln Gamma(a), a > 0. */
        private static double lnGamma(double a) {
            double[] c = {76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155,
                0.1208650973866179e-2, -0.5395239384953e-5};
            double y = a;
            double tmp = a + 5.5;
            tmp -= (a + 0.5) * Math.log(tmp);
            double ser = 1.000000000190015;
            for (double v : c) {
                ser += v / ++y;
            }
            return -tmp + Math.log(2.5066282746310005 * ser / a);
        }
    }

    /** The chi-square tail itself, against tabulated quantiles. */
    @Test
    void chiSquareTailMatchesTables() {
        assertEquals(0.001, ChiSquare.pValue(27.877, 9), 2e-5);
        assertEquals(0.05, ChiSquare.pValue(3.841, 1), 2e-4);
        assertEquals(0.001, ChiSquare.pValue(13.816, 2), 2e-5);
        assertEquals(0.5, ChiSquare.pValue(34.336, 35), 1e-3);
    }
}
