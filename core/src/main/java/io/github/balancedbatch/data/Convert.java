package io.github.balancedbatch.data;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/**
 * Conversions of stored feature values to float32, one row at a time, exactly as numpy's
 * {@code astype(np.float32)}; with the affine map {@code x * scale + offset} when asked. Stateless;
 * allocates nothing.
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

    static void float32(FloatBuffer src, int off, int d, float scale, float offset, FloatBuffer dst, int at) {
        for (int j = 0; j < d; j++) {
            dst.put(at + j, src.get(off + j) * scale + offset);
        }
    }

    static void uint8(ByteBuffer src, int off, int d, boolean affine, float scale, float offset, FloatBuffer dst,
            int at) {
        if (!affine) {
            for (int j = 0; j < d; j++) {
                dst.put(at + j, src.get(off + j) & 0xff);
            }
        } else {
            for (int j = 0; j < d; j++) {
                dst.put(at + j, (src.get(off + j) & 0xff) * scale + offset);
            }
        }
    }

    static void int8(ByteBuffer src, int off, int d, boolean affine, float scale, float offset, FloatBuffer dst,
            int at) {
        if (!affine) {
            for (int j = 0; j < d; j++) {
                dst.put(at + j, src.get(off + j));
            }
        } else {
            for (int j = 0; j < d; j++) {
                dst.put(at + j, src.get(off + j) * scale + offset);
            }
        }
    }

    static void float16(ByteBuffer src, int off, int d, boolean affine, float scale, float offset, FloatBuffer dst,
            int at) {
        if (!affine) {
            for (int j = 0; j < d; j++) {
                dst.put(at + j, halfToFloat(src.getShort(off + 2 * j)));
            }
        } else {
            for (int j = 0; j < d; j++) {
                dst.put(at + j, halfToFloat(src.getShort(off + 2 * j)) * scale + offset);
            }
        }
    }
}
