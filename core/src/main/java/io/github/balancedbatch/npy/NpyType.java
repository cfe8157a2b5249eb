package io.github.balancedbatch.npy;

import java.nio.file.Path;

/**
 * The little-endian numeric element types this package reads. Each constant knows the
 * {@linkplain #descr() dtype descriptor} numpy writes for it and its {@linkplain #size() size}
 * in bytes. Immutable and thread-safe.
 */
public enum NpyType {
    /** Signed 8-bit integer, {@code |i1}. */
    INT8("|i1", 1),
    /** Unsigned 8-bit integer, {@code |u1}. */
    UINT8("|u1", 1),
    /** Signed 16-bit integer, {@code <i2}. */
    INT16("<i2", 2),
    /** Unsigned 16-bit integer, {@code <u2}. */
    UINT16("<u2", 2),
    /** Signed 32-bit integer, {@code <i4}. */
    INT32("<i4", 4),
    /** Unsigned 32-bit integer, {@code <u4}. */
    UINT32("<u4", 4),
    /** Signed 64-bit integer, {@code <i8}. */
    INT64("<i8", 8),
    /** IEEE 754 half precision, {@code <f2}. */
    FLOAT16("<f2", 2),
    /** IEEE 754 single precision, {@code <f4}. */
    FLOAT32("<f4", 4),
    /** IEEE 754 double precision, {@code <f8}. */
    FLOAT64("<f8", 8);

    private static final NpyType[] VALUES = values();

    private final String descr;
    private final int size;

    NpyType(String descr, int size) {
        this.descr = descr;
        this.size = size;
    }

    /** The dtype descriptor numpy writes for this type, e.g. {@code "<i4"} or {@code "|u1"}. */
    public String descr() {
        return descr;
    }

    /** Size of one element in bytes (1, 2, 4 or 8). */
    public int size() {
        return size;
    }

    /** True for the integer types, false for FLOAT16, FLOAT32 and FLOAT64. */
    boolean isInteger() {
        return this != FLOAT16 && this != FLOAT32 && this != FLOAT64;
    }

    /**
     * Parses a dtype descriptor. Accepts {@code <} for every type and also {@code |} for the
     * one-byte types; refuses big-endian, native-order and every other dtype with a message
     * naming it.
     */
    static NpyType parse(Path file, String descr) throws NpyException {
        String shown = "'" + clip(descr) + "'";
        if (descr.length() == 3) {
            char order = descr.charAt(0);
            String code = descr.substring(1);
            for (NpyType t : VALUES) {
                if (!t.descr.substring(1).equals(code)) {
                    continue;
                }
                if (order == '<' || (order == '|' && t.size == 1)) {
                    return t;
                }
                if (order == '>') {
                    throw new NpyException(file, "dtype " + shown
                            + " is big-endian; only little-endian is supported");
                }
                if (order == '=') {
                    throw new NpyException(file, "dtype " + shown
                            + " has native byte order; only explicit little-endian ('<') is supported");
                }
                if (order == '|') {
                    throw new NpyException(file, "dtype " + shown
                            + " has no byte order but is wider than one byte; expected '"
                            + t.descr + "'");
                }
                break;
            }
        }
        if (!descr.isEmpty() && descr.charAt(0) == '>') {
            throw new NpyException(file, "dtype " + shown
                    + " is big-endian; only little-endian is supported (and the dtype itself is not supported)");
        }
        throw new NpyException(file, "dtype " + shown + " is not supported" + UNSUPPORTED_LIST);
    }

    /**
     * How an unsupported dtype's message ends: the types this package reads at all. A reader that
     * takes fewer (features) replaces it with its own list.
     */
    public static final String UNSUPPORTED_LIST = "; supported: int8/16/32/64, uint8/16/32, float16/32/64 (little-endian)";

    /** Shortens untrusted text for inclusion in a message. */
    static String clip(String s) {
        StringBuilder b = new StringBuilder();
        int max = 40;
        for (int i = 0; i < s.length() && i < max; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > max) {
            b.append("...");
        }
        return b.toString();
    }
}
