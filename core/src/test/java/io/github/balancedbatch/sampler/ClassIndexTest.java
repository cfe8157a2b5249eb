package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.synthetic.SyntheticLabels;
import org.junit.jupiter.api.Test;

class ClassIndexTest {

    @Test
    void ordersClassesByLabelValueAndKeepsDataSetOrderInside() {
        ClassIndex index = ClassIndex.of(new int[] {1_000_000, 7, -5, 7, -5, Integer.MIN_VALUE, 1_000_000, 7});
        assertEquals(4, index.classCount());
        assertEquals(4, index.activeClassCount());
        assertEquals(8, index.sampleCount());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, -5, 7, 1_000_000},
                new int[] {index.label(0), index.label(1), index.label(2), index.label(3)});
        assertArrayEquals(new int[] {1, 2, 3, 2}, new int[] {index.size(0), index.size(1), index.size(2), index.size(3)});
        assertArrayEquals(new int[] {1, 3, 7}, new int[] {index.row(2, 0), index.row(2, 1), index.row(2, 2)});
        assertEquals(2, index.ordinalOf(7));
        assertEquals(-1, index.ordinalOf(8));
    }

    @Test
    void oneHotColumnsKeepEmptyClasses() {
        ClassIndex index = ClassIndex.ofColumns(new int[] {3, 0, 3, 3}, 5);
        assertEquals(5, index.classCount());
        assertEquals(2, index.activeClassCount());
        assertEquals(0, index.size(1));
        assertEquals(3, index.size(3));
        assertEquals(4, index.label(4));
        assertArrayEquals(new int[] {0, 3}, index.activeClasses());
    }

    @Test
    void refusesEmptyAndOutOfRangeInput() {
        assertEquals("labels are empty: at least one sample is needed",
                assertThrows(IllegalArgumentException.class, () -> ClassIndex.of(new int[0])).getMessage());
        assertEquals("row 1: column 5 is outside the one-hot width 5",
                assertThrows(IllegalArgumentException.class, () -> ClassIndex.ofColumns(new int[] {0, 5}, 5)).getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> ClassIndex.of(new int[] {4}).row(0, 1));
    }

    @Test
    void heapIsFourBytesPerSampleAndAFewIntsPerClass() {
        ClassIndex index = ClassIndex.of(SyntheticLabels.zipf(10_000, 100, 2, 1));
        assertEquals(4L * (10_000 + 101 + 100 + 100), index.heapBytes());
    }

    @Test
    void syntheticZipfHasTheRequestedShape() {
        int[] labels = SyntheticLabels.zipf(200_000, 2_000, 2, 7);
        ClassIndex index = ClassIndex.of(labels);
        assertEquals(2_000, index.classCount());
        assertEquals(200_000, index.sampleCount());
        for (int c = 0; c < 2_000; c++) {
            org.junit.jupiter.api.Assertions.assertTrue(index.size(c) >= 2);
            if (c > 0) {
                org.junit.jupiter.api.Assertions.assertTrue(index.size(c) <= index.size(c - 1));
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(index.size(0) > 100 * index.size(1_999));
    }
}
