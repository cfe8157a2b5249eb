package io.github.balancedbatch.npy;

import io.github.balancedbatch.util.OutputTarget;
import java.io.Closeable;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Streams a C-ordered little-endian {@code .npy} file and publishes it atomically: INT32 and FLOAT32
 * elements from arrays or buffers, or any type's stored bytes with {@link #write(ByteBuffer)}.
 *
 * <p>Where the bytes go is decided by {@link OutputTarget}: for a regular file (or a new name, or a
 * symbolic link to one), data goes to a temporary file {@code .<name>.<pid>.<random>.tmp} beside it
 * (created with the default permissions, like any new file); {@link #commit()} checks the element
 * count, forces the data to disk and renames the temporary file onto the target, keeping an
 * existing target's permissions. Until then the target is untouched, and {@link #close()} without
 * a commit deletes the temporary file. A character device or named pipe is written straight
 * through (no atomicity there); a directory, socket or block device is refused by
 * {@link #create}. Use it in try-with-resources and call {@code commit()} as the last statement
 * of the block.
 *
 * <p>The header is byte-identical to what numpy 2 writes: version 1.0 (2.0 only if the header
 * would exceed 65535 bytes), {@code {'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), }}
 * padded with spaces and a final newline so the data starts at a multiple of 64 bytes.
 *
 * <p>One writer allocates one 64 KiB direct buffer when created and nothing per write call. Not
 * thread-safe: use it from one thread at a time.
 */
public final class NpyWriter implements Closeable {
    static final int BUFFER_BYTES = 64 * 1024;
    private static final int ALIGN = 64;
    /** numpy leaves room for the first dimension to grow to this many digits. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    private enum State { OPEN, FINISHED, COMMITTED, CLOSED }

    private final OutputTarget output;
    private final Path target;
    /** The temporary file, or null for a target written straight through. */
    private final Path temp;
    private final NpyType type;
    private final long[] shape;
    private final long elementCount;
    private final FileChannel channel;
    private final ByteBuffer bytes;
    private final IntBuffer ints;
    private final FloatBuffer floats;
    /** Bytes waiting in {@link #bytes}; always a whole number of elements. */
    private int staged;
    private long written;
    private State state = State.OPEN;

    private NpyWriter(OutputTarget output, Path temp, NpyType type, long[] shape, long elementCount,
            FileChannel channel) {
        this.output = output;
        this.target = output.path();
        this.temp = temp;
        this.type = type;
        this.shape = shape;
        this.elementCount = elementCount;
        this.channel = channel;
        this.bytes = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        this.ints = bytes.asIntBuffer();
        this.floats = bytes.asFloatBuffer();
    }

    /**
     * Creates a temporary file in the target's directory and writes the header into it.
     *
     * @param target the file that {@link #commit()} will create or replace
     * @param type any type; INT32 and FLOAT32 writers also take ints or floats, every writer takes
     *     bytes
     * @param shape the dimensions, outermost first; none for a scalar (copied)
     * @throws IllegalArgumentException for a negative dimension, or a shape whose
     *     byte size overflows a long
     * @throws IOException if the target is a directory, socket or block device, or the temporary
     *     file (or the device or pipe) cannot be opened or written
     */
    public static NpyWriter create(Path target, NpyType type, long... shape) throws IOException {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        long[] dims = shape.clone();
        long count = 1;
        for (long d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension " + d + " in shape "
                        + NpyHeader.shapeString(dims));
            }
            try {
                count = Math.multiplyExact(count, d);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("shape " + NpyHeader.shapeString(dims)
                        + " has more elements than fit in a long");
            }
        }
        byte[] header = header(type, dims);
        try {
            Math.addExact(header.length, Math.multiplyExact(count, type.size()));
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("shape " + NpyHeader.shapeString(dims)
                    + " needs more bytes than fit in a long");
        }
        OutputTarget output = OutputTarget.of(target);
        Path temp = output.isStream() ? null : output.newTemporary();
        FileChannel ch;
        try {
            ch = FileChannel.open(temp == null ? output.path() : temp, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException | Error e) {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
            throw e;
        }
        try {
            ByteBuffer h = ByteBuffer.wrap(header);
            while (h.hasRemaining()) {
                ch.write(h);
            }
            return new NpyWriter(output, temp, type, dims, count, ch);
        } catch (IOException | RuntimeException | Error e) {
            try {
                ch.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
            throw e;
        }
    }

    /** The complete preamble and header, padded like numpy does. */
    static byte[] header(NpyType type, long[] shape) {
        StringBuilder dict = new StringBuilder(64)
                .append("{'descr': '").append(type.descr())
                .append("', 'fortran_order': False, 'shape': ")
                .append(NpyHeader.shapeString(shape)).append(", }");
        if (shape.length > 0) {
            dict.append(" ".repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length())));
        }
        byte[] text = dict.toString().getBytes(StandardCharsets.US_ASCII);
        int major = 1;
        int prefix = 10;
        int hlen = text.length + 1;
        int padded = hlen + ALIGN - (prefix + hlen) % ALIGN;
        if (padded > 0xffff) {
            major = 2;
            prefix = 12;
            padded = hlen + ALIGN - (prefix + hlen) % ALIGN;
        }
        ByteBuffer b = ByteBuffer.allocate(prefix + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                .put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) padded);
        } else {
            b.putInt(padded);
        }
        b.put(text);
        while (b.position() < b.limit() - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /** The element type this writer accepts. */
    public NpyType type() {
        return type;
    }

    /** The shape being written (a copy). */
    public long[] shape() {
        return shape.clone();
    }

    /** Number of elements written so far. */
    public long written() {
        return written;
    }

    /**
     * Appends {@code len} ints from {@code a[off..off+len)}; the array is not retained.
     *
     * @throws IllegalStateException if this is not an INT32 writer, if the shape has room for
     *     fewer than {@code len} more elements (nothing is written then), or if the writer is
     *     committed or closed
     * @throws IndexOutOfBoundsException if the range is outside {@code a}
     */
    public void write(int[] a, int off, int len) throws IOException {
        check(NpyType.INT32, "write(int[])");
        Objects.checkFromIndexSize(off, len, a.length);
        append(a, off, len, Integer.BYTES);
    }

    /**
     * Appends all remaining ints of {@code src}, consuming them like a channel write: on return
     * {@code src.position() == src.limit()}; its limit, mark and contents are unchanged.
     *
     * @throws IllegalStateException as for {@link #write(int[], int, int)}; then {@code src} is
     *     not consumed
     */
    public void write(IntBuffer src) throws IOException {
        check(NpyType.INT32, "write(IntBuffer)");
        append(src, src.position(), src.remaining(), Integer.BYTES);
    }

    /**
     * Appends {@code len} floats from {@code a[off..off+len)}; the array is not retained.
     *
     * @throws IllegalStateException if this is not a FLOAT32 writer, if the shape has room for
     *     fewer than {@code len} more elements (nothing is written then), or if the writer is
     *     committed or closed
     * @throws IndexOutOfBoundsException if the range is outside {@code a}
     */
    public void write(float[] a, int off, int len) throws IOException {
        check(NpyType.FLOAT32, "write(float[])");
        Objects.checkFromIndexSize(off, len, a.length);
        append(a, off, len, Float.BYTES);
    }

    /**
     * Appends all remaining floats of {@code src}, consuming them like a channel write: on
     * return {@code src.position() == src.limit()}; its limit, mark and contents are unchanged.
     *
     * @throws IllegalStateException as for {@link #write(float[], int, int)}; then {@code src}
     *     is not consumed
     */
    public void write(FloatBuffer src) throws IOException {
        check(NpyType.FLOAT32, "write(FloatBuffer)");
        append(src, src.position(), src.remaining(), Float.BYTES);
    }

    /**
     * Appends all remaining bytes of {@code src}, which must be whole little-endian elements of this
     * writer's type (e.g. the stored bytes of a gathered batch), consuming them like a channel write:
     * on return {@code src.position() == src.limit()}; its limit and contents are unchanged.
     *
     * @throws IllegalArgumentException if the bytes are not a whole number of elements (nothing is
     *     written then)
     * @throws IllegalStateException if the shape has room for fewer elements (nothing is written
     *     then), or if the writer is committed or closed
     */
    public void write(ByteBuffer src) throws IOException {
        checkOpen();
        int n = src.remaining();
        if (n % type.size() != 0) {
            throw new IllegalArgumentException(n + " bytes are not whole " + type + " elements of "
                    + type.size() + " bytes");
        }
        append(src, src.position(), n, 1);
    }

    /**
     * The one copy path behind every {@code write}: checks that the shape has room, then copies
     * {@code len} units of {@code unit} bytes (elements of an array or buffer, or single bytes of a
     * {@link ByteBuffer}) from index {@code off} of {@code src} into the staging buffer, writing it
     * out each time it fills. A buffer source is read by absolute index and its position advanced
     * past each copied chunk, so its limit and mark are never touched.
     */
    private void append(Object src, int off, int len, int unit) throws IOException {
        long elements = (long) len * unit / type.size();
        reserve(elements);
        while (len > 0) {
            int n = Math.min(len, (BUFFER_BYTES - staged) / unit);
            copy(src, off, staged / unit, n);
            off += n;
            len -= n;
            staged += n * unit;
            if (src instanceof Buffer b) {
                b.position(off);
            }
            if (staged == BUFFER_BYTES) {
                flush();
            }
        }
        written += elements;
    }

    /** Copies {@code n} units from index {@code off} of {@code src} to unit index {@code at} of the staging buffer. */
    private void copy(Object src, int off, int at, int n) {
        if (src instanceof int[] a) {
            ints.put(at, a, off, n);
        } else if (src instanceof float[] a) {
            floats.put(at, a, off, n);
        } else if (src instanceof IntBuffer b) {
            ints.put(at, b, off, n);
        } else if (src instanceof FloatBuffer b) {
            floats.put(at, b, off, n);
        } else {
            bytes.put(at, (ByteBuffer) src, off, n);
        }
    }

    /**
     * Publishes the file: checks that exactly {@code elementCount} elements were written, forces
     * the data to disk, and moves the temporary file onto the target atomically (falling back to
     * a plain replacing move where the file system cannot move atomically). If anything fails the
     * temporary file is deleted, the target is left as it was and the writer is closed.
     *
     * @throws IOException naming the expected and actual element counts if they differ, or if
     *     the data cannot be written or moved
     * @throws IllegalStateException if already committed or closed
     */
    public void commit() throws IOException {
        commitAll(java.util.List.of(this));
    }

    /**
     * Publishes several files together: all of them, or none. Every writer is first finished
     * (element count checked, data forced to disk); then each target that exists is set aside and
     * replaced by its new file. If any step fails, the targets already replaced get their previous
     * contents back, the new files are deleted, and the exception is rethrown.
     *
     * @throws IllegalStateException if a writer is already committed or closed
     */
    public static void commitAll(java.util.List<NpyWriter> writers) throws IOException {
        for (NpyWriter w : writers) {
            w.finish();
        }
        java.util.List<Path[]> replaced = new java.util.ArrayList<>(); // {target, previous contents or null}
        try {
            for (NpyWriter w : writers) {
                if (w.temp == null) { // a device or pipe: already written through
                    w.state = State.COMMITTED;
                    continue;
                }
                w.output.checkReplaceable();
                Path previous = null;
                if (Files.exists(w.target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    w.output.copyPermissionsTo(w.temp);
                    previous = w.temp.resolveSibling(w.temp.getFileName() + OutputTarget.SET_ASIDE);
                    Files.move(w.target, previous, StandardCopyOption.ATOMIC_MOVE);
                }
                replaced.add(new Path[] {w.target, previous});
                move(w.temp, w.target);
                w.state = State.COMMITTED;
            }
        } catch (IOException | RuntimeException | Error e) {
            for (Path[] r : replaced) {
                try {
                    Files.deleteIfExists(r[0]);
                    if (r[1] != null) {
                        move(r[1], r[0]);
                    }
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            for (NpyWriter w : writers) {
                try {
                    w.abort(e);
                } catch (IOException ignored) {
                    // abort(e) adds its own failures to e
                }
            }
            throw e;
        }
        for (Path[] r : replaced) {
            if (r[1] != null) {
                Files.deleteIfExists(r[1]);
            }
        }
        for (NpyWriter w : writers) {
            w.syncDirectory();
        }
    }

    /** Checks the element count and forces the data to disk; the temporary file stays until published. */
    private void finish() throws IOException {
        checkOpen();
        try {
            if (written != elementCount) {
                throw new IOException(target + ": expected " + elementCount
                        + " elements for shape " + NpyHeader.shapeString(shape) + ", but "
                        + written + " were written");
            }
            flush();
            if (temp != null) {
                channel.force(true);
            }
            channel.close();
            state = State.FINISHED;
        } catch (IOException | RuntimeException | Error e) {
            abort(e);
            throw e;
        }
    }

    private static void move(Path from, Path to) throws IOException {
        OutputTarget.move(from, to);
    }

    /**
     * Without a prior {@link #commit()}: discards everything written and deletes the temporary
     * file; the target is not touched. After a commit, or when called again: does nothing.
     */
    @Override
    public void close() throws IOException {
        if (state != State.OPEN && state != State.FINISHED) {
            return;
        }
        IOException failure = null;
        try {
            abort(null);
        } catch (IOException e) {
            failure = e;
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void abort(Throwable primary) throws IOException {
        state = State.CLOSED;
        IOException failure = null;
        try {
            channel.close();
        } catch (IOException e) {
            failure = e;
        }
        try {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            if (primary != null) {
                primary.addSuppressed(failure);
            } else {
                throw failure;
            }
        }
    }

    /** Best effort: makes the rename durable on file systems that allow syncing a directory. */
    private void syncDirectory() {
        if (temp == null) {
            return;
        }
        try (FileChannel dir = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | RuntimeException e) {
            // Not supported everywhere (e.g. Windows); the data itself is already forced.
        }
    }

    private void check(NpyType wanted, String method) {
        checkOpen();
        if (type != wanted) {
            throw new IllegalStateException(method + " needs a " + wanted + " writer, but this one writes "
                    + type + " (" + type.descr() + ")");
        }
    }

    private void checkOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException("writer for " + target + " is already "
                    + (state == State.COMMITTED ? "committed" : "closed"));
        }
    }

    private void reserve(long n) {
        if (n > elementCount - written) {
            throw new IllegalStateException("cannot write " + n + " more elements: shape "
                    + NpyHeader.shapeString(shape) + " holds " + elementCount + " and "
                    + written + " were already written");
        }
    }

    /** Writes the staged bytes to the channel. */
    private void flush() throws IOException {
        bytes.clear().limit(staged);
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
        staged = 0;
    }
}
