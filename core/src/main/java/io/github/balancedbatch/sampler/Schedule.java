package io.github.balancedbatch.sampler;

/**
 * Which classes each step of an epoch takes under a class-choice strategy: every class exactly its
 * quota (see {@link ClassQuotas}), at most once per step, its appearances spread over the epoch.
 *
 * <p>The construction is McNaughton's wrap-around rule with a stride. The classes with a non-zero
 * quota, shuffled, are laid end to end as one sequence of S = G * B slots (G classes per step, B
 * steps), class c taking q_c &lt;= B consecutive slots. Slot i goes to row {@code i / B} of step
 * {@code (o + i * t) mod B}, where o is a random phase and t, the stride, is an integer near
 * B / golden ratio, coprime with B, with small continued-fraction quotients (see {@link #stride}).
 * Every step gets exactly one slot of each row (G classes), and a class's q_c consecutive slots
 * land on the distinct steps {@code o + (s + m) t mod B}, m = 0 .. q_c - 1: an arithmetic
 * progression modulo B, so (three-distance theorem) the gaps between a class's consecutive
 * appearances take at most three values, the largest below 3 B / q_c (checked for every B up to
 * 600 and every q_c by a test), never bunched.
 *
 * <p>Step b's slots are {@code v + j * B}, j = 0 .. G - 1, with {@code v = (b - o) t^-1 mod B}: a
 * step reads its G classes straight from the sequence, and v moves by {@code t^-1 mod B} from one
 * step to the next. {@link #start} costs O(C + S) with sequential writes only (quotas, a shuffle of
 * the classes, the sequence); {@link #next} reads G ints. Memory: S ints for the sequence plus
 * about 10 ints per class. Not thread-safe. Allocates nothing after construction.
 */
final class Schedule {
    /** 1 / golden ratio. */
    private static final double INVERSE_PHI = 0.6180339887498949;
    /** How far from B / golden ratio the stride search looks. */
    private static final int WINDOW = 64;

    private final ClassQuotas quotas;
    private final int[] bases;
    private final int width;
    private final int steps;
    private final int stride;
    private final double[] weights;
    private final double[] suffix;
    private final double[] targets;
    private final int[] quota;
    private final int[] order;
    /** The epoch's class sequence (as bases): class by class, each on quota consecutive slots. */
    private final int[] sequence;
    /** stride^-1 mod B: from one step to the next, the column of its slots moves by this much. */
    private final int inverse;
    private boolean active;
    /** Column (slot index mod B) of the next step's slots; its slots are column + j * B. */
    private int column;

    /**
     * @param bases the {@link Pools} base of each eligible class, in the order of {@code quotas}
     * @param width G, classes per step (P * worldSize)
     * @param steps B, steps per epoch
     */
    Schedule(ClassQuotas quotas, int[] bases, int width, int steps) {
        int c = quotas.count();
        this.quotas = quotas;
        this.bases = bases;
        this.width = width;
        this.steps = steps;
        this.stride = stride(steps);
        this.weights = new double[c];
        this.suffix = new double[c + 1];
        this.targets = new double[c];
        this.quota = new int[c];
        this.order = new int[c];
        this.sequence = new int[Math.multiplyExact(width, steps)];
        this.inverse = inverse(stride, steps);
    }

    /**
     * The stride: among the integers coprime with B within 64 of B / golden ratio, the one whose
     * ratio t / B has the smallest largest continued-fraction quotient (ties: the nearest), which
     * keeps the gaps of every progression even (1 for B = 2, 0 for B = 1). O(log B) per candidate.
     */
    static int stride(int steps) {
        if (steps < 3) {
            return steps - 1;
        }
        long t0 = (long) Math.floor(steps * INVERSE_PHI + 0.5);
        long best = -1;
        long bestQuotient = Long.MAX_VALUE;
        for (long d = 0; d < WINDOW; d++) {
            for (int side = 0; side < 2; side++) {
                long t = side == 0 ? t0 - d : t0 + d;
                if (t >= 1 && t < steps && gcd(t, steps) == 1) {
                    long q = largestQuotient(t, steps);
                    if (q < bestQuotient) {
                        bestQuotient = q;
                        best = t;
                    }
                }
            }
        }
        if (best < 0) { // no coprime near B / phi (cannot happen for B >= 3, but be total)
            best = 1;
        }
        return (int) best;
    }

    /** Largest partial quotient of the continued fraction of t / b. */
    private static long largestQuotient(long t, long b) {
        long max = 0;
        while (t != 0) {
            max = Math.max(max, b / t);
            long r = b % t;
            b = t;
            t = r;
        }
        return max;
    }

    /** t^-1 mod b, for t coprime with b (0 for b = 1). */
    static int inverse(long t, long b) {
        long r0 = b;
        long r1 = t;
        long s0 = 0;
        long s1 = 1;
        while (r1 != 0) {
            long q = r0 / r1;
            long r = r0 - q * r1;
            r0 = r1;
            r1 = r;
            long x = s0 - q * s1;
            s0 = s1;
            s1 = x;
        }
        return (int) Math.floorMod(s0, b);
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long r = a % b;
            a = b;
            b = r;
        }
        return a;
    }

    /**
     * Starts epoch {@code epoch}: a class-balanced epoch is left to the deck ({@link #next} then
     * returns false); otherwise computes the quotas and lays out the class sequence.
     *
     * @param rng the schedule's random stream, or null without shuffling (offset 1/2, classes in
     *     ascending order, phase 0)
     */
    void start(int epoch, BoundedRandom rng) {
        active = !quotas.uniform(epoch);
        if (!active) {
            return;
        }
        quotas.targets(epoch, weights, suffix, targets);
        quotas.round(targets, rng == null ? 0.5 : rng.nextInt(1 << 30) * 0x1p-30, quota);
        int d = 0;
        for (int i = 0; i < quota.length; i++) {
            if (quota[i] > 0) {
                order[d++] = i;
            }
        }
        if (rng != null) {
            for (int i = d; i > 1; i--) {
                int j = rng.nextInt(i);
                int t = order[i - 1];
                order[i - 1] = order[j];
                order[j] = t;
            }
        }
        final int[] sq = sequence;
        int at = 0;
        for (int x = 0; x < d; x++) {
            int c = order[x];
            java.util.Arrays.fill(sq, at, at + quota[c], bases[c]);
            at += quota[c];
        }
        int phase = rng == null ? 0 : rng.nextInt(steps);
        // step b holds the slots i with (phase + i * stride) mod B == b: i mod B = (b - phase) * inverse mod B
        column = (int) ((long) (steps - phase) % steps * inverse % steps);
    }

    /** Writes the next step's G class bases into {@code chosen}; false if the deck deals this epoch. */
    boolean next(int[] chosen) {
        if (!active) {
            return false;
        }
        final int[] sq = sequence;
        final int b = steps;
        final int g = width;
        for (int j = 0, i = column; j < g; j++, i += b) {
            chosen[j] = sq[i];
        }
        column = column >= b - inverse ? column - (b - inverse) : column + inverse;
        return true;
    }

    /** Heap bytes of the sequence and the per-class scratch. */
    long heapBytes() {
        return 4L * (sequence.length + quota.length + order.length) + 8L * (weights.length + suffix.length + targets.length);
    }
}
