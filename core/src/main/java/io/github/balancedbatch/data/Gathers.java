package io.github.balancedbatch.data;

import io.github.balancedbatch.npy.NpyType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The gather loops behind {@link FeatureMatrix#gather}.
 *
 * <p>Every loop walks the batch in blocks of {@link #BLOCK} rows: it first reads one byte of each
 * row of the block (so that the rows' cache misses are in flight together; it also finds a bad
 * index before anything of the block is copied), then copies the block's rows. float32 rows are one
 * bulk copy each; compact types are converted into a per-thread tile of {@link #TILE} floats that is
 * flushed into the destination in one bulk copy, so a narrow row costs no copy call of its own (a
 * heap destination is written directly).
 *
 * <p>The callers have checked the arguments; the loops check each index. Thread-safe: each thread
 * has its own {@link Scratch}, made on its first gather (about 20 KiB); nothing is allocated after.
 */
final class Gathers {
    /** Rows whose first bytes are read before any of them is copied. */
    static final int BLOCK = 16;
    /** Floats in a thread's conversion tile (16 KiB: the tile stays in the first-level cache). */
    static final int TILE = 4096;
    static final Gathers INSTANCE = new Gathers();

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private Gathers() {
    }

    /** One thread's conversion scratch; {@link #sink} keeps the reads of {@link #touch} alive. */
    static final class Scratch {
        final float[] tile = new float[TILE];
        /** The stored bytes of {@link Convert#bytesWide}. */
        final byte[] bytes = new byte[TILE];
        int sink;
    }

    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** Unscaled float32 rows {@code idx[from .. end)} into {@code dst} from float {@code at}: one bulk copy per row. */
    void floats(FeatureMatrix m, int[] idx, int from, int end, FloatBuffer dst, int at) {
        final Scratch s = scratch();
        final FloatBuffer[] src = m.floats;
        final int d = m.width;
        final int per = m.rowsPerRegion;
        final boolean one = src.length == 1;
        for (int i = from; i < end; ) {
            final int stop = Math.min(end, i + BLOCK);
            final int ok = touch(m, idx, i, stop, s);
            for (; i < ok; i++) {
                final int r = idx[i];
                if (one) {
                    dst.put(at, src[0], r * d, d);
                } else {
                    dst.put(at, src[r / per], (r % per) * d, d);
                }
                at += d;
            }
            if (ok < stop) {
                throw badIndex(idx, ok, m.rows);
            }
        }
    }

    /** The stored bytes of rows {@code idx[from .. end)} into {@code dst} from byte {@code at}: one bulk copy per row. */
    void bytes(FeatureMatrix m, int[] idx, int from, int end, ByteBuffer dst, int at) {
        final Scratch s = scratch();
        final ByteBuffer[] src = m.bytes;
        final int rb = m.rowBytes;
        final int per = m.rowsPerRegion;
        final boolean one = src.length == 1;
        for (int i = from; i < end; ) {
            final int stop = Math.min(end, i + BLOCK);
            final int ok = touch(m, idx, i, stop, s);
            for (; i < ok; i++) {
                final int r = idx[i];
                if (one) {
                    dst.put(at, src[0], r * rb, rb);
                } else {
                    dst.put(at, src[r / per], (r % per) * rb, rb);
                }
                at += rb;
            }
            if (ok < stop) {
                throw badIndex(idx, ok, m.rows);
            }
        }
    }

    /**
     * Rows {@code idx[from .. end)} of a compact type, or of scaled float32, converted into
     * {@code dst} from float {@code at}, through the tile (or straight into a heap destination's
     * array).
     */
    void converted(FeatureMatrix m, int[] idx, int from, int end, FloatBuffer dst, int at) {
        final Scratch s = scratch();
        final boolean heap = dst.hasArray();
        final float[] out = heap ? dst.array() : s.tile;
        final int base = heap ? dst.arrayOffset() + at : 0;
        final int d = m.width;
        final int per = m.rowsPerRegion;
        final boolean one = m.bytes.length == 1;
        int fill = 0; // values in the tile not yet flushed (a heap destination: values written)
        for (int i = from; i < end; ) {
            final int stop = Math.min(end, i + BLOCK);
            final int ok = touch(m, idx, i, stop, s);
            for (; i < ok; i++) {
                final int r = idx[i];
                final int region = one ? 0 : r / per;
                final int local = one ? r : r - region * per;
                if (heap) {
                    convert(m, region, local * d, d, out, base + fill, s);
                    fill += d;
                } else if (d <= TILE) {
                    if (fill + d > TILE) {
                        dst.put(at, out, 0, fill);
                        at += fill;
                        fill = 0;
                    }
                    convert(m, region, local * d, d, out, fill, s);
                    fill += d;
                } else { // a row wider than the tile: tile by tile
                    for (int c = 0; c < d; c += TILE) {
                        final int n = Math.min(TILE, d - c);
                        convert(m, region, local * d + c, n, out, 0, s);
                        dst.put(at, out, 0, n);
                        at += n;
                    }
                }
            }
            if (ok < stop) {
                if (!heap && fill > 0) {
                    dst.put(at, out, 0, fill);
                }
                throw badIndex(idx, ok, m.rows);
            }
        }
        if (!heap && fill > 0) {
            dst.put(at, out, 0, fill);
        }
    }

    /**
     * Values {@code [first, first + n)} of region {@code region} (counted from the region's start),
     * converted into {@code out[o ..]}: each type's table, and the affine map where it is not in the
     * table.
     */
    void convert(FeatureMatrix m, int region, int first, int n, float[] out, int o, Scratch s) {
        if (m.byteValues != null) {
            if (Convert.WIDE && n >= Convert.WIDE_MIN) {
                Convert.bytesWide(m.words[region], first, n, m.type == NpyType.UINT8, m.affine, m.scale, m.offset,
                        s.bytes, out, o);
            } else {
                Convert.bytes(m.words[region], first, n, m.byteValues, out, o);
            }
            return;
        }
        if (m.type == NpyType.FLOAT16) {
            final ByteBuffer stored = m.bytes[region];
            if (stored.order() == ByteOrder.LITTLE_ENDIAN) {
                Convert.halves(m.words[region], 2 * first, n, out, o);
            } else {
                Convert.halvesAnyOrder(stored, 2 * first, n, out, o);
            }
        } else {
            m.floats[region].get(first, out, o, n);
        }
        if (m.affine) {
            Convert.affine(out, o, n, m.scale, m.offset);
        }
    }

    /**
     * Reads the first byte of each row of {@code idx[i .. stop)}, so that their cache misses are in
     * flight together. Returns the position of the first index that is not a row (its row and the
     * ones after it are not read), or {@code stop}.
     */
    static int touch(FeatureMatrix m, int[] idx, int i, int stop, Scratch s) {
        final ByteBuffer[] b = m.bytes;
        final int n = m.rows;
        final int rb = m.rowBytes;
        int t = 0;
        int j = i;
        if (b.length == 1) {
            final ByteBuffer only = b[0];
            for (; j < stop; j++) {
                final int r = idx[j];
                if (Integer.compareUnsigned(r, n) >= 0) {
                    break;
                }
                t += only.get(r * rb);
            }
        } else {
            final int per = m.rowsPerRegion;
            for (; j < stop; j++) {
                final int r = idx[j];
                if (Integer.compareUnsigned(r, n) >= 0) {
                    break;
                }
                final int region = r / per;
                t += b[region].get((r - region * per) * rb);
            }
        }
        s.sink += t;
        return j;
    }

    static IndexOutOfBoundsException badIndex(int[] idx, int at, int rows) {
        return new IndexOutOfBoundsException("indices[" + at + "] = " + idx[at] + " is not a row of this matrix ("
                + (rows == 0 ? "it has no rows" : "rows 0 to " + (rows - 1)) + ")");
    }
}
