package io.github.balancedbatch.data;

import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyHeader;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.util.ArrayLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Where a {@link FeatureMatrix}'s bytes come from: allocated and copied, wrapped, or mapped from a
 * {@code .npy} file, always in regions of whole rows of at most 2 GiB - 1 bytes. Every argument is
 * checked here, once, with a message naming the value; the gathers trust what this class built.
 * Stateless.
 */
final class Storage {
    static final long MAX_REGION_BYTES = Integer.MAX_VALUE;

    private Storage() {
    }

    static FeatureMatrix wrap(ByteBuffer buffer, NpyType type, int rows, int... shape) {
        checkType(type);
        int d = checkShape(type, rows, shape);
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer must be direct (off-heap)");
        }
        long need = (long) rows * d * type.size();
        if (buffer.remaining() < need) {
            throw new IllegalArgumentException("buffer holds " + buffer.remaining() + " bytes, " + rows + " rows of "
                    + Arrays.toString(shape) + " " + noun(type) + " need " + need);
        }
        ByteBuffer region = buffer.slice(buffer.position(), (int) need).order(buffer.order());
        return new FeatureMatrix(type, rows, shape.clone(), Math.max(rows, 1), new ByteBuffer[] {region}, null);
    }

    static FeatureMatrix copyOf(float[] data, int rows, int... shape) {
        int d = checkShape(NpyType.FLOAT32, rows, shape);
        checkLength(data.length, rows, d, shape, NpyType.FLOAT32);
        FeatureMatrix m = allocate(NpyType.FLOAT32, rows, shape.clone(), MAX_REGION_BYTES, ByteOrder.nativeOrder());
        for (int r = 0; r < rows; r++) {
            m.floats[r / m.rowsPerRegion].put((r % m.rowsPerRegion) * d, data, r * d, d);
        }
        return m;
    }

    static FeatureMatrix copyOf(float[][] data) {
        if (data.length == 0) {
            throw new IllegalArgumentException("no rows");
        }
        int d = data[0].length;
        checkShape(NpyType.FLOAT32, data.length, d);
        FeatureMatrix m = allocate(NpyType.FLOAT32, data.length, new int[] {d}, MAX_REGION_BYTES, ByteOrder.nativeOrder());
        for (int r = 0; r < data.length; r++) {
            if (data[r].length != d) {
                throw new IllegalArgumentException("row " + r + " has " + data[r].length + " floats, row 0 has " + d);
            }
            m.floats[r / m.rowsPerRegion].put((r % m.rowsPerRegion) * d, data[r], 0, d);
        }
        return m;
    }

    static FeatureMatrix copyOf(byte[] data, NpyType type, int rows, int... shape) {
        checkType(type);
        int d = checkShape(type, rows, shape);
        checkLength(data.length, rows, (long) d * type.size(), shape, type);
        FeatureMatrix m = allocate(type, rows, shape.clone(), MAX_REGION_BYTES, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < m.bytes.length; i++) {
            ByteBuffer b = m.bytes[i];
            b.put(0, data, (int) ((long) i * m.rowsPerRegion * m.rowBytes), b.capacity());
        }
        return m;
    }

    /** {@code length} elements must be exactly {@code rows} rows of {@code perRow} elements. */
    private static void checkLength(int length, int rows, long perRow, int[] shape, NpyType type) {
        long need = rows * perRow;
        if (length != need) {
            String unit = type == NpyType.FLOAT32 && perRow == product(shape) ? " floats" : " bytes";
            throw new IllegalArgumentException("data holds " + length + unit + ", " + rows + " rows of "
                    + Arrays.toString(shape) + " " + noun(type) + " need " + need
                    + " (the number of rows comes first, then the sample shape)");
        }
    }

    private static final String FEATURE_TYPES = "float32, float16, uint8 or int8 ('<f4', '<f2', '|u1', '|i1')";

    static FeatureMatrix map(Path file, long maxRegionBytes) throws IOException {
        NpyHeader h;
        try {
            h = NpyHeader.read(file);
        } catch (NpyException e) {
            if (e.problem().endsWith(NpyType.UNSUPPORTED_LIST)) { // a dtype no reader takes: say which features take
                String problem = e.problem();
                throw new NpyException(file, problem.substring(0, problem.length() - NpyType.UNSUPPORTED_LIST.length())
                        + "; features must be " + FEATURE_TYPES);
            }
            throw e;
        }
        NpyType type = h.type();
        if (!isFeatureType(type)) {
            throw new NpyException(file, "features must be " + FEATURE_TYPES + ", got '" + type.descr() + "'");
        }
        long[] s = h.shape();
        if (s.length < 1) {
            throw new NpyException(file, "features need a row dimension, got a 0-d array");
        }
        if (s[0] > ArrayLimits.MAX_ARRAY_LENGTH) {
            throw new NpyException(file, s[0] + " rows are more than this library indexes (" + ArrayLimits.MAX_ARRAY_LENGTH + ")");
        }
        int[] shape = new int[s.length - 1];
        long d = 1;
        for (int i = 1; i < s.length; i++) {
            if (s[i] > Integer.MAX_VALUE) {
                throw new NpyException(file, "dimension " + i + " of the shape is " + s[i] + ", too large");
            }
            shape[i - 1] = (int) s[i];
            d = ArrayLimits.productOrMinusOne(d, s[i]); // never wraps, even for a file of 0 rows
            if (d < 0) {
                throw new NpyException(file, "one row of shape " + Arrays.toString(Arrays.copyOfRange(s, 1, s.length))
                        + " holds more than " + ArrayLimits.MAX_ARRAY_LENGTH + " floats");
            }
        }
        long rowBytes = d * type.size();
        if (rowBytes > maxRegionBytes) {
            throw new NpyException(file, "one row is " + rowBytes + " bytes, more than a buffer region holds (" + maxRegionBytes + ")");
        }
        if (d == 0) {
            throw new NpyException(file, "rows of 0 values (shape " + Arrays.toString(s) + ")");
        }
        int rows = (int) s[0];
        int rowsPerRegion = (int) Math.max(1, Math.min(rows, maxRegionBytes / rowBytes));
        int regionCount = rows == 0 ? 0 : (rows + rowsPerRegion - 1) / rowsPerRegion;
        ByteBuffer[] regions = new ByteBuffer[regionCount];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int i = 0; i < regionCount; i++) {
                long first = (long) i * rowsPerRegion;
                long count = Math.min(rowsPerRegion, rows - first);
                regions[i] = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset() + first * rowBytes, count * rowBytes)
                        .order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return new FeatureMatrix(type, rows, shape, rowsPerRegion, regions, file);
    }

    /**
     * Direct storage for {@code rows} rows, in regions of at most {@code maxRegionBytes}; each region
     * starts on a 64-byte boundary, so that a row of a multiple of 64 bytes spans no more cache lines
     * than it must.
     */
    static FeatureMatrix allocate(NpyType type, int rows, int[] shape, long maxRegionBytes, ByteOrder order) {
        long rowBytes = (long) product(shape) * type.size();
        int rowsPerRegion = (int) Math.max(1, Math.min(Math.max(rows, 1), maxRegionBytes / rowBytes));
        int regionCount = (rows + rowsPerRegion - 1) / rowsPerRegion;
        ByteBuffer[] regions = new ByteBuffer[regionCount];
        for (int i = 0; i < regionCount; i++) {
            int size = (int) (Math.min(rowsPerRegion, rows - (long) i * rowsPerRegion) * rowBytes);
            regions[i] = aligned(size).order(order);
        }
        return new FeatureMatrix(type, rows, shape, rowsPerRegion, regions, null);
    }

    /** A direct buffer of {@code size} bytes starting on a 64-byte boundary (when it fits the 2 GiB limit). */
    private static ByteBuffer aligned(int size) {
        if (size > Integer.MAX_VALUE - 64) {
            return ByteBuffer.allocateDirect(size);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(size + 63);
        return b.slice((64 - b.alignmentOffset(0, 64)) & 63, size);
    }

    static boolean isFeatureType(NpyType type) {
        return type == NpyType.FLOAT32 || type == NpyType.FLOAT16 || type == NpyType.UINT8 || type == NpyType.INT8;
    }

    static void checkType(NpyType type) {
        if (!isFeatureType(type)) {
            throw new IllegalArgumentException("features must be FLOAT32, FLOAT16, UINT8 or INT8, got " + type);
        }
    }

    static String noun(NpyType type) {
        return type == NpyType.FLOAT32 ? "floats" : type.name().toLowerCase(Locale.ROOT) + " values";
    }

    /** Checks rows and shape; returns D, the values per row. */
    static int checkShape(NpyType type, int rows, int... shape) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be at least 0, got " + rows);
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("a sample shape is needed after the number of rows, e.g. (rows, D)");
        }
        long d = 1;
        for (int s : shape) {
            if (s < 1) {
                throw new IllegalArgumentException("sample shape " + Arrays.toString(shape) + " has a dimension below 1");
            }
            d *= s;
            if (d * type.size() > MAX_REGION_BYTES) {
                throw new IllegalArgumentException("sample shape " + Arrays.toString(shape) + " is too large for one row");
            }
        }
        return (int) d;
    }

    static int product(int[] shape) {
        long d = 1;
        for (int s : shape) {
            d *= s;
        }
        return (int) d;
    }
}
