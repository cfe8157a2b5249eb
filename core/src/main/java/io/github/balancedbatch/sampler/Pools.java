package io.github.balancedbatch.sampler;

import java.util.Arrays;

/**
 * Sampling without replacement from many segments of one array, one lazily shuffled pass at a time.
 *
 * <p>{@code canon} holds the values of every segment in canonical order, each segment sorted
 * ascending. The working array holds, for each segment, a header of four ints (size, position in the
 * current pass, stamp, start in {@code canon}) followed by the segment's values, shuffled in place by
 * an incremental Fisher-Yates: the next value is drawn uniformly from the part of the current pass
 * not yet drawn and swapped to the pass position. A pass costs O(1) per value and nothing up front;
 * when it runs out, the next pass shuffles on from the previous arrangement. Keeping the header next
 * to the values makes a small segment one cache line: one miss per segment drawn, not two. Segments
 * are named by the offset of their header, their <em>base</em>.
 *
 * <p>When a pass runs out in the middle of one request, the values the request has already taken sit
 * at the tail of the finished pass; the following passes of the same request draw the rest of the
 * segment first and those values last, so a request never repeats a value it can avoid and
 * over-samples a short segment evenly.
 *
 * <p>Segments are reset to canonical order lazily: {@link #restart()} starts a new generation and a
 * segment is restored at its first request in the new generation, so an epoch is a pure function of
 * its seed, whatever was drawn before. A huge segment with few draws since its last restore is
 * restored in O(drawn log n) rather than copied whole: without a completed pass, only the drawn prefix
 * and the positions it displaced values to are dirty, and every displaced position's canonical value
 * sits in the prefix, found again by binary search.
 *
 * <p>Not thread-safe. Allocates nothing after construction.
 */
final class Pools {
    private static final int SIZE = 0;
    private static final int POS = 1;
    /** Generation times two, plus one if a pass completed since the segment was last restored. */
    private static final int STAMP = 2;
    private static final int CANON = 3;
    private static final int HEADER = 4;

    private final int[] canon;
    private final int[] work;
    private final int[] bases;
    private int generation;
    /** Written by {@link #touch} so that its loads are not optimised away. */
    private int touched;

    /**
     * @param canon   the values of all segments, each segment sorted ascending (shared, never written)
     * @param offsets segment {@code s} is {@code canon[offsets[s] .. offsets[s + 1])}
     */
    Pools(int[] canon, int[] offsets) {
        int segments = offsets.length - 1;
        this.canon = canon;
        this.work = new int[Math.addExact(canon.length, Math.multiplyExact(HEADER, segments))];
        this.bases = new int[segments];
        for (int s = 0; s < segments; s++) {
            int base = offsets[s] + HEADER * s;
            int size = offsets[s + 1] - offsets[s];
            bases[s] = base;
            work[base + SIZE] = size;
            work[base + CANON] = offsets[s];
            System.arraycopy(canon, offsets[s], work, base + HEADER, size);
        }
    }

    /** The base of segment number {@code s}. */
    int base(int s) {
        return bases[s];
    }

    /** The number of the segment whose base is {@code base}. */
    int segment(int base) {
        return (base - work[base + CANON]) / HEADER;
    }

    /** Heap bytes of the working array and the bases. */
    long heapBytes() {
        return 4L * (work.length + bases.length);
    }

    /** Starts a new generation: every segment begins a fresh pass from canonical order. */
    void restart() {
        generation++;
    }

    /**
     * Reads ahead: loads the header (and, for a stale segment, the canonical values) of each of
     * {@code bases[0 .. count)} with independent loads, so that their cache misses overlap instead of
     * being paid one by one. Changes nothing.
     */
    void touch(int[] bases, int count) {
        final int[] w = work;
        int sum = 0;
        for (int i = 0; i < count; i++) {
            sum += w[bases[i] + POS];
        }
        final int gen = generation;
        for (int i = 0; i < count; i++) {
            int b = bases[i];
            if (w[b + STAMP] >>> 1 != gen) {
                sum += canon[w[b + CANON]];
            }
        }
        touched = sum;
    }

    /**
     * Draws {@code count} values of the segment at {@code base} into {@code dst[off ..]}, restoring
     * the segment first if it is stale.
     *
     * @param rng the source of randomness, or {@code null} to take values in canonical order
     */
    void draw(int base, int count, BoundedRandom rng, int[] dst, int off) {
        final int[] w = work;
        final int n = w[base + SIZE];
        int pos = w[base + POS];
        int stamp = w[base + STAMP];
        if (stamp >>> 1 != generation) {
            restore(base, n, pos, (stamp & 1) != 0);
            pos = 0;
            stamp = generation << 1;
        }
        if (rng != null && count <= n - pos) { // the common case: the pass does not run out
            for (int t = 0, p = base + HEADER + pos, left = n - pos; t < count; t++, p++, left--) {
                int j = p + rng.nextInt(left);
                int v = w[j];
                w[j] = w[p];
                w[p] = v;
                dst[off + t] = v;
            }
            w[base + POS] = pos + count;
        } else {
            w[base + POS] = drawAcrossPasses(base + HEADER, n, pos, count, rng, dst, off);
            stamp |= 1;
        }
        w[base + STAMP] = stamp;
    }

    /**
     * As {@link #draw}, but never takes a value of {@code excluded} (the rows already in the batch,
     * taken for other segments: a multi-label sample is in several segments) while the segment has
     * values outside it, and never repeats a value within the request while it can avoid it:
     * <ol>
     *   <li>The current pass is drawn as by {@link #draw}; an excluded value that comes up is swapped
     *       to the end of the part still to draw and the draw repeats, so excluded values stay
     *       undrawn in the pass (deferred, not consumed) and no randomness is spent on them besides
     *       the draw that found them. Without exclusions this is {@link #draw}, value for value.</li>
     *   <li>When the pass has no value left outside {@code excluded}, the request takes the rest from
     *       the next pass, among the values that earlier requests drew in this pass and that are not
     *       excluded. Taking the first of them closes the pass: its undrawn values (all excluded,
     *       that is, already in the batch) are skipped by it and enter the next pass with the others,
     *       while this request's values of the closed pass are kept for the end of the next pass (as
     *       {@link #draw} does). A pass is never closed without taking such a value.</li>
     *   <li>When both are exhausted, the request holds every value of the segment that is not
     *       excluded, a of them, once each; if a &gt; 0 it fills up by repeating its own values in the
     *       order drawn, so each appears floor(count / a) or ceil(count / a) times; if a = 0 (every
     *       value already in the batch) it takes {@code count} consecutive values, cyclically, of the
     *       segment's current arrangement from a random start (the first without randomness), each
     *       floor(count / n) or ceil(count / n) times. Neither kind of repeat is a draw of the pool.</li>
     * </ol>
     * Without randomness the values come in canonical order, except that an excluded value met trades
     * places with the last value still to draw in the pass. Costs O(count + excluded values met);
     * moving values within the undrawn part makes the next restore a full copy of the segment.
     */
    void drawExcluding(int base, int count, BoundedRandom rng, int[] dst, int off, RowSet excluded) {
        final int[] w = work;
        final int n = w[base + SIZE];
        final int start = base + HEADER;
        int pos = w[base + POS];
        int stamp = w[base + STAMP];
        if (stamp >>> 1 != generation) {
            restore(base, n, pos, (stamp & 1) != 0);
            pos = 0;
            stamp = generation << 1;
        }
        int t = 0;
        int lim = n; // candidates of the current pass: [pos, lim); [lim, n) are excluded
        while (t < count && pos < lim) {
            int p = start + pos;
            int j = rng == null ? p : p + rng.nextInt(lim - pos);
            int v = w[j];
            if (excluded.contains(v)) {
                lim--;
                w[j] = w[start + lim];
                w[start + lim] = v;
                stamp |= 1;
                continue;
            }
            w[j] = w[p];
            w[p] = v;
            dst[off + t++] = v;
            pos++;
        }
        if (t < count) {
            pos = drawBeyondPass(start, n, pos, t, count, rng, dst, off, excluded);
            stamp |= 1;
        }
        w[base + POS] = pos;
        w[base + STAMP] = stamp;
    }

    /**
     * Steps 2 and 3 of {@link #drawExcluding}: the current pass (at {@code pos}) has no value left
     * outside {@code excluded} and the request has {@code t} of its {@code count} values, at
     * {@code [pos - t, pos)}. Returns the new position.
     */
    private int drawBeyondPass(int start, int n, int pos, int t, int count, BoundedRandom rng, int[] dst, int off,
            RowSet excluded) {
        final int[] w = work;
        int own = t; // this request's values of the current pass, at [pos - own, pos)
        int q = 0; // the next pass's position once it is open
        int hl = pos - own; // candidates of the next pass: [q, hl)
        boolean closed = false;
        while (t < count && q < hl) {
            int p = start + q;
            int j = rng == null ? p : p + rng.nextInt(hl - q);
            int v = w[j];
            if (excluded.contains(v)) {
                hl--;
                w[j] = w[start + hl];
                w[start + hl] = v;
                continue;
            }
            if (!closed) { // close the pass: its excluded rest joins the next pass, this request's values go last
                closed = true;
                // [pos - own, pos) holds own values, [pos, n) excluded ones: move the own block to the end
                for (int i = start + pos, lo = start + pos - own; i < start + n; i++, lo++) {
                    int x = w[lo];
                    w[lo] = w[i];
                    w[i] = x;
                }
            }
            w[j] = w[p];
            w[p] = v;
            dst[off + t++] = v;
            q++;
        }
        if (closed) {
            pos = q;
        }
        if (t > 0) {
            for (int a = t; t < count; t++) {
                dst[off + t] = dst[off + t - a];
            }
        } else {
            int r = rng == null ? 0 : rng.nextInt(n);
            for (; t < count; t++) {
                dst[off + t] = w[start + r];
                r = r + 1 == n ? 0 : r + 1;
            }
        }
        return pos;
    }

    /** The general case of {@link #draw}: passes may end (and begin) within this request. Returns the new position. */
    private int drawAcrossPasses(int start, int n, int pos, int count, BoundedRandom rng, int[] dst, int off) {
        final int[] w = work;
        int head = n; // values at [head, n) of the current pass are drawn last
        boolean wrapped = false;
        for (int t = 0; t < count; t++) {
            if (pos == n) {
                if (!wrapped) {
                    wrapped = true;
                    head = n - t;
                }
                pos = 0;
            }
            int limit = pos < head ? head : n;
            int p = start + pos;
            int j = rng == null ? p : p + rng.nextInt(limit - pos);
            int v = w[j];
            w[j] = w[p];
            w[p] = v;
            dst[off + t] = v;
            pos++;
        }
        return pos;
    }

    /** Puts a segment back in canonical order (see the class documentation). */
    private void restore(int base, int n, int drawn, boolean completedPass) {
        final int[] w = work;
        final int[] c = canon;
        final int from = w[base + CANON];
        final int start = base + HEADER;
        if (completedPass || drawn > (n >>> 8)) { // a streaming copy beats binary searches unless the segment is huge
            System.arraycopy(c, from, w, start, n);
            return;
        }
        for (int i = 0; i < drawn; i++) {
            int q = Arrays.binarySearch(c, from, from + n, w[start + i]) - from;
            if (q >= drawn) {
                w[start + q] = c[from + q];
            }
            w[start + i] = c[from + i];
        }
    }
}
