package io.github.balancedbatch.sampler;

import java.util.SplittableRandom;

/**
 * Uniform bounded {@code int} draws from a {@link SplittableRandom}, two draws per {@code nextLong()}.
 *
 * <p>Each draw takes 32 fresh bits and maps them into {@code [0, bound)} with Lemire's
 * multiply-shift, rejecting the few values that would bias the result, so every draw is exactly
 * uniform. The sequence depends only on {@code SplittableRandom.nextLong()}, whose algorithm
 * (SplitMix64) is fixed, which is what makes batches identical across JDKs.
 *
 * <p>Not thread-safe. Allocates nothing after construction.
 */
final class BoundedRandom {
    private static final long LOW = 0xFFFF_FFFFL;

    private final SplittableRandom random;
    private long bits;
    private boolean half;

    BoundedRandom(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** Returns a uniform value in {@code [0, bound)}; {@code bound} must be positive. */
    int nextInt(int bound) {
        long m = (next32() & LOW) * bound;
        if ((m & LOW) < bound) {
            return nextIntSlow(m, bound);
        }
        return (int) (m >>> 32);
    }

    private int nextIntSlow(long m, int bound) {
        long threshold = (0x1_0000_0000L - bound) % bound;
        while ((m & LOW) < threshold) {
            m = (next32() & LOW) * bound;
        }
        return (int) (m >>> 32);
    }

    private int next32() {
        if (half) {
            half = false;
            return (int) (bits >>> 32);
        }
        bits = random.nextLong();
        half = true;
        return (int) bits;
    }

    /**
     * The documented mixing function that derives independent seeds from (seed, stream, index):
     * the SplitMix64 finalizer applied to {@code seed + (stream * 2^32 + index + 1) * golden gamma}.
     */
    static long derive(long seed, long stream, long index) {
        long z = seed + ((stream << 32) + index + 1) * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
