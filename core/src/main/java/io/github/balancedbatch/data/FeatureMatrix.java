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
 * N rows of D values stored off-heap (direct or memory-mapped buffers), one row per sample; D is the
 * product of the sample shape, which is kept. The values keep their {@linkplain #type() storage type}:
 * float32, float16, uint8 or int8 (a uint8 image set takes a quarter of the memory of float32).
 *
 * <p>Storage is split into regions of whole rows, each at most 2 GiB - 1 bytes (the limit of one
 * {@code ByteBuffer}), so matrices and files larger than 2 GiB work and no row straddles two regions.
 *
 * <p>{@link #gather(int[], int, int, FloatBuffer)} copies rows into a caller-owned buffer as float32,
 * converting each type exactly as numpy's {@code astype(np.float32)} does (float16 subnormals, signed
 * zeros, infinities and NaN payloads included) and, for a {@linkplain #scaled(float, float) scaled}
 * view, computing {@code x * scale + offset}. {@link #gather(int[], int, int, ByteBuffer)} copies the
 * stored bytes unchanged. For rows of 512 bytes or more, both touch a few upcoming rows before
 * copying them, so that their cache misses overlap instead of being waited for one by one; both
 * allocate nothing and are thread-safe
 * (the matrix is never written after construction, and reads use absolute positions).
 *
 * <p>{@link #rowBytes} (every type) and {@link #row} (float32) hand out zero-copy views that are
 * repositioned on every call and are valid until the same thread's next call on this matrix. They
 * are thread-safe: each thread reads through row views of its own, one per storage region, made on
 * that thread's first call (the only allocation; nothing is allocated in steady state) and kept in
 * a {@link ThreadLocal}. Those views do not refer to the matrix, so they never keep it reachable,
 * but a long-lived thread may hold its views (and so the memory they show) after the matrix is
 * gone, until the thread ends or its stale thread-local entries are cleared. A caller that wants to
 * own its views (e.g. to hold two rows at once) takes {@link #views()}.
 *
 * <p>Off-heap memory that the matrix allocated or mapped is released when the matrix and every view
 * of it become unreachable (the garbage collector frees direct and mapped buffers); a wrapped buffer
 * stays the caller's.
 */
public final class FeatureMatrix {
    static final long MAX_REGION_BYTES = Integer.MAX_VALUE;
    /**
     * How many rows ahead of the one being copied the gathers touch (read one byte of): the cache
     * misses of that many rows are in flight together. Measured with GatherBenchmark (README).
     */
    static final int TOUCH_AHEAD = 8;
    /**
     * Rows narrower than this many bytes are not touched ahead: with 64-float rows the touches made
     * the gather slower in every JMH run (README, "Gather").
     */
    static final int TOUCH_MIN_ROW_BYTES = 512;

    private final NpyType type;
    private final int rows;
    private final int[] shape;
    private final int width;
    private final int rowBytes;
    private final int rowsPerRegion;
    /** The regions' bytes, in the storage's byte order. */
    private final ByteBuffer[] bytes;
    /** Float views of the regions (float32 only, else null). */
    private final FloatBuffer[] regions;
    /** Short views of the regions (float16 only, else null). */
    private final java.nio.ShortBuffer[] halves;
    /**
     * Each thread's row views for {@link #row} and {@link #rowBytes}, made on its first call. The
     * value must not refer to this matrix: a thread's map holds it strongly, so a reference back
     * would keep the matrix, this key and the off-heap memory alive as long as the thread.
     */
    private final ThreadLocal<Views> local = ThreadLocal.withInitial(this::newViewPair);
    private final boolean affine;
    private final float scale;
    private final float offset;
    /** Keeps the touches of upcoming rows alive (a racy write; its value means nothing). */
    @SuppressWarnings("unused")
    private int touched;

    private FeatureMatrix(NpyType type, int rows, int[] shape, int rowsPerRegion, ByteBuffer[] bytes) {
        this.type = type;
        this.rows = rows;
        this.shape = shape;
        this.width = product(shape);
        this.rowBytes = width * type.size();
        this.rowsPerRegion = rowsPerRegion;
        this.bytes = bytes;
        if (type == NpyType.FLOAT32) {
            this.regions = new FloatBuffer[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                regions[i] = bytes[i].duplicate().order(bytes[i].order()).asFloatBuffer();
            }
        } else {
            this.regions = null;
        }
        if (type == NpyType.FLOAT16) {
            this.halves = new java.nio.ShortBuffer[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                halves[i] = bytes[i].duplicate().order(bytes[i].order()).asShortBuffer();
            }
        } else {
            this.halves = null;
        }
        this.affine = false;
        this.scale = 1f;
        this.offset = 0f;
    }

    /** A scaled view of {@code m}'s storage. */
    private FeatureMatrix(FeatureMatrix m, float scale, float offset) {
        this.type = m.type;
        this.rows = m.rows;
        this.shape = m.shape;
        this.width = m.width;
        this.rowBytes = m.rowBytes;
        this.rowsPerRegion = m.rowsPerRegion;
        this.bytes = m.bytes;
        this.regions = m.regions;
        this.halves = m.halves;
        this.affine = true;
        this.scale = scale;
        this.offset = offset;
    }

    /**
     * Wraps a direct buffer holding {@code rows} rows of {@code shape} floats from its position on,
     * read in the buffer's byte order (native order gives the fastest gathers). No copy; the
     * buffer's position, limit and order are left unchanged, and it must not be written afterwards.
     *
     * @throws IllegalArgumentException if the buffer is not direct or holds too few bytes
     */
    public static FeatureMatrix wrap(ByteBuffer buffer, int rows, int... shape) {
        return wrap(buffer, NpyType.FLOAT32, rows, shape);
    }

    /**
     * Wraps a direct buffer holding {@code rows} rows of {@code shape} values of {@code type}
     * (FLOAT32, FLOAT16, UINT8 or INT8) from its position on; float types are read in the buffer's
     * byte order. No copy; the buffer's position, limit and order are left unchanged, and it must not
     * be written afterwards.
     *
     * @throws IllegalArgumentException if the type is not a feature type, or the buffer is not direct
     *     or holds too few bytes
     */
    public static FeatureMatrix wrap(ByteBuffer buffer, NpyType type, int rows, int... shape) {
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
        return new FeatureMatrix(type, rows, shape.clone(), Math.max(rows, 1), new ByteBuffer[] {region});
    }

    /** Copies {@code data} (rows of {@code shape} floats, row after row) off-heap, in native order. */
    public static FeatureMatrix copyOf(float[] data, int... shape) {
        int d = product(shape);
        if (d == 0 || data.length % d != 0) {
            throw new IllegalArgumentException(data.length + " floats are not whole rows of " + Arrays.toString(shape));
        }
        int rows = data.length / d;
        checkShape(NpyType.FLOAT32, rows, shape);
        FeatureMatrix m = allocate(NpyType.FLOAT32, rows, shape.clone(), MAX_REGION_BYTES, ByteOrder.nativeOrder());
        for (int r = 0; r < rows; r++) {
            m.regions[r / m.rowsPerRegion].put((r % m.rowsPerRegion) * d, data, r * d, d);
        }
        return m;
    }

    /** Copies rows of equal length off-heap, in native order; the sample shape is {@code (D)}. */
    public static FeatureMatrix copyOf(float[][] data) {
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
            m.regions[r / m.rowsPerRegion].put((r % m.rowsPerRegion) * d, data[r], 0, d);
        }
        return m;
    }

    /**
     * Copies {@code data} off-heap: rows of {@code shape} values of {@code type} (FLOAT32, FLOAT16,
     * UINT8 or INT8), row after row, float types in little-endian byte order (as {@code .npy} files
     * store {@code <f4} and {@code <f2}). The bytes are kept unchanged.
     *
     * @throws IllegalArgumentException if the type is not a feature type, or the bytes are not whole
     *     rows
     */
    public static FeatureMatrix copyOf(byte[] data, NpyType type, int... shape) {
        checkType(type);
        long rowBytes = (long) product(shape) * type.size();
        if (rowBytes == 0 || data.length % rowBytes != 0) {
            throw new IllegalArgumentException(data.length + " bytes are not whole rows of " + Arrays.toString(shape)
                    + " " + noun(type));
        }
        int rows = (int) (data.length / rowBytes);
        checkShape(type, rows, shape);
        FeatureMatrix m = allocate(type, rows, shape.clone(), MAX_REGION_BYTES, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < m.bytes.length; i++) {
            ByteBuffer b = m.bytes[i];
            b.put(0, data, (int) ((long) i * m.rowsPerRegion * rowBytes), b.capacity());
        }
        return m;
    }

    private static final String FEATURE_TYPES = "float32, float16, uint8 or int8 ('<f4', '<f2', '|u1', '|i1')";

    /**
     * Maps a {@code .npy} file in C order, shape (N, *sample_shape), of little-endian float32
     * ({@code <f4}), float16 ({@code <f2}), uint8 ({@code |u1}) or int8 ({@code |i1}), read-only;
     * the values keep their type. Pages are read from disk on first touch; call {@link #load()} to do that up front.
     *
     * @throws NpyException if the file is not such an array (naming the file and the problem)
     */
    public static FeatureMatrix map(Path file) throws IOException {
        return map(file, MAX_REGION_BYTES);
    }

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
        return new FeatureMatrix(type, rows, shape, rowsPerRegion, regions);
    }

    static FeatureMatrix allocate(NpyType type, int rows, int[] shape, long maxRegionBytes, ByteOrder order) {
        long rowBytes = (long) product(shape) * type.size();
        int rowsPerRegion = (int) Math.max(1, Math.min(Math.max(rows, 1), maxRegionBytes / rowBytes));
        int regionCount = (rows + rowsPerRegion - 1) / rowsPerRegion;
        ByteBuffer[] regions = new ByteBuffer[regionCount];
        for (int i = 0; i < regionCount; i++) {
            long count = Math.min(rowsPerRegion, rows - (long) i * rowsPerRegion);
            regions[i] = ByteBuffer.allocateDirect((int) (count * rowBytes)).order(order);
        }
        return new FeatureMatrix(type, rows, shape, rowsPerRegion, regions);
    }

    private static boolean isFeatureType(NpyType type) {
        return type == NpyType.FLOAT32 || type == NpyType.FLOAT16 || type == NpyType.UINT8 || type == NpyType.INT8;
    }

    private static void checkType(NpyType type) {
        if (!isFeatureType(type)) {
            throw new IllegalArgumentException("features must be FLOAT32, FLOAT16, UINT8 or INT8, got " + type);
        }
    }

    private static String noun(NpyType type) {
        return type == NpyType.FLOAT32 ? "floats" : type.name().toLowerCase(java.util.Locale.ROOT) + " values";
    }

    private static int checkShape(NpyType type, int rows, int... shape) {
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
            if (d * type.size() > MAX_REGION_BYTES) {
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

    /** D: values per row, the product of the sample shape. */
    public int width() {
        return width;
    }

    /** The sample shape (a copy): a row is {@code shape[0] x shape[1] x ...} values. */
    public int[] sampleShape() {
        return shape.clone();
    }

    /** The storage type: FLOAT32, FLOAT16, UINT8 or INT8. */
    public NpyType type() {
        return type;
    }

    /** Bytes of one stored row: {@code width() * type().size()}. */
    public int bytesPerRow() {
        return rowBytes;
    }

    /** Total bytes of stored feature data. */
    public long byteSize() {
        return (long) rows * rowBytes;
    }

    /**
     * A view of the same storage (nothing is copied) whose float gathers give {@code x * scale +
     * offset} for every stored value {@code x} converted to float32, computed in float arithmetic
     * as Java evaluates that expression: a rounded product, then a rounded sum (no fused multiply-add;
     * numpy's {@code x.astype(np.float32) * np.float32(scale) + np.float32(offset)} gives the same
     * bits). The map replaces any map of this matrix rather than composing with it, and applies even
     * to {@code (1, 0)} (where it turns -0 into +0). Byte gathers and {@link #rowBytes} still give
     * the stored bytes; {@link #row} is refused on a scaled view. E.g. {@code scaled(1 / 255f, 0)}
     * for uint8 pixels.
     */
    public FeatureMatrix scaled(float scale, float offset) {
        return new FeatureMatrix(this, scale, offset);
    }

    /** True if this is a {@link #scaled} view. */
    public boolean isScaled() {
        return affine;
    }

    /** The scale of a {@link #scaled} view; 1 otherwise. */
    public float scale() {
        return scale;
    }

    /** The offset of a {@link #scaled} view; 0 otherwise. */
    public float offset() {
        return offset;
    }

    /**
     * A zero-copy view of row {@code i}: its D floats lie between the view's position and limit
     * (read them with relative gets, or absolute gets from {@code position()}). The same view object
     * is repositioned by this thread's next call to {@code row} on this matrix; other threads get
     * views of their own (see the class notes: one set of views per thread, made on its first
     * call, and no allocation after that). The view is read-only for mapped files.
     *
     * @throws IllegalStateException if the storage type is not float32 or the matrix is scaled (use
     *     {@link #rowBytes})
     */
    public FloatBuffer row(int i) {
        return view(local.get().floats, i);
    }

    /**
     * A zero-copy view of row {@code i}'s stored bytes, for every type: {@link #bytesPerRow()} bytes
     * between the view's position and limit, in the storage's byte order (little-endian for files).
     * Repositioned by this thread's next call to {@code rowBytes} on this matrix; other threads get
     * views of their own, as for {@link #row}. Read-only for mapped files.
     */
    public ByteBuffer rowBytes(int i) {
        return byteView(local.get().bytes, i);
    }

    /**
     * New row views owned by the caller: {@code views().row(i)} works like {@link #row}, but its
     * views are repositioned only by calls on this {@code RowViews}. Allocates one view per storage
     * region.
     */
    public RowViews views() {
        return new RowViews(newViews(), newByteViews());
    }

    /** Reusable zero-copy row views; allocate nothing, not thread-safe: for one thread at a time. */
    public final class RowViews {
        private final FloatBuffer[] own;
        private final ByteBuffer[] ownBytes;

        private RowViews(FloatBuffer[] own, ByteBuffer[] ownBytes) {
            this.own = own;
            this.ownBytes = ownBytes;
        }

        /** A zero-copy view of row {@code i} as floats (see {@link FeatureMatrix#row}); allocates nothing. */
        public FloatBuffer row(int i) {
            return view(own, i);
        }

        /** A zero-copy view of row {@code i}'s stored bytes (see {@link FeatureMatrix#rowBytes}). */
        public ByteBuffer rowBytes(int i) {
            return byteView(ownBytes, i);
        }
    }

    /** One thread's views for {@link #row} and {@link #rowBytes}; no reference to the matrix. */
    private static final class Views {
        final FloatBuffer[] floats;
        final ByteBuffer[] bytes;

        Views(FloatBuffer[] floats, ByteBuffer[] bytes) {
            this.floats = floats;
            this.bytes = bytes;
        }
    }

    private Views newViewPair() {
        return new Views(newViews(), newByteViews());
    }

    private FloatBuffer view(FloatBuffer[] v, int i) {
        if (v == null) {
            throw noFloatViews();
        }
        Objects.checkIndex(i, rows);
        FloatBuffer b = v[i / rowsPerRegion];
        int off = (i % rowsPerRegion) * width;
        b.limit(b.capacity()).position(off).limit(off + width);
        return b;
    }

    private IllegalStateException noFloatViews() {
        return new IllegalStateException(affine
                ? "row views show stored values, and this matrix is scaled: gather it, or use rowBytes"
                : "float row views exist for float32 storage, this matrix is " + type + ": use rowBytes");
    }

    private ByteBuffer byteView(ByteBuffer[] v, int i) {
        Objects.checkIndex(i, rows);
        ByteBuffer b = v[i / rowsPerRegion];
        int off = (i % rowsPerRegion) * rowBytes;
        b.limit(b.capacity()).position(off).limit(off + rowBytes);
        return b;
    }

    private FloatBuffer[] newViews() {
        if (regions == null || affine) {
            return null;
        }
        FloatBuffer[] v = new FloatBuffer[regions.length];
        for (int i = 0; i < regions.length; i++) {
            v[i] = regions[i].duplicate();
        }
        return v;
    }

    private ByteBuffer[] newByteViews() {
        ByteBuffer[] v = new ByteBuffer[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            v[i] = bytes[i].duplicate().order(bytes[i].order());
        }
        return v;
    }

    /**
     * Copies rows {@code indices[from .. from + count)} one after another into {@code dst} as float32
     * values, starting at its position, and advances the position by {@code count * width()}. Each
     * stored value becomes what numpy's {@code astype(np.float32)} gives (bit for bit, NaN payloads
     * included), then {@code x * scale + offset} on a {@link #scaled} view. float32 rows are copied
     * in bulk, one copy per row. Allocates nothing; thread-safe. For speed, {@code dst} should be
     * direct and in native order.
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
        final int end = from + count;
        final int n = rows;
        final int per = rowsPerRegion;
        final boolean one = bytes.length == 1; // one region: no division per row
        if (type == NpyType.FLOAT32 && !affine) {
            gatherFloats(indices, from, end, dst, at);
            return;
        }
        final Convert.Scratch scratch = Convert.scratch();
        final boolean ahead = rowBytes >= TOUCH_MIN_ROW_BYTES;
        int t = ahead ? touchFirst(indices, from, end) : 0;
        for (int i = from; i < end; i++) {
            if (ahead && i + TOUCH_AHEAD < end) {
                t += touch(indices[i + TOUCH_AHEAD]);
            }
            int r = Objects.checkIndex(indices[i], n);
            int region = one ? 0 : r / per;
            int local = one ? r : r - region * per;
            convert(region, local, dst, at, scratch);
            at += d;
        }
        touched = t;
        dst.position(at);
    }

    /**
     * Copies the stored bytes of rows {@code indices[from .. from + count)} unchanged, one after
     * another, into {@code dst} from its position, and advances the position by
     * {@code count * bytesPerRow()}: numpy's {@code x[indices]} byte for byte (for runtimes that take
     * uint8 or float16 tensors). A scaled view's map does not apply. One bulk copy per row; allocates
     * nothing; thread-safe.
     *
     * @throws IndexOutOfBoundsException if an index is not a row of this matrix (the rows before it
     *     have been copied; {@code dst}'s position is left unchanged)
     * @throws java.nio.BufferOverflowException if {@code dst} has too little room
     */
    public void gather(int[] indices, int from, int count, ByteBuffer dst) {
        Objects.checkFromIndexSize(from, count, indices.length);
        final int rb = rowBytes;
        int at = dst.position();
        if ((long) count * rb > dst.remaining()) {
            throw new java.nio.BufferOverflowException();
        }
        final ByteBuffer[] src = bytes;
        final int end = from + count;
        final int n = rows;
        final int per = rowsPerRegion;
        final boolean one = src.length == 1;
        final boolean ahead = rb >= TOUCH_MIN_ROW_BYTES;
        int t = ahead ? touchFirst(indices, from, end) : 0;
        for (int i = from; i < end; i++) {
            if (ahead && i + TOUCH_AHEAD < end) {
                t += touch(indices[i + TOUCH_AHEAD]);
            }
            int r = Objects.checkIndex(indices[i], n);
            int region = one ? 0 : r / per;
            int local = one ? r : r - region * per;
            dst.put(at, src[region], local * rb, rb);
            at += rb;
        }
        touched = t;
        dst.position(at);
    }

    /** The float32 gather without conversion: one bulk copy per row, kept as small as the loop can be. */
    private void gatherFloats(int[] indices, int from, int end, FloatBuffer dst, int at) {
        final int d = width;
        final int n = rows;
        final FloatBuffer[] src = regions;
        final boolean ahead = rowBytes >= TOUCH_MIN_ROW_BYTES;
        int t = ahead ? touchFirst(indices, from, end) : 0;
        if (src.length == 1) { // one region: no division per row
            final FloatBuffer only = src[0];
            final int last = ahead ? end - TOUCH_AHEAD : from;
            int i = from;
            for (; i < last; i++) {
                t += touch(indices[i + TOUCH_AHEAD]);
                dst.put(at, only, Objects.checkIndex(indices[i], n) * d, d);
                at += d;
            }
            for (; i < end; i++) {
                dst.put(at, only, Objects.checkIndex(indices[i], n) * d, d);
                at += d;
            }
        } else {
            final int per = rowsPerRegion;
            for (int i = from; i < end; i++) {
                if (ahead && i + TOUCH_AHEAD < end) {
                    t += touch(indices[i + TOUCH_AHEAD]);
                }
                int r = Objects.checkIndex(indices[i], n);
                dst.put(at, src[r / per], (r % per) * d, d);
                at += d;
            }
        }
        touched = t;
        dst.position(at);
    }

    /** Touches the first {@link #TOUCH_AHEAD} rows of a gather. */
    private int touchFirst(int[] indices, int from, int end) {
        int t = 0;
        for (int i = from, stop = Math.min(end, from + TOUCH_AHEAD); i < stop; i++) {
            t += touch(indices[i]);
        }
        return t;
    }

    /**
     * Reads the first byte of row {@code r}, so that its cache miss starts now; an index outside the
     * matrix is skipped here and refused when its row is copied.
     */
    private int touch(int r) {
        if (Integer.compareUnsigned(r, rows) >= 0) {
            return 0;
        }
        if (bytes.length == 1) {
            return bytes[0].get(r * rowBytes);
        }
        int region = r / rowsPerRegion;
        return bytes[region].get((r - region * rowsPerRegion) * rowBytes);
    }

    /**
     * Row {@code local} of region {@code region}, converted to floats at {@code dst[at..]} (a compact
     * type, or scaled float32; plain float32 goes through {@link #gatherFloats}).
     */
    private void convert(int region, int local, FloatBuffer dst, int at, Convert.Scratch scratch) {
        final int d = width;
        if (type == NpyType.FLOAT32) {
            Convert.floats(regions[region], local * d, d, scale, offset, dst, at, scratch);
        } else if (type == NpyType.FLOAT16) {
            Convert.halves(halves[region], local * d, d, affine, scale, offset, dst, at, scratch);
        } else {
            Convert.bytes(bytes[region], local * d, d, type == NpyType.INT8, affine, scale, offset, dst, at, scratch);
        }
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
