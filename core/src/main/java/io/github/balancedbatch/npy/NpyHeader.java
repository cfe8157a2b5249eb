package io.github.balancedbatch.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The validated header of a {@code .npy} file: element type, shape and where the data lies.
 *
 * <p>Instances are immutable and thread-safe; {@link #shape()} returns a copy. An instance only
 * exists for a file whose length was, when read, exactly {@code dataOffset() + dataBytes()}.
 */
public final class NpyHeader {
    /** Headers longer than this are refused before they are read (numpy itself stops at 10000). */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    private final NpyType type;
    private final long[] shape;
    private final long elementCount;
    private final long dataOffset;
    private final long dataBytes;
    private final int majorVersion;
    private final boolean bool;

    private NpyHeader(NpyType type, long[] shape, long elementCount, long dataOffset,
            long dataBytes, int majorVersion, boolean bool) {
        this.bool = bool;
        this.type = type;
        this.shape = shape;
        this.elementCount = elementCount;
        this.dataOffset = dataOffset;
        this.dataBytes = dataBytes;
        this.majorVersion = majorVersion;
    }

    /** Element type of the array. */
    public NpyType type() {
        return type;
    }

    /** The shape, outermost dimension first; a new copy on every call. */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of dimensions: 0 for a scalar. */
    public int rank() {
        return shape.length;
    }

    /** Product of the dimensions (1 for a scalar). */
    public long elementCount() {
        return elementCount;
    }

    /** Byte offset in the file where the data starts. */
    public long dataOffset() {
        return dataOffset;
    }

    /** Length of the data in bytes: {@code elementCount() * type().size()}. */
    public long dataBytes() {
        return dataBytes;
    }

    /** Format major version: 1, 2 or 3. */
    public int majorVersion() {
        return majorVersion;
    }

    /**
     * Whether the dtype is numpy's {@code |b1} (bool), read as {@link NpyType#UINT8}; only
     * {@link #readAllowingBool} returns such a header.
     */
    boolean bool() {
        return bool;
    }

    /** Dimension {@code i} without copying the shape. */
    long dim(int i) {
        return shape[i];
    }

    @Override
    public String toString() {
        return "NpyHeader[v" + majorVersion + ".0 " + (bool ? BOOL_DESCR : type.descr()) + " "
                + shapeString(shape)
                + ", data at " + dataOffset + ", " + dataBytes + " bytes]";
    }

    /**
     * Reads and validates the header of {@code file}, including that the file length equals
     * {@code dataOffset() + dataBytes()}. Allocates only the header (at most 1 MiB, and never more
     * than the file holds); the data is not read.
     *
     * @throws NpyException if the file is not a supported, consistent {@code .npy} file
     * @throws IOException if the file cannot be read
     */
    public static NpyHeader read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return read(file, ch);
        }
    }

    /** Reads the header from an open channel (absolute reads; the channel position is unused). */
    static NpyHeader read(Path file, FileChannel ch) throws IOException {
        return read(file, ch, false);
    }

    /** numpy's dtype descriptor for bool: one byte per element, 0 or 1. */
    static final String BOOL_DESCR = "|b1";

    /**
     * As {@link #read(Path, FileChannel)}, but a {@code |b1} (bool) dtype is accepted and described
     * as {@link NpyType#UINT8} with {@link #bool()} set: numpy stores each bool as one byte, 0 or 1.
     */
    static NpyHeader readAllowingBool(Path file, FileChannel ch) throws IOException {
        return read(file, ch, true);
    }

    private static NpyHeader read(Path file, FileChannel ch, boolean allowBool) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 10) {
            throw new NpyException(file, "truncated: file is " + fileSize
                    + " bytes, too short for the 10-byte .npy preamble");
        }
        ByteBuffer pre = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        pre.limit((int) Math.min(12, fileSize));
        readFully(file, ch, pre, 0);
        for (int i = 0; i < MAGIC.length; i++) {
            if (pre.get(i) != MAGIC[i]) {
                throw new NpyException(file, "not a .npy file: bad magic string (expected \\x93NUMPY)");
            }
        }
        int major = pre.get(6) & 0xff;
        int minor = pre.get(7) & 0xff;
        if ((major != 1 && major != 2 && major != 3) || minor != 0) {
            throw new NpyException(file, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        long headerLength;
        int prefix;
        if (major == 1) {
            headerLength = pre.getShort(8) & 0xffffL;
            prefix = 10;
        } else {
            if (fileSize < 12) {
                throw new NpyException(file, "truncated: file is " + fileSize
                        + " bytes, too short for the 12-byte version " + major + ".0 preamble");
            }
            headerLength = pre.getInt(8) & 0xffffffffL;
            prefix = 12;
        }
        if (headerLength > fileSize - prefix) {
            throw new NpyException(file, "truncated: header length " + headerLength
                    + " goes beyond the end of the file (" + fileSize + " bytes)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new NpyException(file, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        ByteBuffer raw = ByteBuffer.allocate((int) headerLength);
        readFully(file, ch, raw, prefix);
        raw.flip();
        String text;
        if (major == 3) {
            try {
                text = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(raw).toString();
            } catch (CharacterCodingException e) {
                throw new NpyException(file, "version 3.0 header is not valid UTF-8");
            }
        } else {
            CharBuffer chars = StandardCharsets.ISO_8859_1.decode(raw);
            text = chars.toString();
        }
        NpyHeaderParser.Dict d = new NpyHeaderParser(file, text).parse();

        boolean bool = allowBool && BOOL_DESCR.equals(d.descr);
        NpyType type = bool ? NpyType.UINT8 : NpyType.parse(file, d.descr);
        if (d.fortranOrder) {
            throw new NpyException(file, "Fortran-ordered arrays are not supported");
        }
        long count = 1;
        long bytes;
        try {
            for (long dim : d.shape) {
                count = Math.multiplyExact(count, dim);
            }
        } catch (ArithmeticException e) {
            throw new NpyException(file, "shape " + shapeString(d.shape)
                    + " has more elements than fit in a long");
        }
        long dataOffset = prefix + headerLength;
        long needed;
        try {
            bytes = Math.multiplyExact(count, type.size());
            needed = Math.addExact(dataOffset, bytes);
        } catch (ArithmeticException e) {
            throw new NpyException(file, "shape " + shapeString(d.shape) + " of " + type.descr()
                    + " needs more bytes than fit in a long");
        }
        if (fileSize < needed) {
            throw new NpyException(file, "truncated: data is " + (fileSize - dataOffset)
                    + " bytes, the header's shape " + shapeString(d.shape) + " of " + type.descr()
                    + " needs " + bytes);
        }
        if (fileSize > needed) {
            throw new NpyException(file, "file is " + fileSize + " bytes but header and data need "
                    + needed + " (" + (fileSize - needed) + " extra bytes after the data of shape "
                    + shapeString(d.shape) + " of " + type.descr() + ")");
        }
        return new NpyHeader(type, d.shape, count, dataOffset, bytes, major, bool);
    }

    /** Fills {@code buf} from {@code position}; a premature end of file is a truncation. */
    static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos);
            if (n < 0) {
                throw new NpyException(file, "truncated: unexpected end of file at byte " + pos);
            }
            pos += n;
        }
    }

    /** Python tuple syntax: {@code ()}, {@code (5,)}, {@code (2, 3)}. */
    static String shapeString(long[] shape) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(shape[i]);
        }
        if (shape.length == 1) {
            b.append(',');
        }
        return b.append(')').toString();
    }
}
