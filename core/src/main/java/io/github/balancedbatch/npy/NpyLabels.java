package io.github.balancedbatch.npy;

import io.github.balancedbatch.util.ArrayLimits;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Class labels read from a {@code .npy} file (or, through {@link LabelFiles}, a text file): either a 1-D integer array (or a 2-D integer column of
 * shape (N, 1), as Keras data sets store {@code y_train}), or a 2-D one-hot matrix of at least two
 * columns (as written by Keras {@code to_categorical}) reduced to the column index of each row.
 *
 * <p>Effectively immutable and safe to share once constructed, provided nobody writes into the
 * array returned by {@link #labels()}, which is the backing array and is not copied.
 */
public final class NpyLabels {
    /** Largest row count accepted: the largest safe Java array length. */
    static final int MAX_ROWS = ArrayLimits.MAX_ARRAY_LENGTH;
    /** Largest one-hot width accepted: a class index keeps one offset per column, plus one. */
    static final int MAX_COLUMNS = ArrayLimits.MAX_ARRAY_LENGTH - 1;

    /** Bytes read per {@link FileChannel#read} call; a multiple of every element size. */
    static final int CHUNK_BYTES = 1 << 20;

    private final int[] labels;
    private final boolean oneHot;
    private final int width;

    private NpyLabels(int[] labels, boolean oneHot, int width) {
        this.labels = labels;
        this.oneHot = oneHot;
        this.width = width;
    }

    /**
     * The label of every row: the value itself for 1-D input, the column of the single 1 for
     * one-hot input. This is the backing array, not a copy; the caller owns it from here on.
     */
    public int[] labels() {
        return labels;
    }

    /** Whether the file held a 2-D one-hot matrix. */
    public boolean oneHot() {
        return oneHot;
    }

    /** Labels read from a text file: one value per row, not one-hot. */
    static NpyLabels ofText(int[] labels) {
        return new NpyLabels(labels, false, -1);
    }

    /** Number of columns of the one-hot matrix, or -1 for 1-D labels. */
    public int width() {
        return width;
    }

    /** Number of rows (labels). */
    public int rows() {
        return labels.length;
    }

    /**
     * Reads the labels in {@code file}.
     *
     * <p>Accepts a 1-D array of int8/16/32/64 or uint8/16/32 (each value must fit in an
     * {@code int}), the same as a 2-D column of shape (N, 1), or a 2-D one-hot matrix of any supported type in which every row holds exactly
     * one 1 and zeros elsewhere. Refuses 0-D and 3-D+ arrays, empty arrays ("no labels"), 2-D
     * arrays without columns, 1-D floats, NaN, and more than {@link ArrayLimits#MAX_ARRAY_LENGTH} rows.
     *
     * <p>Allocates the {@code int[rows]} result (only after the header and the file length have
     * been validated, so a lying header cannot cause a huge allocation) and one read buffer of at
     * most 1 MiB; the data is read through a {@link FileChannel} in chunks of that size rather
     * than memory-mapped, so no mapping outlives the call and large files are not paged in at
     * once.
     *
     * @throws NpyException if the file is malformed or not usable as labels; the message names
     *     the row for bad values
     * @throws IOException if the file cannot be read
     */
    public static NpyLabels read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (!LabelFiles.isNpy(file)) {
                throw new NpyException(file, "not a .npy file (it does not start with \\x93NUMPY);"
                        + " LabelFiles.read also reads text labels, one integer per line");
            }
            NpyHeader h = NpyHeader.read(file, ch);
            NpyType type = h.type();
            String shape = NpyHeader.shapeString(h.shape());
            if (type == NpyType.FLOAT16) {
                throw new NpyException(file, "dtype '<f2' (float16) cannot hold labels;"
                        + " expected integers, or a float32/float64 one-hot matrix");
            }
            if (h.rank() == 0) {
                throw new NpyException(file, "0-d array (shape ()) cannot hold labels;"
                        + " expected 1-D labels or a 2-D one-hot matrix");
            }
            if (h.rank() > 2) {
                throw new NpyException(file, h.rank() + "-D array of shape " + shape
                        + " cannot hold labels; expected 1-D labels or a 2-D one-hot matrix");
            }
            long rows = h.dim(0);
            if (h.rank() == 2) {
                long cols = h.dim(1);
                if (cols == 0) {
                    throw new NpyException(file, "one-hot matrix of shape " + shape + " has 0 columns");
                }
                if (cols > MAX_COLUMNS) {
                    throw new NpyException(file, "one-hot matrix of shape " + shape + " has "
                            + cols + " columns; at most " + MAX_COLUMNS + " are supported");
                }
                if (cols == 1 && !type.isInteger()) {
                    throw new NpyException(file, "a label column of shape " + shape
                            + " must hold integer class ids, but the dtype is " + type.descr()
                            + " (a one-hot matrix needs at least 2 columns)");
                }
            } else if (!type.isInteger()) {
                throw new NpyException(file, "1-D labels must be integers, but the dtype is "
                        + type.descr());
            }
            if (rows == 0) {
                throw new NpyException(file, "no labels: the array of shape " + shape + " is empty");
            }
            if (rows > MAX_ROWS) {
                throw new NpyException(file, rows + " rows is more than the " + MAX_ROWS
                        + " supported");
            }
            int[] out = new int[(int) rows];
            if (h.rank() == 1 || h.dim(1) == 1) { // (N, 1): a Keras-style column of class ids
                new Plain(file, type, out).run(ch, h);
                return new NpyLabels(out, false, -1);
            }
            int width = (int) h.dim(1);
            new OneHot(file, type, out, width).run(ch, h);
            return new NpyLabels(out, true, width);
        }
    }

    /** Streams the data in chunks and hands each element to {@link #acceptLong} or {@link #acceptDouble}. */
    private abstract static class Scan {
        final Path file;
        final NpyType type;

        Scan(Path file, NpyType type) {
            this.file = file;
            this.type = type;
        }

        void run(FileChannel ch, NpyHeader h) throws IOException {
            int cap = (int) Math.min(CHUNK_BYTES, h.dataBytes());
            ByteBuffer buf = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
            long pos = h.dataOffset();
            long remaining = h.dataBytes();
            long index = 0;
            while (remaining > 0) {
                buf.clear();
                buf.limit((int) Math.min(cap, remaining));
                NpyHeader.readFully(file, ch, buf, pos);
                buf.flip();
                pos += buf.limit();
                remaining -= buf.limit();
                switch (type) {
                    case INT8:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.get());
                        }
                        break;
                    case UINT8:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.get() & 0xff);
                        }
                        break;
                    case INT16:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.getShort());
                        }
                        break;
                    case UINT16:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.getShort() & 0xffff);
                        }
                        break;
                    case INT32:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.getInt());
                        }
                        break;
                    case UINT32:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.getInt() & 0xffffffffL);
                        }
                        break;
                    case INT64:
                        while (buf.hasRemaining()) {
                            acceptLong(index++, buf.getLong());
                        }
                        break;
                    case FLOAT32:
                        while (buf.hasRemaining()) {
                            acceptDouble(index++, buf.getFloat());
                        }
                        break;
                    case FLOAT64:
                        while (buf.hasRemaining()) {
                            acceptDouble(index++, buf.getDouble());
                        }
                        break;
                    default:
                        throw new AssertionError(type);
                }
            }
        }

        abstract void acceptLong(long index, long value) throws NpyException;

        abstract void acceptDouble(long index, double value) throws NpyException;
    }

    /** 1-D integer labels. */
    private static final class Plain extends Scan {
        private final int[] out;

        Plain(Path file, NpyType type, int[] out) {
            super(file, type);
            this.out = out;
        }

        @Override
        void acceptLong(long index, long value) throws NpyException {
            if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
                throw new NpyException(file, "row " + index + ": " + typeName(type) + " value "
                        + value + " is outside the int range");
            }
            out[(int) index] = (int) value;
        }

        @Override
        void acceptDouble(long index, double value) {
            throw new AssertionError("1-D float labels are refused before reading");
        }
    }

    /** 2-D one-hot matrix, reduced to the column of the 1 in each row. */
    private static final class OneHot extends Scan {
        private final int[] out;
        private final int width;
        private int col;
        private int row;
        private int nonZero;
        private int hot;

        OneHot(Path file, NpyType type, int[] out, int width) {
            super(file, type);
            this.out = out;
            this.width = width;
        }

        @Override
        void acceptLong(long index, long value) throws NpyException {
            if (value != 0 && value != 1) {
                throw badValue(Long.toString(value));
            }
            next(value == 1);
        }

        @Override
        void acceptDouble(long index, double value) throws NpyException {
            if (Double.isNaN(value)) {
                throw badValue("NaN");
            }
            if (value != 0 && value != 1) {
                throw badValue(type == NpyType.FLOAT32 ? Float.toString((float) value) : Double.toString(value));
            }
            next(value == 1);
        }

        private NpyException badValue(String shown) {
            return new NpyException(file, "row " + row + ", column " + col
                    + " of the one-hot matrix is " + shown + "; expected 0 or 1");
        }

        private void next(boolean one) throws NpyException {
            if (one) {
                nonZero++;
                hot = col;
            }
            if (++col == width) {
                if (nonZero != 1) {
                    throw new NpyException(file, "row " + row + " of the one-hot matrix has "
                            + (nonZero == 0 ? "no non-zero entry" : nonZero + " non-zero entries")
                            + "; expected exactly one 1");
                }
                out[row++] = hot;
                col = 0;
                nonZero = 0;
            }
        }
    }

    private static String typeName(NpyType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }
}
