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

    /**
     * Most floats one direct buffer of this library holds: {@link #MAX_ARRAY_LENGTH} bytes, a
     * {@code ByteBuffer}'s limit with the same margin.
     */
    public static final int MAX_BUFFER_FLOATS = MAX_ARRAY_LENGTH / Float.BYTES;

    private ArrayLimits() {
    }

    /**
     * {@code a * b} if that many floats fit in one buffer ({@link #MAX_BUFFER_FLOATS}), else -1;
     * both factors must be at least 0. Never overflows.
     */
    public static long floatsOrMinusOne(long a, long b) {
        long n = productOrMinusOne(a, b);
        return n > MAX_BUFFER_FLOATS ? -1 : n;
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
