package io.github.balancedbatch.util;

/**
 * The largest array (and buffer) length this library allocates or accepts, and size arithmetic
 * checked against it.
 *
 * <p>HotSpot refuses arrays a few elements short of {@code Integer.MAX_VALUE} ("Requested array
 * size exceeds VM limit"); like Lucene's {@code ArrayUtil.MAX_ARRAY_LENGTH}, we keep a safe margin.
 */
public final class ArrayLimits {
    /** Largest length of an array or of one buffer of elements: {@code Integer.MAX_VALUE - 8}. */
    public static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

    private ArrayLimits() {
    }

    /**
     * {@code a * b} if it is at most {@link #MAX_ARRAY_LENGTH}, else -1; both factors must be at
     * least 0. Never overflows.
     */
    public static long productOrMinusOne(long a, long b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("negative factor: " + a + " x " + b);
        }
        if (a != 0 && b > MAX_ARRAY_LENGTH / a) {
            return -1;
        }
        return a * b;
    }
}
