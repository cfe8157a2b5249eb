package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The multi-label factories of {@link ClassIndex}, their errors, and one pinned example. */
class MultiLabelIndexTest {
    /** Samples 0: {1, 2}, 1: {1}, 2: {2, 3}, 3: {3}, 4: {1, 3}, 5: {2}, 6: {1, 2, 3}, 7: {3}. */
    private static final int[] OFFSETS = {0, 2, 3, 5, 6, 8, 9, 12, 13};
    private static final int[] LABELS = {1, 2, 1, 2, 3, 3, 1, 3, 2, 1, 2, 3, 3};

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    private static int[] row(ClassIndex index, int c) {
        int[] out = new int[index.size(c)];
        for (int i = 0; i < out.length; i++) {
            out[i] = index.row(c, i);
        }
        return out;
    }

    private static int[] labelsOf(ClassIndex index, int row) {
        int[] out = new int[index.labelCount(row)];
        for (int j = 0; j < out.length; j++) {
            out[j] = index.labelOrdinal(row, j);
        }
        return out;
    }

    @Test
    void groupsEveryMembershipByClass() {
        ClassIndex index = ClassIndex.ofMultiLabel(new int[] {0, 2, 3, 6}, new int[] {1_000_000, -5, -5, 7, -5, 7});
        assertTrue(index.multiLabel());
        assertEquals(3, index.sampleCount());
        assertEquals(5, index.membershipCount()); // sample 2 holds 7 twice: it counts once
        assertEquals(3, index.classCount());
        assertArrayEquals(new int[] {-5, 7, 1_000_000}, new int[] {index.label(0), index.label(1), index.label(2)});
        assertArrayEquals(new int[] {0, 1, 2}, row(index, 0));
        assertArrayEquals(new int[] {2}, row(index, 1));
        assertArrayEquals(new int[] {0}, row(index, 2));
        assertArrayEquals(new int[] {0, 2}, labelsOf(index, 0));
        assertArrayEquals(new int[] {0}, labelsOf(index, 1));
        assertArrayEquals(new int[] {0, 1}, labelsOf(index, 2));
        assertEquals(4L * (5 + 4 + 3 + 3 + 5 + 4), index.heapBytes());
    }

    @Test
    void multiHotColumnsKeepEmptyClasses() {
        ClassIndex index = ClassIndex.ofMultiHot(new int[] {0, 2, 3}, new int[] {4, 1, 4}, 6);
        assertTrue(index.multiLabel());
        assertEquals(6, index.classCount());
        assertEquals(2, index.activeClassCount());
        assertEquals(2, index.sampleCount());
        assertEquals(3, index.membershipCount());
        assertArrayEquals(new int[] {1, 4}, labelsOf(index, 0));
        assertArrayEquals(new int[] {0, 1}, row(index, 4));
        assertEquals(5, index.label(5));
        assertEquals(0, index.size(5));
    }

    @Test
    void oneLabelPerSampleIsStillMultiLabelAndSingleLabelReportsItsClass() {
        ClassIndex multi = ClassIndex.ofMultiLabel(new int[] {0, 1, 2}, new int[] {3, 9});
        assertTrue(multi.multiLabel());
        assertEquals(2, multi.membershipCount());
        ClassIndex single = ClassIndex.of(new int[] {9, 3, 9});
        assertFalse(single.multiLabel());
        assertEquals(3, single.membershipCount());
        assertEquals(1, single.labelCount(0));
        assertArrayEquals(new int[] {1, 0, 1}, new int[] {single.labelOrdinal(0, 0), single.labelOrdinal(1, 0),
                single.labelOrdinal(2, 0)});
        assertThrows(IndexOutOfBoundsException.class, () -> single.labelOrdinal(0, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> multi.labelCount(2));
    }

    @Test
    void refusesBadInputNamingTheRow() {
        assertEquals("labels are empty: at least one sample is needed",
                message(() -> ClassIndex.ofMultiLabel(new int[] {0}, new int[0])));
        assertEquals("labels are empty: at least one sample is needed",
                message(() -> ClassIndex.ofMultiHot(new int[0], new int[0], 3)));
        assertEquals("row 1 holds no label: every sample needs at least one",
                message(() -> ClassIndex.ofMultiLabel(new int[] {0, 1, 1, 2}, new int[] {4, 5})));
        assertEquals("row 0 holds no label: every sample needs at least one",
                message(() -> ClassIndex.ofMultiHot(new int[] {0, 0, 1}, new int[] {2}, 3)));
        assertEquals("sampleOffsets[0] must be 0, got 1",
                message(() -> ClassIndex.ofMultiLabel(new int[] {1, 2}, new int[] {4, 5})));
        assertEquals("sampleOffsets must be non-decreasing: sampleOffsets[2] = 1 < sampleOffsets[1] = 2",
                message(() -> ClassIndex.ofMultiLabel(new int[] {0, 2, 1, 3}, new int[] {4, 5, 6})));
        assertEquals("sampleOffsets ends at 2 but there are 3 labels: the last offset must be the number of labels",
                message(() -> ClassIndex.ofMultiLabel(new int[] {0, 1, 2}, new int[] {4, 5, 6})));
        assertEquals("row 1: column 3 is outside the multi-hot width 3",
                message(() -> ClassIndex.ofMultiHot(new int[] {0, 1, 3}, new int[] {0, 1, 3}, 3)));
        assertEquals("row 0: column -1 is outside the multi-hot width 3",
                message(() -> ClassIndex.ofMultiHot(new int[] {0, 1}, new int[] {-1}, 3)));
        assertEquals("one-hot width must be positive, got 0",
                message(() -> ClassIndex.ofMultiHot(new int[] {0, 1}, new int[] {0}, 0)));
    }

    @Test
    void categoriesRefuseMultiLabelData() {
        ClassIndex index = ClassIndex.ofMultiLabel(OFFSETS, LABELS);
        assertEquals("categories cannot be combined with multi-label data (8 samples hold 13 labels): a category per"
                        + " sample does not say which category each of a sample's labels is in",
                message(() -> CategoryIndex.of(index, new int[8])));
        ClassIndex oneEach = ClassIndex.ofMultiHot(new int[] {0, 1, 2, 3, 4}, new int[] {0, 1, 0, 1}, 2);
        assertEquals("categories cannot be combined with multi-label data (4 samples hold 4 labels): a category per"
                        + " sample does not say which category each of a sample's labels is in",
                message(() -> CategoryIndex.of(oneEach, new int[4])));
    }

    @Test
    void defaultEpochCoversEveryMembership() {
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.ofMultiLabel(OFFSETS, LABELS))
                .classesPerBatch(2).samplesPerClass(2).seed(7).build();
        assertEquals(4, s.batchesPerEpoch()); // ceil(13 / 4), not ceil(8 / 4)
        assertEquals(2, BalancedBatchSampler.builder(ClassIndex.ofMultiLabel(OFFSETS, LABELS)).classesPerBatch(1)
                .samplesPerClass(3).shard(1, 3).build().batchesPerEpoch()); // ceil(13 / 9)
    }

    /**
     * Pinned batches (rows, then anchor ordinals: 0, 1, 2 = labels 1, 2, 3). In batch 2, label 1 has
     * 0 and 6 left in its pass but 6 is already in the batch for label 2: it takes 0, then 1 from its
     * next pass, and that pass starts without 6 having been drawn for label 1.
     */
    @Test
    void pinnedExample() {
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.ofMultiLabel(OFFSETS, LABELS))
                .classesPerBatch(2).samplesPerClass(2).seed(7).build();
        int[][] rows = {{0, 5, 6, 2}, {1, 4, 7, 3}, {2, 6, 0, 1}, {4, 3, 5, 0}, {0, 6, 3, 7}, {5, 0, 4, 6}};
        int[][] anchors = {{1, 1, 2, 2}, {0, 0, 2, 2}, {1, 1, 0, 0}, {2, 2, 1, 1}, {0, 0, 2, 2}, {1, 1, 2, 2}};
        BatchCursor cursor = s.cursor(0, 0);
        int[] r = new int[4];
        int[] a = new int[4];
        for (int b = 0; b < rows.length; b++) {
            cursor.next(r, a);
            assertArrayEquals(rows[b], r, "batch " + b);
            assertArrayEquals(anchors[b], a, "batch " + b);
        }
    }

    @Test
    void multiHotGivesTheSameBatchesAsLabelValues() {
        int[] columns = new int[LABELS.length];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = LABELS[i] - 1;
        }
        BatchCursor byValue = BalancedBatchSampler.builder(ClassIndex.ofMultiLabel(OFFSETS, LABELS))
                .classesPerBatch(2).samplesPerClass(3).seed(11).build().cursor(0, 0);
        BatchCursor byColumn = BalancedBatchSampler.builder(ClassIndex.ofMultiHot(OFFSETS, columns, 3))
                .classesPerBatch(2).samplesPerClass(3).seed(11).build().cursor(0, 0);
        int[] x = new int[6];
        int[] y = new int[6];
        for (int b = 0; b < 20; b++) {
            byValue.next(x);
            byColumn.next(y);
            assertArrayEquals(x, y);
        }
    }

    @Test
    void aBatchAllocatesNothing() {
        int n = 20_000;
        int[] offsets = new int[n + 1];
        int[] labels = new int[2 * n];
        int m = 0;
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            labels[m++] = r.nextInt(200);
            if (r.nextBoolean()) {
                labels[m++] = r.nextInt(200);
            }
            offsets[i + 1] = m;
        }
        BatchCursor cursor = BalancedBatchSampler.builder(ClassIndex.ofMultiLabel(offsets, java.util.Arrays.copyOf(labels, m)))
                .classesPerBatch(32).samplesPerClass(8).shard(1, 2).seed(5).build().cursor(0, 0);
        int[] rows = new int[cursor.sampler().batchSize()];
        int[] classes = new int[rows.length];
        for (int b = 0; b < 2_000; b++) { // warm up, and cross an epoch boundary
            cursor.next(rows, classes);
        }
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
                .getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = bean.getThreadAllocatedBytes(id);
        for (int b = 0; b < 200; b++) {
            cursor.next(rows, classes);
        }
        long allocated = bean.getThreadAllocatedBytes(id) - before;
        assertTrue(allocated < 200 * 8, () -> allocated + " bytes allocated by 200 batches");
    }
}
