package io.github.balancedbatch.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Conversions of stored feature values to float32, one row at a time, exactly as numpy's
 * {@code astype(np.float32)}; with the affine map {@code x * scale + offset} when asked. A row is
 * converted in chunks: one bulk copy of stored values into a heap array, a loop over arrays, one
 * bulk copy out (loops over buffers cost a bounds check per value and measured slower). Each thread
 * allocates its scratch arrays on its first conversion and reuses them: nothing is allocated per
 * batch.
 */
final class Convert {
    private Convert() {
    }

    /**
     * The float32 value of the IEEE 754 half-precision bits {@code h} (low 16 bits), exact: normal
     * numbers and subnormals map to the same value, signed zeros and infinities keep their sign, and a
     * NaN keeps its sign and payload (shifted into the float's upper fraction bits, quiet bit as it
     * was), as numpy does. Java 17 has no {@code Float.float16ToFloat}.
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

    /** Values converted per chunk: the scratch arrays' length. */
    static final int CHUNK = 1024;

    /** One thread's scratch arrays: stored values are copied in bulk into them, converted, and copied out in bulk. */
    static final class Scratch {
        final byte[] bytes = new byte[CHUNK];
        final short[] shorts = new short[CHUNK];
        final float[] floats = new float[CHUNK];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** This thread's scratch arrays (allocated on a thread's first conversion, then reused). */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    /** uint8 (or, with {@code signed}, int8) values to floats: bulk in, a loop over arrays, bulk out. */
    static void bytes(ByteBuffer src, int off, int d, boolean signed, boolean affine, float scale, float offset,
            FloatBuffer dst, int at, Scratch s) {
        final byte[] b = s.bytes;
        final float[] f = s.floats;
        for (int c = 0; c < d; c += CHUNK) {
            final int n = Math.min(CHUNK, d - c);
            src.get(off + c, b, 0, n);
            if (signed) {
                for (int j = 0; j < n; j++) {
                    f[j] = b[j];
                }
            } else {
                for (int j = 0; j < n; j++) {
                    f[j] = b[j] & 0xff;
                }
            }
            if (affine) {
                affine(f, n, scale, offset);
            }
            dst.put(at + c, f, 0, n);
        }
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

    /** float16 values (a view in the storage's byte order) to floats: bulk in, a loop over arrays, bulk out. */
    static void halves(java.nio.ShortBuffer src, int off, int d, boolean affine, float scale, float offset,
            FloatBuffer dst, int at, Scratch s) {
        final short[] h = s.shorts;
        final float[] f = s.floats;
        for (int c = 0; c < d; c += CHUNK) {
            final int n = Math.min(CHUNK, d - c);
            src.get(off + c, h, 0, n);
            final float[] table = HalfTable.VALUES;
            for (int j = 0; j < n; j++) {
                f[j] = table[h[j] & 0xffff];
            }
            if (affine) {
                affine(f, n, scale, offset);
            }
            dst.put(at + c, f, 0, n);
        }
    }

    /** float32 values through the affine map: bulk in, a loop over arrays, bulk out. */
    static void floats(FloatBuffer src, int off, int d, float scale, float offset, FloatBuffer dst, int at,
            Scratch s) {
        final float[] f = s.floats;
        for (int c = 0; c < d; c += CHUNK) {
            final int n = Math.min(CHUNK, d - c);
            src.get(off + c, f, 0, n);
            for (int j = 0; j < n; j++) {
                f[j] = f[j] * scale + offset;
            }
            dst.put(at + c, f, 0, n);
        }
    }

    /** {@code f[j] = f[j] * scale + offset} for the first {@code n} values: two roundings, no fused multiply-add. */
    private static void affine(float[] f, int n, float scale, float offset) {
        for (int j = 0; j < n; j++) {
            f[j] = f[j] * scale + offset;
        }
    }
}
