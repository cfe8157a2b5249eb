package io.github.balancedbatch.sampler;

/**
 * Sampling without replacement from many segments of one array, one lazily shuffled pass at a time.
 *
 * <p>{@code canon} holds the values of every segment in canonical order; {@code work} is this
 * object's copy, shuffled in place by an incremental Fisher-Yates: the next value of a segment is
 * drawn uniformly from the part of the current pass not yet drawn and swapped to the pass position.
 * A pass therefore costs O(1) per value and nothing up front. When a pass runs out, the next pass
 * shuffles on from the previous arrangement.
 *
 * <p>Segments are reset to canonical order lazily: {@link #restart()} bumps a generation and a
 * segment copies its canonical values back at its first draw in the new generation. An epoch is
 * thereby a pure function of its seed, whatever epochs were drawn before.
 *
 * <p>When a pass runs out in the middle of one {@link #draw} call, the values this call has already
 * taken sit at the tail of the finished pass; the following passes of the same call draw the rest
 * of the segment first and those values last, so a call never repeats a value it can avoid and
 * over-samples a short segment evenly.
 *
 * <p>Not thread-safe. Allocates nothing after construction.
 */
final class Pools {
    private static final int START = 0;
    private static final int SIZE = 1;
    private static final int POS = 2;
    private static final int STAMP = 3;

    private final int[] canon;
    private final int[] work;
    /** Per segment: start, size, position in the current pass, generation stamp; one cache line. */
    private final int[] state;
    private int generation;
    /** Written by {@link #touch} so that its loads are not optimised away. */
    private int touched;

    /**
     * @param canon   the values of all segments, in canonical order (shared, never written)
     * @param offsets segment {@code s} is {@code canon[offsets[s] .. offsets[s + 1])}
     */
    Pools(int[] canon, int[] offsets) {
        this.canon = canon;
        this.work = new int[canon.length];
        int segments = offsets.length - 1;
        this.state = new int[segments * 4];
        for (int s = 0; s < segments; s++) {
            state[4 * s + START] = offsets[s];
            state[4 * s + SIZE] = offsets[s + 1] - offsets[s];
            state[4 * s + STAMP] = -1;
        }
    }

    /** The common case of {@link #draw}: the current pass has {@code count} values left, shuffled. */
    private void drawWithinPass(int start, int n, int pos, int count, BoundedRandom rng, int[] dst, int off) {
        final int[] w = work;
        int p = start + pos;
        int left = n - pos;
        for (int t = 0; t < count; t++, p++, left--) {
            int j = p + rng.nextInt(left);
            int v = w[j];
            w[j] = w[p];
            w[p] = v;
            dst[off + t] = v;
        }
    }

    /** Heap bytes of the working copy and the per-segment state. */
    long heapBytes() {
        return 4L * (work.length + state.length);
    }

    /** Starts a new generation: every segment begins a fresh pass from canonical order. */
    void restart() {
        generation++;
    }

    /**
     * Reads ahead: loads the state and the next working value of each of {@code segments[0 .. count)}
     * with independent loads, so that their cache misses overlap instead of being paid one by one in
     * {@link #draw}. Changes nothing.
     */
    void touch(int[] segments, int count) {
        final int[] st = state;
        final int[] w = work;
        int sum = 0;
        for (int i = 0; i < count; i++) {
            sum += st[(segments[i] << 2) + POS];
        }
        for (int i = 0; i < count; i++) {
            int b = segments[i] << 2;
            sum += st[b + STAMP] == generation
                    ? w[st[b + START] + Math.min(st[b + POS], st[b + SIZE] - 1)]
                    : canon[st[b + START]];
        }
        touched = sum;
    }

    /**
     * Draws {@code count} values of segment {@code s} into {@code dst[off ..]}.
     *
     * @param rng the source of randomness, or {@code null} to take values in canonical order
     */
    void draw(int s, int count, BoundedRandom rng, int[] dst, int off) {
        final int[] w = work;
        final int[] st = state;
        final int b = s << 2;
        final int start = st[b + START];
        final int n = st[b + SIZE];
        int pos = st[b + POS];
        if (st[b + STAMP] != generation) {
            System.arraycopy(canon, start, w, start, n);
            st[b + STAMP] = generation;
            pos = 0;
        }
        if (rng != null && count <= n - pos) {
            drawWithinPass(start, n, pos, count, rng, dst, off);
            st[b + POS] = pos + count;
            return;
        }
        int head = n; // values at [head, n) of the current pass are drawn last
        boolean wrapped = false;
        for (int taken = 0; taken < count; taken++) {
            if (pos == n) {
                if (!wrapped) {
                    wrapped = true;
                    head = n - taken;
                }
                pos = 0;
            }
            int limit = pos < head ? head : n;
            int j = start + (rng == null ? pos : pos + rng.nextInt(limit - pos));
            int p = start + pos;
            int v = w[j];
            w[j] = w[p];
            w[p] = v;
            dst[off + taken] = v;
            pos++;
        }
        st[b + POS] = pos;
    }
}
