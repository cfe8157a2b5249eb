package io.github.balancedbatch.bench;

import io.github.balancedbatch.npy.NpyType;

/**
 * The feature storage types of the gather benchmarks (SPEC §4), named as JMH's {@code -p dtype=...}
 * takes them. Each stores the synthetic value v in [0, 1) of {@link SyntheticFeatures#value} its own
 * way; {@link #stored} gives the float32 value a gather of it must produce.
 */
public enum Dtype {
    /** v itself. */
    float32(NpyType.FLOAT32),
    /** v rounded down to a multiple of 1/1024 (exact in float16). */
    float16(NpyType.FLOAT16),
    /** floor(256 v), 0..255. */
    uint8(NpyType.UINT8),
    /** floor(256 v) - 128, -128..127. */
    int8(NpyType.INT8);

    final NpyType type;

    Dtype(NpyType type) {
        this.type = type;
    }

    /** The float32 value that gathering the stored form of {@code v} gives. */
    float stored(float v) {
        switch (this) {
            case float16:
                return (int) (v * 1024) / 1024f;
            case uint8:
                return (int) (v * 256);
            case int8:
                return (int) (v * 256) - 128;
            default:
                return v;
        }
    }

    /** Writes the stored form of {@code v} at byte {@code at} of a little-endian {@code dst}. */
    void put(java.nio.ByteBuffer dst, int at, float v) {
        switch (this) {
            case float16:
                dst.putShort(at, halfBits((int) (v * 1024)));
                break;
            case uint8:
                dst.put(at, (byte) (int) (v * 256));
                break;
            case int8:
                dst.put(at, (byte) ((int) (v * 256) - 128));
                break;
            default:
                dst.putFloat(at, v);
        }
    }

    /** float16 bits of q / 1024 for 0 {@literal <=} q {@literal <} 1024 (all exact, all normal but 0). */
    static short halfBits(int q) {
        if (q == 0) {
            return 0;
        }
        int bits = Float.floatToIntBits(q / 1024f);
        int exponent = ((bits >>> 23) & 0xff) - 127 + 15;
        return (short) ((exponent << 10) | ((bits >>> 13) & 0x3ff));
    }
}
