package io.github.balancedbatch.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;

class BatchLabelsTest {
    @Test
    void writesLabelValuesAndOneHotRows() {
        ClassIndex index = ClassIndex.of(new int[] {1_000_000, -5, 7, 7});
        IntBuffer values = IntBuffer.allocate(5);
        values.position(1);
        BatchLabels.values(index, new int[] {2, 0, 1, 9}, 3, values);
        assertArrayEquals(new int[] {0, 1_000_000, -5, 7, 0}, values.array());
        assertEquals(4, values.position());

        FloatBuffer hot = FloatBuffer.allocate(8);
        BatchLabels.oneHot(new int[] {3, 1}, 2, 4, hot);
        assertArrayEquals(new float[] {0, 0, 0, 1, 0, 1, 0, 0}, hot.array());
        assertEquals(8, hot.position());
        assertThrows(IndexOutOfBoundsException.class, () -> BatchLabels.oneHot(new int[] {4}, 1, 4, FloatBuffer.allocate(4)));
        assertThrows(java.nio.BufferOverflowException.class, () -> BatchLabels.oneHot(new int[] {1}, 1, 4, FloatBuffer.allocate(3)));
    }
}
