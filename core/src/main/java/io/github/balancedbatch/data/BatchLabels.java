package io.github.balancedbatch.data;

import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Objects;

/**
 * Writes the labels of a batch, from the class ordinals that
 * {@link io.github.balancedbatch.sampler.BatchCursor#next(int[], int[])} returns: as label values
 * into an {@code IntBuffer}, as one-hot rows ("categorical") into a {@code FloatBuffer}, or, for
 * multi-label data, as multi-hot rows of every label each entry's sample holds.
 * Allocates nothing; stateless and thread-safe.
 */
public final class BatchLabels {
    private BatchLabels() {
    }

    /**
     * Puts the label value of each of {@code classes[0 .. count)} at {@code dst}'s position and
     * advances it by {@code count}.
     */
    public static void values(ClassIndex index, int[] classes, int count, IntBuffer dst) {
        Objects.checkFromIndexSize(0, count, classes.length);
        if (dst.remaining() < count) {
            throw NoRoomException.values(count, "ints", dst.remaining());
        }
        int at = dst.position();
        for (int i = 0; i < count; i++) {
            dst.put(at + i, index.label(classes[i]));
        }
        dst.position(at + count);
    }

    /**
     * Puts one one-hot row of {@code width} floats (1 at the class ordinal, 0 elsewhere) for each of
     * {@code classes[0 .. count)} at {@code dst}'s position and advances it by
     * {@code count * width}. {@code width} is the number of classes (for one-hot input, the input's
     * width: empty classes keep their column).
     */
    public static void oneHot(int[] classes, int count, int width, FloatBuffer dst) {
        Objects.checkFromIndexSize(0, count, classes.length);
        if ((long) count * width > dst.remaining()) {
            throw NoRoomException.values((long) count * width, "floats", dst.remaining());
        }
        int at = dst.position();
        for (int i = 0; i < count; i++) {
            int c = Objects.checkIndex(classes[i], width);
            for (int j = 0; j < width; j++) {
                dst.put(at + j, j == c ? 1f : 0f);
            }
            at += width;
        }
        dst.position(at);
    }

    /**
     * Puts one multi-hot row of {@code index.classCount()} floats for each of {@code rows[0 .. count)}
     * at {@code dst}'s position and advances it by {@code count * classCount}: 1 at the ordinal of
     * every class the sample {@code rows[i]} belongs to ({@link ClassIndex#labelOrdinal}), 0
     * elsewhere. For single-label data this is the one-hot row of the sample's class; for a
     * multi-label index the row holds every label of the sample, not only the class it was drawn for.
     */
    public static void multiHot(ClassIndex index, int[] rows, int count, FloatBuffer dst) {
        Objects.checkFromIndexSize(0, count, rows.length);
        int width = index.classCount();
        if ((long) count * width > dst.remaining()) {
            throw NoRoomException.values((long) count * width, "floats", dst.remaining());
        }
        int at = dst.position();
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < width; j++) {
                dst.put(at + j, 0f);
            }
            int row = rows[i];
            int n = index.labelCount(row);
            for (int j = 0; j < n; j++) {
                dst.put(at + index.labelOrdinal(row, j), 1f);
            }
            at += width;
        }
        dst.position(at);
    }
}
