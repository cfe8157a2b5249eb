package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.nio.IntBuffer;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

/** Library misuse fails loudly, at once, and changes nothing. */
class MisuseTest {
    private final BalancedBatchSampler sampler = BalancedBatchSampler.builder(ClassIndex.of(SyntheticLabels.balanced(200, 10, 3)))
            .classesPerBatch(3).samplesPerClass(2).seed(8).build();

    private int[][] expected(int count) {
        BatchCursor c = sampler.cursor(0, 0);
        int[][] out = new int[count][sampler.batchSize()];
        for (int[] b : out) {
            c.next(b);
        }
        return out;
    }

    @Test
    void everyFailedNextLeavesTheCursorUnchanged() {
        int[][] expected = expected(2);
        BatchCursor c = sampler.cursor(0, 0);
        IntBuffer readOnly = IntBuffer.allocate(sampler.batchSize()).asReadOnlyBuffer();
        assertThrows(ReadOnlyBufferException.class, () -> c.next(readOnly));
        assertThrows(java.nio.BufferOverflowException.class, () -> c.next(IntBuffer.allocate(sampler.batchSize() - 1)));
        assertThrows(IndexOutOfBoundsException.class, () -> c.next(new int[sampler.batchSize() - 1]));
        assertThrows(IndexOutOfBoundsException.class, () -> c.next(new int[sampler.batchSize()], new int[1]));
        assertEquals(0, c.batch());
        IntBuffer dst = IntBuffer.allocate(sampler.batchSize());
        c.next(dst);
        assertArrayEquals(expected[0], dst.array(), "no batch was lost");
        int[] second = new int[sampler.batchSize()];
        c.next(second);
        assertArrayEquals(expected[1], second);
    }

    @Test
    void aNegativeParameterIsNamedNotCalledMissing() {
        ClassIndex index = ClassIndex.of(SyntheticLabels.balanced(200, 10, 3));
        assertEquals("classesPerBatch must be at least 1, got -1", assertThrows(IllegalArgumentException.class,
                () -> BalancedBatchSampler.builder(index).classesPerBatch(-1).samplesPerClass(2).build()).getMessage());
        assertEquals("samplesPerClass must be at least 1, got -1", assertThrows(IllegalArgumentException.class,
                () -> BalancedBatchSampler.builder(index).classesPerBatch(2).samplesPerClass(-1).build()).getMessage());
        assertEquals("samplesPerClass is required", assertThrows(IllegalArgumentException.class,
                () -> BalancedBatchSampler.builder(index).classesPerBatch(2).build()).getMessage());
    }

    @Test
    void aOneHotWidthBeyondTheLargestArrayIsAnIllegalArgument() {
        assertEquals("one-hot width 2147483647 is more than the 2147483638 classes an index holds",
                assertThrows(IllegalArgumentException.class, () -> ClassIndex.ofColumns(new int[] {0}, Integer.MAX_VALUE))
                        .getMessage());
        assertThrows(IllegalArgumentException.class, () -> ClassIndex.ofColumns(new int[] {0}, Integer.MAX_VALUE - 8));
    }
}
