package io.github.balancedbatch.bench;

import io.github.balancedbatch.data.FeatureMatrix;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * One logical feature data set, {@code rows x dim} floats, laid out three ways for the gather
 * benchmarks: as the seed holds it ({@code float[rows][dim]}), as one flat {@code float[]}, and
 * off-heap in a direct native-order buffer. Every layout holds the same value at (row, col), a
 * cheap deterministic hash, so any two gathers of the same rows can be compared float for float.
 *
 * <p>Stateless; every method allocates what it returns, which the caller owns.
 */
final class SyntheticFeatures {
    private SyntheticFeatures() {
    }

    /** The value at ({@code row}, {@code col}) of a data set {@code dim} floats wide, in [0, 1). */
    static float value(int row, int col, int dim) {
        int h = (int) ((long) row * dim + col) * 0x9E3779B9;
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        return (h >>> 8) * 0x1p-24f;
    }

    /** Fills {@code dst[0 .. dim)} with row {@code row}. */
    static void row(int row, int dim, float[] dst, int off) {
        for (int c = 0; c < dim; c++) {
            dst[off + c] = value(row, c, dim);
        }
    }

    /** The seed's layout: one heap array per row. */
    static float[][] heapRows(int rows, int dim) {
        float[][] data = new float[rows][dim];
        for (int r = 0; r < rows; r++) {
            row(r, dim, data[r], 0);
        }
        return data;
    }

    /** One flat heap array, row after row. */
    static float[] flat(int rows, int dim) {
        float[] data = new float[Math.multiplyExact(rows, dim)];
        for (int r = 0; r < rows; r++) {
            row(r, dim, data, r * dim);
        }
        return data;
    }

    /**
     * One direct, native-order byte buffer of at most 2 GiB - 1 bytes, row after row: what
     * {@link FeatureMatrix#wrap} takes. The caller releases it by dropping every reference.
     */
    static ByteBuffer direct(int rows, int dim) {
        long bytes = (long) rows * dim * Float.BYTES;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " rows of " + dim + " floats are " + bytes
                    + " bytes, more than one direct buffer holds");
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        FloatBuffer floats = buffer.asFloatBuffer();
        float[] scratch = new float[dim];
        for (int r = 0; r < rows; r++) {
            row(r, dim, scratch, 0);
            floats.put(r * dim, scratch);
        }
        return buffer;
    }

    /**
     * The same data set stored as {@code dtype} in one direct little-endian buffer (float32: as
     * {@link #direct(int, int)}): what the type-taking {@code FeatureMatrix.wrap} takes. The caller releases it by dropping every reference.
     */
    static ByteBuffer direct(int rows, int dim, Dtype dtype) {
        if (dtype == Dtype.float32) {
            return direct(rows, dim);
        }
        int size = dtype.type.size();
        long bytes = (long) rows * dim * size;
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(rows + " rows of " + dim + " " + dtype + " are " + bytes
                    + " bytes, more than one direct buffer holds");
        }
        ByteBuffer buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < dim; c++) {
                dtype.put(buffer, (r * dim + c) * size, value(r, c, dim));
            }
        }
        return buffer;
    }

    /** A {@link FeatureMatrix} wrapping (not copying) {@link #direct(int, int, Dtype)}: what every typed benchmark state holds. */
    static FeatureMatrix matrix(int rows, int dim, Dtype dtype) {
        return FeatureMatrix.wrap(direct(rows, dim, dtype), dtype.type, rows, dim);
    }
}
