package io.github.balancedbatch.data;

import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.Objects;

/**
 * Writes the labels of a batch, from the class ordinals that
 * {@link io.github.balancedbatch.sampler.BatchCursor#next(int[], int[])} returns: as label values
 * into an {@code IntBuffer}, or as one-hot rows ("categorical") into a {@code FloatBuffer}.
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
}
