package io.github.balancedbatch.sampler;

/**
 * How many of an epoch's class slots each class gets under a class-choice strategy (SPEC §5): real
 * targets by water-filling, then integer quotas within 1 of them.
 *
 * <p>Works on the <em>eligible</em> classes (non-empty, at least {@code minSamplesPerClass} rows),
 * numbered {@code 0 .. count() - 1} in ascending ordinal order; with categories, the same rules weigh
 * the usable categories by their samples (see {@link CategoryPlan}). Weights are {@code n^q}
 * ({@link StrictMath#pow}, identical on every JDK) or, for progressive balancing,
 * {@code (1 - e/T) n/N + (e/T) / C}; both grow with the class size, so the classes that hit the cap
 * are always the largest, and water-filling is one O(C) scan over the classes in descending size
 * order (sorted once). Only {@code +, -, *, /} and {@code StrictMath} are used: targets and quotas
 * are bit-identical across JDKs.
 *
 * <p>Immutable and thread-safe; the methods that take scratch arrays write only those.
 */
final class ClassQuotas {
    private final int[] ordinals;
    private final int[] sizes;
    /** Eligible class numbers by descending size, ties by ascending number. */
    private final int[] bySize;
    private final long samples;
    private final double power;
    private final int progressiveEpochs;
    private final long slots;
    private final int cap;
    /** The targets of every epoch for a power strategy (they do not change); null otherwise. */
    private final double[] fixedTargets;

    /**
     * @param ordinals          eligible class ordinals, ascending
     * @param slots             class slots per epoch: P * worldSize * batchesPerEpoch
     * @param cap               the most slots one class may take: batchesPerEpoch
     */
    ClassQuotas(ClassIndex index, int[] ordinals, double power, int progressiveEpochs, long slots, int cap) {
        this(ordinals, sizes(index, ordinals), power, progressiveEpochs, slots, cap);
    }

    /**
     * Quotas of arbitrary items (the categories of {@link CategoryPlan}) of the given sizes.
     *
     * @param ordinals the items' ordinals, ascending
     * @param sizes    each item's number of samples, in the order of {@code ordinals} (kept)
     */
    ClassQuotas(int[] ordinals, int[] sizes, double power, int progressiveEpochs, long slots, int cap) {
        this.ordinals = ordinals;
        this.sizes = sizes;
        long n = 0;
        for (int size : sizes) {
            n += size;
        }
        this.samples = n;
        this.power = power;
        this.progressiveEpochs = progressiveEpochs;
        this.slots = slots;
        this.cap = cap;
        this.bySize = power > 0 || progressiveEpochs > 0 ? bySize(sizes) : null;
        if (power > 0) {
            double[] w = new double[ordinals.length];
            weights(0, w);
            fixedTargets = new double[ordinals.length];
            waterFill(w, new double[ordinals.length + 1], fixedTargets);
        } else {
            fixedTargets = null;
        }
    }

    private static int[] sizes(ClassIndex index, int[] ordinals) {
        int[] sizes = new int[ordinals.length];
        for (int i = 0; i < ordinals.length; i++) {
            sizes[i] = index.size(ordinals[i]);
        }
        return sizes;
    }

    private static int[] bySize(int[] sizes) {
        Integer[] order = new Integer[sizes.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> sizes[a] != sizes[b] ? Integer.compare(sizes[b], sizes[a]) : Integer.compare(a, b));
        int[] out = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** Number of eligible classes. */
    int count() {
        return ordinals.length;
    }

    /** Ordinal of eligible class {@code i}. */
    int ordinal(int i) {
        return ordinals[i];
    }

    /** Class slots per epoch. */
    long slots() {
        return slots;
    }

    /** True when epoch {@code e} is class-balanced: the default deck deals it. */
    boolean uniform(int epoch) {
        return power == 0 && (progressiveEpochs == 0 || epoch >= progressiveEpochs);
    }

    /** Writes epoch {@code e}'s weight of every eligible class into {@code w}. */
    void weights(int epoch, double[] w) {
        if (power > 0) {
            for (int i = 0; i < w.length; i++) {
                w[i] = StrictMath.pow(sizes[i], power);
            }
        } else if (progressiveEpochs > 0 && epoch < progressiveEpochs) {
            double a = epoch / (double) progressiveEpochs;
            double n = samples;
            double c = w.length;
            for (int i = 0; i < w.length; i++) {
                w[i] = (1 - a) * (sizes[i] / n) + a / c;
            }
        } else {
            java.util.Arrays.fill(w, 0, sizes.length, 1.0);
        }
    }

    /**
     * Writes epoch {@code e}'s real targets (class slots, summing to {@link #slots()}, each at most
     * the cap) into {@code t}; {@code w} and {@code suffix} are scratch of {@code count()} and
     * {@code count() + 1} doubles.
     */
    void targets(int epoch, double[] w, double[] suffix, double[] t) {
        if (fixedTargets != null) {
            System.arraycopy(fixedTargets, 0, t, 0, t.length);
            return;
        }
        if (uniform(epoch)) {
            java.util.Arrays.fill(t, 0, ordinals.length, slots / (double) ordinals.length);
            return;
        }
        weights(epoch, w);
        waterFill(w, suffix, t);
    }

    /**
     * Shares proportional to {@code w}, capped at {@code cap} slots; what the capped classes lose goes
     * to the others in proportion to their weights. The capped classes are a prefix of the classes by
     * descending weight: scan it, with suffix sums of the weights summed from the smallest up.
     */
    private void waterFill(double[] w, double[] suffix, double[] t) {
        final int c = w.length;
        suffix[c] = 0;
        for (int k = c - 1; k >= 0; k--) {
            suffix[k] = suffix[k + 1] + w[bySize[k]];
        }
        int k = 0;
        while (k < c && (double) (slots - (long) k * cap) * w[bySize[k]] / suffix[k] >= cap) {
            t[bySize[k]] = cap;
            k++;
        }
        if (k == c) {
            return;
        }
        double rest = slots - (long) k * cap;
        double sum = suffix[k];
        for (int i = k; i < c; i++) {
            int j = bySize[i];
            t[j] = Math.min(cap, rest * w[j] / sum);
        }
    }

    /**
     * Rounds targets to integer quotas that sum to {@link #slots()}, each within 1 of its target and
     * at most the cap, by systematic rounding: class i gets one slot above floor(t_i) when the running
     * sum of fractional parts, started at {@code offset} in [0, 1), crosses an integer. With a random
     * offset every class's expected quota is exactly its target.
     */
    void round(double[] t, double offset, int[] quota) {
        double acc = offset;
        long total = 0;
        for (int i = 0; i < t.length; i++) {
            double whole = Math.floor(t[i]);
            double next = acc + (t[i] - whole);
            int extra = next >= 1 ? 1 : 0;
            acc = next - extra;
            quota[i] = (int) whole + extra;
            total += quota[i];
        }
        // The sums above are exact up to rounding error far below 1/2; this only guards the total.
        for (int i = 0; total < slots && i < t.length; i++) {
            if (quota[i] < cap && quota[i] < t[i]) {
                quota[i]++;
                total++;
            }
        }
        for (int i = 0; total > slots && i < t.length; i++) {
            if (quota[i] > t[i]) {
                quota[i]--;
                total--;
            }
        }
    }
}
