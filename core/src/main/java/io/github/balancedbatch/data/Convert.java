package io.github.balancedbatch.data;

import io.github.balancedbatch.npy.NpyType;
import java.nio.ByteBuffer;

/**
 * Conversions of stored feature values to float32, exactly as numpy's {@code astype(np.float32)},
 * with the affine map {@code x * scale + offset} when asked. Two kernels for uint8 and int8: on JDK 17
 * to 20 the stored bytes are read eight at a time ({@code getLong} on a little-endian view) and each
 * value is looked up in a table; from JDK 21, whose compiler turns a loop of byte-to-float
 * conversions into vector instructions, the bytes are copied in bulk and converted by such loops
 * ({@link #WIDE}). Both give the same bits. Stateless; the tables are immutable.
 */
final class Convert {
    /**
     * Whether uint8 and int8 values are converted by {@link #bytesWide} rather than by table: on JDK
     * 21 and later, where the compiler vectorizes those loops (in a stand-alone loop on JDK 25, 1.25x
     * to 2.3x faster than the table from 256 to 2048 values, on par at 128, slower at 64; on JDK 17,
     * slower than the table at every width).
     */
    static final boolean WIDE = Runtime.version().feature() >= 21;

    /** The fewest values that {@link #bytesWide} converts: below, its loops' set-up costs more than the table. */
    static final int WIDE_MIN = 256;

    private Convert() {
    }

    /**
     * The float32 value of the IEEE 754 half-precision bits {@code h} (low 16 bits), exact: normal
     * numbers and subnormals map to the same value, signed zeros and infinities keep their sign, and a
     * NaN keeps its sign and payload (shifted into the float's upper fraction bits, quiet bit as it
     * was), as numpy does. ({@code Float.float16ToFloat}, JDK 20, sets the quiet bit of a signaling
     * NaN.)
     */
    static float halfToFloat(int h) {
        int sign = (h & 0x8000) << 16;
        int magnitude = h & 0x7fff;
        int bits;
        if (magnitude >= 0x7c00) { // infinity or NaN: all-ones exponent, fraction kept
            bits = 0x7f800000 | ((magnitude & 0x3ff) << 13);
        } else if (magnitude >= 0x0400) { // normal: rebias the exponent from 15 to 127
            bits = (magnitude << 13) + ((127 - 15) << 23);
        } else { // zero or subnormal: magnitude * 2^-24, exact in float
            bits = Float.floatToRawIntBits(magnitude * 0x1p-24f);
        }
        return Float.intBitsToFloat(sign | bits);
    }

    /**
     * The value table of a uint8 or int8 matrix: entry {@code b} (a stored byte, 0..255) is the
     * byte's value as a float, through {@code x * scale + offset} when {@code affine}: the same
     * float operations as converting each value, so a lookup gives the same bits. Null for other
     * types. 1 KiB.
     */
    static float[] byteValues(NpyType type, boolean affine, float scale, float offset) {
        if (type != NpyType.UINT8 && type != NpyType.INT8) {
            return null;
        }
        float[] t = new float[256];
        for (int b = 0; b < 256; b++) {
            float x = type == NpyType.INT8 ? (byte) b : b;
            t[b] = affine ? x * scale + offset : x;
        }
        return t;
    }

    /**
     * The float32 value of every float16 bit pattern ({@link #halfToFloat}), 256 KiB, made when first
     * used: a lookup measured 2x faster than computing each value.
     */
    private static final class HalfTable {
        static final float[] VALUES = new float[1 << 16];

        static {
            for (int h = 0; h < VALUES.length; h++) {
                VALUES[h] = halfToFloat(h);
            }
        }

        private HalfTable() {
        }
    }

    /**
     * {@code n} stored bytes from byte {@code off} of a little-endian view, looked up in
     * {@code values} ({@link #byteValues}), into {@code out[o ..]}.
     */
    static void bytes(ByteBuffer words, int off, int n, float[] values, float[] out, int o) {
        int j = 0;
        for (; j <= n - 8; j += 8) {
            final long v = words.getLong(off + j);
            out[o + j] = values[(int) v & 0xff];
            out[o + j + 1] = values[(int) (v >>> 8) & 0xff];
            out[o + j + 2] = values[(int) (v >>> 16) & 0xff];
            out[o + j + 3] = values[(int) (v >>> 24) & 0xff];
            out[o + j + 4] = values[(int) (v >>> 32) & 0xff];
            out[o + j + 5] = values[(int) (v >>> 40) & 0xff];
            out[o + j + 6] = values[(int) (v >>> 48) & 0xff];
            out[o + j + 7] = values[(int) (v >>> 56) & 0xff];
        }
        for (; j < n; j++) {
            out[o + j] = values[words.get(off + j) & 0xff];
        }
    }

    /**
     * As {@link #bytes} with the table's arithmetic done in loops that the compiler vectorizes:
     * {@code n} stored bytes from byte {@code off} of {@code stored} are copied in bulk into
     * {@code scratch} (a chunk at a time), converted to float (a uint8 value as its bits flipped to
     * a signed byte, plus 128: exact, and a loop of signed conversions vectorizes where the unsigned
     * one does not), then mapped through {@code x * scale + offset} when {@code affine}: the same
     * operations on the same values as the table's entries, so the same bits.
     */
    static void bytesWide(ByteBuffer stored, int off, int n, boolean unsigned, boolean affine, float scale, float offset,
            byte[] scratch, float[] out, int o) {
        for (int c = 0; c < n; c += scratch.length) {
            final int len = Math.min(scratch.length, n - c);
            final int at = o + c;
            stored.get(off + c, scratch, 0, len);
            if (unsigned) {
                for (int j = 0; j < len; j++) {
                    scratch[j] = (byte) (scratch[j] ^ 0x80);
                }
            }
            for (int j = 0; j < len; j++) {
                out[at + j] = scratch[j];
            }
            if (unsigned && affine) {
                for (int j = at, end = at + len; j < end; j++) {
                    out[j] = (out[j] + 128f) * scale + offset;
                }
            } else if (unsigned) {
                for (int j = at, end = at + len; j < end; j++) {
                    out[j] = out[j] + 128f;
                }
            } else if (affine) {
                affine(out, at, len, scale, offset);
            }
        }
    }

    /**
     * {@code n} float16 values from byte {@code off} of a little-endian view of little-endian
     * storage, converted through the table, into {@code out[o ..]}.
     */
    static void halves(ByteBuffer words, int off, int n, float[] out, int o) {
        final float[] t = HalfTable.VALUES;
        int j = 0;
        for (; j <= n - 4; j += 4) {
            final long v = words.getLong(off + 2 * j);
            out[o + j] = t[(int) v & 0xffff];
            out[o + j + 1] = t[(int) (v >>> 16) & 0xffff];
            out[o + j + 2] = t[(int) (v >>> 32) & 0xffff];
            out[o + j + 3] = t[(int) (v >>> 48)];
        }
        for (; j < n; j++) {
            out[o + j] = t[words.getShort(off + 2 * j) & 0xffff];
        }
    }

    /** As {@link #halves}, for storage in any byte order: {@code stored} reads in the storage's order. */
    static void halvesAnyOrder(ByteBuffer stored, int off, int n, float[] out, int o) {
        final float[] t = HalfTable.VALUES;
        for (int j = 0; j < n; j++) {
            out[o + j] = t[stored.getShort(off + 2 * j) & 0xffff];
        }
    }

    /** {@code f[o + j] = f[o + j] * scale + offset} for {@code j < n}: two roundings, no fused multiply-add. */
    static void affine(float[] f, int o, int n, float scale, float offset) {
        for (int j = o, end = o + n; j < end; j++) {
            f[j] = f[j] * scale + offset;
        }
    }
}
