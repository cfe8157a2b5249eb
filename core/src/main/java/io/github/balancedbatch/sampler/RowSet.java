package io.github.balancedbatch.sampler;

/**
 * A small set of non-negative ints (the rows already in one batch), open addressing with linear
 * probing in a power-of-two table at least twice the capacity, emptied in O(1) by a stamp: a slot
 * holds a member only if its stamp is the current one.
 *
 * <p>Not thread-safe. Allocates nothing after construction.
 */
final class RowSet {
    private final int[] keys;
    private final int[] stamps;
    private final int mask;
    private final int shift;
    private int stamp = 1;

    /** A set for at most {@code capacity} members between two {@link #clear()} calls. */
    RowSet(int capacity) {
        int size = Integer.highestOneBit(Math.max(2, 2 * capacity - 1)) << 1;
        this.keys = new int[size];
        this.stamps = new int[size];
        this.mask = size - 1;
        this.shift = 32 - Integer.numberOfTrailingZeros(size);
    }

    /** Empties the set. */
    void clear() {
        if (++stamp == 0) { // after 2^32 clears: old stamps could look current again
            java.util.Arrays.fill(stamps, 0);
            stamp = 1;
        }
    }

    private int slot(int v) {
        return (v * 0x9E3779B9) >>> shift;
    }

    boolean contains(int v) {
        for (int i = slot(v); stamps[i] == stamp; i = (i + 1) & mask) {
            if (keys[i] == v) {
                return true;
            }
        }
        return false;
    }

    /** Adds {@code a[from .. from + count)}. */
    void addAll(int[] a, int from, int count) {
        for (int t = from; t < from + count; t++) {
            int v = a[t];
            int i = slot(v);
            while (stamps[i] == stamp) {
                if (keys[i] == v) {
                    break;
                }
                i = (i + 1) & mask;
            }
            keys[i] = v;
            stamps[i] = stamp;
        }
    }

    /** Heap bytes of the table. */
    long heapBytes() {
        return 8L * keys.length;
    }
}
