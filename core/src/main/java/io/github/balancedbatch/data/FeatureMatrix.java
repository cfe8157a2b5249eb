package io.github.balancedbatch.data;

import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * N rows of D values stored off-heap (direct or memory-mapped buffers), one row per sample; D is the
 * product of the sample shape, which is kept. The values keep their {@linkplain #type() storage type}:
 * float32, float16, uint8 or int8 (a uint8 image set takes a quarter of the memory of float32).
 *
 * <p><b>Rows, then the sample shape.</b> Every factory that is told the size takes the number of
 * rows first and the sample shape after it: {@code copyOf(data, 100, 3)} and
 * {@code wrap(buffer, 100, 3)} are both 100 rows of 3 values, {@code copyOf(pixels, n, 28, 28)} is
 * n images of 28 x 28.
 *
 * <p>Storage is split into regions of whole rows, each at most 2 GiB - 1 bytes (the limit of one
 * {@code ByteBuffer}), so matrices and files larger than 2 GiB work and no row straddles two regions.
 *
 * <p>{@link #gather(int[], int, int, FloatBuffer)} copies rows into a caller-owned buffer as float32,
 * converting each type exactly as numpy's {@code astype(np.float32)} does (float16 subnormals, signed
 * zeros, infinities and NaN payloads included) and, for a {@linkplain #scaled(float, float) scaled}
 * view, computing {@code x * scale + offset}. {@link #gather(int[], int, int, ByteBuffer)} copies the
 * stored bytes unchanged. Both allocate nothing per batch and are thread-safe (the matrix is never
 * written after construction, and reads use absolute positions); how they are made fast is in the
 * package documentation.
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
    final NpyType type;
    final int rows;
    private final int[] shape;
    /** D, values per row. */
    final int width;
    final int rowBytes;
    final int rowsPerRegion;
    /** The regions' bytes, in the storage's byte order. */
    final ByteBuffer[] bytes;
    /** Float views of the regions (float32 only, else null). */
    final FloatBuffer[] floats;
    /** The regions read as little-endian words, for the conversions (compact types only, else null). */
    final ByteBuffer[] words;
    /** The mapped file, or null: named when a mapped page faults. */
    final Path file;
    final boolean affine;
    final float scale;
    final float offset;
    /** uint8 and int8: the float value of every stored byte, this view's map applied; else null. */
    final float[] byteValues;
    /**
     * Each thread's row views for {@link #row} and {@link #rowBytes}, made on its first call. The
     * value must not refer to this matrix: a thread's map holds it strongly, so a reference back
     * would keep the matrix, this key and the off-heap memory alive as long as the thread.
     */
    private final ThreadLocal<Views> local = ThreadLocal.withInitial(this::newViewPair);

    FeatureMatrix(NpyType type, int rows, int[] shape, int rowsPerRegion, ByteBuffer[] bytes, Path file) {
        this.type = type;
        this.rows = rows;
        this.shape = shape;
        this.width = Storage.product(shape);
        this.rowBytes = width * type.size();
        this.rowsPerRegion = rowsPerRegion;
        this.bytes = bytes;
        this.file = file;
        this.floats = type == NpyType.FLOAT32 ? new FloatBuffer[bytes.length] : null;
        this.words = type == NpyType.FLOAT32 ? null : new ByteBuffer[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            if (floats != null) {
                floats[i] = bytes[i].duplicate().order(bytes[i].order()).asFloatBuffer();
            } else {
                words[i] = bytes[i].duplicate().order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        this.affine = false;
        this.scale = 1f;
        this.offset = 0f;
        this.byteValues = Convert.byteValues(type, false, 1f, 0f);
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
        this.floats = m.floats;
        this.words = m.words;
        this.file = m.file;
        this.affine = true;
        this.scale = scale;
        this.offset = offset;
        this.byteValues = Convert.byteValues(type, true, scale, offset);
    }

    /**
     * Wraps a direct buffer holding {@code rows} rows of {@code sampleShape} floats from its
     * position on, read in the buffer's byte order (native order gives the fastest gathers). No
     * copy; the buffer's position, limit and order are left unchanged, and it must not be written
     * afterwards. {@code wrap(buffer, 100, 3)} is 100 rows of 3 floats.
     *
     * @throws IllegalArgumentException if the buffer is not direct or holds too few bytes
     */
    public static FeatureMatrix wrap(ByteBuffer buffer, int rows, int... sampleShape) {
        return wrap(buffer, NpyType.FLOAT32, rows, sampleShape);
    }

    /**
     * Wraps a direct buffer holding {@code rows} rows of {@code sampleShape} values of {@code type}
     * (FLOAT32, FLOAT16, UINT8 or INT8) from its position on; float types are read in the buffer's
     * byte order. No copy; the buffer's position, limit and order are left unchanged, and it must not
     * be written afterwards.
     *
     * @throws IllegalArgumentException if the type is not a feature type, or the buffer is not direct
     *     or holds too few bytes
     */
    public static FeatureMatrix wrap(ByteBuffer buffer, NpyType type, int rows, int... sampleShape) {
        return Storage.wrap(buffer, type, rows, sampleShape);
    }

    /**
     * Copies {@code rows} rows of {@code sampleShape} floats, row after row in {@code data}, off-heap
     * in native order: {@code copyOf(data, 100, 3)} is 100 rows of 3 floats, as
     * {@link #wrap(ByteBuffer, int, int...)} reads it.
     *
     * @throws IllegalArgumentException if {@code data} does not hold exactly that many floats, or
     *     the shape is empty or has a dimension below 1
     */
    public static FeatureMatrix copyOf(float[] data, int rows, int... sampleShape) {
        return Storage.copyOf(data, rows, sampleShape);
    }

    /** Copies rows of equal length off-heap, in native order; the sample shape is {@code (D)}. */
    public static FeatureMatrix copyOf(float[][] data) {
        return Storage.copyOf(data);
    }

    /**
     * Copies {@code rows} rows of {@code sampleShape} values of {@code type} (FLOAT32, FLOAT16,
     * UINT8 or INT8), row after row in {@code data}, off-heap; float types are read in little-endian
     * byte order (as {@code .npy} files store {@code <f4} and {@code <f2}). The bytes are kept
     * unchanged. {@code copyOf(pixels, NpyType.UINT8, n, 28, 28)} is n images of 28 x 28.
     *
     * @throws IllegalArgumentException if the type is not a feature type, or {@code data} does not
     *     hold exactly that many values
     */
    public static FeatureMatrix copyOf(byte[] data, NpyType type, int rows, int... sampleShape) {
        return Storage.copyOf(data, type, rows, sampleShape);
    }

    /**
     * Maps a {@code .npy} file in C order, shape (N, *sample_shape), of little-endian float32
     * ({@code <f4}), float16 ({@code <f2}), uint8 ({@code |u1}) or int8 ({@code |i1}), read-only;
     * the values keep their type. Pages are read from disk on first touch; call {@link #load()} to do
     * that up front. The file must not be truncated or rewritten while it is mapped (see
     * {@link #gather(int[], int, int, FloatBuffer)}).
     *
     * @throws NpyException if the file is not such an array (naming the file and the problem)
     */
    public static FeatureMatrix map(Path file) throws IOException {
        return Storage.map(file, Storage.MAX_REGION_BYTES);
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
     * for uint8 pixels. Allocates a 1 KiB table of values for uint8 and int8 storage.
     *
     * @throws IllegalArgumentException if {@code scale} or {@code offset} is NaN or infinite
     */
    public FeatureMatrix scaled(float scale, float offset) {
        if (!Float.isFinite(scale) || !Float.isFinite(offset)) {
            throw new IllegalArgumentException("scale and offset must be finite, got scale " + scale + ", offset " + offset);
        }
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
        if (floats == null || affine) {
            return null;
        }
        FloatBuffer[] v = new FloatBuffer[floats.length];
        for (int i = 0; i < floats.length; i++) {
            v[i] = floats[i].duplicate();
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
     * included), then {@code x * scale + offset} on a {@link #scaled} view. Allocates nothing per
     * call (each thread makes its conversion scratch arrays once); thread-safe. For speed,
     * {@code dst} should be direct and in native order.
     *
     * <p><b>A mapped file that shrinks.</b> Reading a page of a mapped file that was truncated
     * after {@link #map} makes the JVM raise {@code java.lang.InternalError: a fault occurred in a
     * recent unsafe memory access}. It is not an exception of this method's own: the JVM may
     * deliver it at a later safepoint, even after this method returned. When it reaches this method,
     * it is rethrown as an {@code InternalError} whose message starts with the file's path (the
     * original is its cause). In a {@code io.github.balancedbatch.pipeline.BatchPipeline}, the
     * gathering thread's error is rethrown by {@code take()} as a {@code PipelineException} whose
     * cause is that {@code InternalError}.
     *
     * @throws IndexOutOfBoundsException if {@code from} and {@code count} are outside
     *     {@code indices}, or an index is not a row of this matrix (the rows before it have been
     *     copied; {@code dst}'s position is left unchanged)
     * @throws java.nio.BufferOverflowException if {@code dst} has too little room (the message
     *     names the room needed and the room left; nothing is written)
     * @throws ReadOnlyBufferException if {@code dst} is read-only (nothing is written)
     */
    public void gather(int[] indices, int from, int count, FloatBuffer dst) {
        Objects.checkFromIndexSize(from, count, indices.length);
        final int at = dst.position();
        if ((long) count * width > dst.remaining()) {
            throw NoRoomException.floats(count, width, dst.remaining());
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (count == 0) {
            return;
        }
        try {
            if (type == NpyType.FLOAT32 && !affine) {
                Gathers.INSTANCE.floats(this, indices, from, from + count, dst, at);
            } else {
                Gathers.INSTANCE.converted(this, indices, from, from + count, dst, at);
            }
        } catch (InternalError e) {
            throw faulted(e);
        }
        dst.position(at + count * width);
    }

    /**
     * Copies the stored bytes of rows {@code indices[from .. from + count)} unchanged, one after
     * another, into {@code dst} from its position, and advances the position by
     * {@code count * bytesPerRow()}: numpy's {@code x[indices]} byte for byte (for runtimes that take
     * uint8 or float16 tensors). A scaled view's map does not apply. One bulk copy per row; allocates
     * nothing; thread-safe. A mapped file that shrinks faults as described at
     * {@link #gather(int[], int, int, FloatBuffer)}.
     *
     * @throws IndexOutOfBoundsException if {@code from} and {@code count} are outside
     *     {@code indices}, or an index is not a row of this matrix (the rows before it have been
     *     copied; {@code dst}'s position is left unchanged)
     * @throws java.nio.BufferOverflowException if {@code dst} has too little room (the message
     *     names the bytes needed and the bytes left; nothing is written)
     * @throws ReadOnlyBufferException if {@code dst} is read-only (nothing is written)
     */
    public void gather(int[] indices, int from, int count, ByteBuffer dst) {
        Objects.checkFromIndexSize(from, count, indices.length);
        final int at = dst.position();
        if ((long) count * rowBytes > dst.remaining()) {
            throw NoRoomException.bytes(count, rowBytes, dst.remaining());
        }
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        if (count == 0) {
            return;
        }
        try {
            Gathers.INSTANCE.bytes(this, indices, from, from + count, dst, at);
        } catch (InternalError e) {
            throw faulted(e);
        }
        dst.position(at + count * rowBytes);
    }

    /** A fault of a mapped page, with the file named; any other internal error unchanged. */
    InternalError faulted(InternalError e) {
        if (file == null || e.getMessage() == null || !e.getMessage().contains("unsafe memory access")) {
            return e;
        }
        return new InternalError(file + ": " + e.getMessage() + " (the mapped file was truncated or replaced)", e);
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
