package io.github.balancedbatch.data;

import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyHeader;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.util.ArrayLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * N rows of D floats stored off-heap (direct or memory-mapped buffers), one row per sample; D is the
 * product of the sample shape, which is kept.
 *
 * <p>Storage is split into regions of whole rows, each at most 2 GiB - 1 bytes (the limit of one
 * {@code ByteBuffer}), so matrices and files larger than 2 GiB work and no row straddles two regions.
 *
 * <p>{@link #gather} copies rows into a caller-owned buffer with one bulk copy per row and allocates
 * nothing; it is thread-safe (the matrix is never written after construction, and reads use
 * absolute positions). {@link #row} hands out a zero-copy view that is repositioned on every call:
 * it allocates nothing in steady state, is valid until the next {@code row} call on this matrix,
 * and is not thread-safe; other threads take their own {@link #views()}.
 *
 * <p>Off-heap memory that the matrix allocated or mapped is released when the matrix becomes
 * unreachable (the garbage collector frees direct and mapped buffers); a wrapped buffer stays the
 * caller's.
 */
public final class FeatureMatrix {
    static final long MAX_REGION_BYTES = Integer.MAX_VALUE;

    private final int rows;
    private final int[] shape;
    private final int width;
    private final int rowsPerRegion;
    private final FloatBuffer[] regions;
    private final ByteBuffer[] bytes;
    private final FloatBuffer[] views;

    private FeatureMatrix(int rows, int[] shape, int rowsPerRegion, ByteBuffer[] bytes) {
        this.rows = rows;
        this.shape = shape;
        this.width = product(shape);
        this.rowsPerRegion = rowsPerRegion;
        this.bytes = bytes;
        this.regions = new FloatBuffer[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            regions[i] = bytes[i].duplicate().order(bytes[i].order()).asFloatBuffer();
        }
        this.views = newViews();
    }

    /**
     * Wraps a direct buffer holding {@code rows} rows of {@code shape} floats from its position on,
     * read in the buffer's byte order (native order gives the fastest gathers). No copy; the
     * buffer's position, limit and order are left unchanged, and it must not be written afterwards.
     *
     * @throws IllegalArgumentException if the buffer is not direct or holds too few bytes
     */
    public static FeatureMatrix wrap(ByteBuffer buffer, int rows, int... shape) {
        int d = checkShape(rows, shape);
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer must be direct (off-heap)");
        }
        long need = (long) rows * d * Float.BYTES;
        if (buffer.remaining() < need) {
            throw new IllegalArgumentException("buffer holds " + buffer.remaining() + " bytes, " + rows + " rows of "
                    + Arrays.toString(shape) + " floats need " + need);
        }
        ByteBuffer region = buffer.slice(buffer.position(), (int) need).order(buffer.order());
        return new FeatureMatrix(rows, shape.clone(), Math.max(rows, 1), new ByteBuffer[] {region});
    }

    /** Copies {@code data} (rows of {@code shape} floats, row after row) off-heap, in native order. */
    public static FeatureMatrix copyOf(float[] data, int... shape) {
        int d = product(shape);
        if (d == 0 || data.length % d != 0) {
            throw new IllegalArgumentException(data.length + " floats are not whole rows of " + Arrays.toString(shape));
        }
        int rows = data.length / d;
        checkShape(rows, shape);
        FeatureMatrix m = allocate(rows, shape.clone(), MAX_REGION_BYTES);
        for (int r = 0; r < rows; r++) {
            m.views[r / m.rowsPerRegion].put((r % m.rowsPerRegion) * d, data, r * d, d);
        }
        return m;
    }

    /** Copies rows of equal length off-heap, in native order; the sample shape is {@code (D)}. */
    public static FeatureMatrix copyOf(float[][] data) {
        if (data.length == 0) {
            throw new IllegalArgumentException("no rows");
        }
        int d = data[0].length;
        checkShape(data.length, d);
        FeatureMatrix m = allocate(data.length, new int[] {d}, MAX_REGION_BYTES);
        for (int r = 0; r < data.length; r++) {
            if (data[r].length != d) {
                throw new IllegalArgumentException("row " + r + " has " + data[r].length + " floats, row 0 has " + d);
            }
            m.views[r / m.rowsPerRegion].put((r % m.rowsPerRegion) * d, data[r], 0, d);
        }
        return m;
    }

    /**
     * Maps a {@code .npy} file of little-endian float32 in C order, shape (N, *sample_shape),
     * read-only. Pages are read from disk on first touch; call {@link #load()} to do that up front.
     *
     * @throws NpyException if the file is not such an array (naming the file and the problem)
     */
    public static FeatureMatrix map(Path file) throws IOException {
        return map(file, MAX_REGION_BYTES);
    }

    static FeatureMatrix map(Path file, long maxRegionBytes) throws IOException {
        NpyHeader h = NpyHeader.read(file);
        if (h.type() != NpyType.FLOAT32) {
            throw new NpyException(file, "features must be float32 ('<f4'), got '" + h.type().descr() + "'");
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
        long rowBytes = d * Float.BYTES;
        if (rowBytes > maxRegionBytes) {
            throw new NpyException(file, "one row is " + rowBytes + " bytes, more than a buffer region holds (" + maxRegionBytes + ")");
        }
        if (d == 0) {
            throw new NpyException(file, "rows of 0 floats (shape " + Arrays.toString(s) + ")");
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
        return new FeatureMatrix(rows, shape, rowsPerRegion, regions);
    }

    static FeatureMatrix allocate(int rows, int[] shape, long maxRegionBytes) {
        long rowBytes = (long) product(shape) * Float.BYTES;
        int rowsPerRegion = (int) Math.max(1, Math.min(Math.max(rows, 1), maxRegionBytes / rowBytes));
        int regionCount = (rows + rowsPerRegion - 1) / rowsPerRegion;
        ByteBuffer[] regions = new ByteBuffer[regionCount];
        for (int i = 0; i < regionCount; i++) {
            long count = Math.min(rowsPerRegion, rows - (long) i * rowsPerRegion);
            regions[i] = ByteBuffer.allocateDirect((int) (count * rowBytes)).order(ByteOrder.nativeOrder());
        }
        return new FeatureMatrix(rows, shape, rowsPerRegion, regions);
    }

    private static int checkShape(int rows, int... shape) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be at least 0, got " + rows);
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("a sample shape is needed, e.g. (D)");
        }
        long d = 1;
        for (int s : shape) {
            if (s < 1) {
                throw new IllegalArgumentException("sample shape " + Arrays.toString(shape) + " has a dimension below 1");
            }
            d *= s;
            if (d * Float.BYTES > MAX_REGION_BYTES) {
                throw new IllegalArgumentException("sample shape " + Arrays.toString(shape) + " is too large for one row");
            }
        }
        return (int) d;
    }

    private static int product(int[] shape) {
        long d = 1;
        for (int s : shape) {
            d *= s;
        }
        return (int) d;
    }

    /** Number of rows (samples). */
    public int rows() {
        return rows;
    }

    /** D: floats per row, the product of the sample shape. */
    public int width() {
        return width;
    }

    /** The sample shape (a copy): a row is {@code shape[0] x shape[1] x ...} floats. */
    public int[] sampleShape() {
        return shape.clone();
    }

    /** Total bytes of feature data. */
    public long byteSize() {
        return (long) rows * width * Float.BYTES;
    }

    /**
     * A zero-copy view of row {@code i}: its D floats lie between the view's position and limit
     * (read them with relative gets, or absolute gets from {@code position()}). The same view object
     * is repositioned by the next call to {@code row} on this matrix (no allocation); not
     * thread-safe. The view is read-only for mapped files.
     */
    public FloatBuffer row(int i) {
        return view(views, i);
    }

    /** Independent row views for another thread: {@code views().row(i)} works like {@link #row}. */
    public RowViews views() {
        return new RowViews(newViews());
    }

    /** Reusable zero-copy row views, for one thread. */
    public final class RowViews {
        private final FloatBuffer[] own;

        private RowViews(FloatBuffer[] own) {
            this.own = own;
        }

        /** A zero-copy view of row {@code i}, repositioned by the next call; allocates nothing. */
        public FloatBuffer row(int i) {
            return view(own, i);
        }
    }

    private FloatBuffer view(FloatBuffer[] v, int i) {
        Objects.checkIndex(i, rows);
        FloatBuffer b = v[i / rowsPerRegion];
        int off = (i % rowsPerRegion) * width;
        b.limit(b.capacity()).position(off).limit(off + width);
        return b;
    }

    private FloatBuffer[] newViews() {
        FloatBuffer[] v = new FloatBuffer[regions.length];
        for (int i = 0; i < regions.length; i++) {
            v[i] = regions[i].duplicate();
        }
        return v;
    }

    /**
     * Copies rows {@code indices[from .. from + count)} one after another into {@code dst}, starting
     * at its position, and advances the position by {@code count * width()}. One bulk copy per row;
     * allocates nothing; thread-safe. For speed, {@code dst} should be direct and in native order.
     *
     * @throws IndexOutOfBoundsException if an index is not a row of this matrix (the rows before it
     *     have been copied; {@code dst}'s position is left unchanged)
     * @throws java.nio.BufferOverflowException if {@code dst} has too little room
     */
    public void gather(int[] indices, int from, int count, FloatBuffer dst) {
        Objects.checkFromIndexSize(from, count, indices.length);
        final int d = width;
        int at = dst.position();
        if ((long) count * d > dst.remaining()) {
            throw new java.nio.BufferOverflowException();
        }
        final FloatBuffer[] src = regions;
        final int per = rowsPerRegion;
        final int end = from + count;
        final int n = rows;
        if (src.length == 1) { // one region: no division per row
            final FloatBuffer only = src[0];
            for (int i = from; i < end; i++) {
                dst.put(at, only, Objects.checkIndex(indices[i], n) * d, d);
                at += d;
            }
        } else {
            for (int i = from; i < end; i++) {
                int r = Objects.checkIndex(indices[i], n);
                dst.put(at, src[r / per], (r % per) * d, d);
                at += d;
            }
        }
        dst.position(at);
    }

    /**
     * Reads every page of the data up front: for a mapping, each region is loaded into memory
     * ({@link MappedByteBuffer#load()}), so a latency-sensitive loop does not pay for first touches
     * (about 12 microseconds per 4 KiB page on small virtual machines). A no-op for data already in
     * memory. Returns this matrix.
     */
    public FeatureMatrix load() {
        for (ByteBuffer b : bytes) {
            if (b instanceof MappedByteBuffer) {
                ((MappedByteBuffer) b).load();
            }
        }
        return this;
    }
}
