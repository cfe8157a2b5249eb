package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Multi-label batches through the DJL dataset: the anchors as labels, the multi-hot rows as an option. */
class MultiLabelDatasetTest extends DatasetEngineTest {
    /**
     * The fixture's labels, and for every third sample a second label: the next value of the seven
     * in ascending order (3 -> 7, ..., 1000000 -> -5).
     */
    static ClassIndex multiLabels() {
        int[] labels = Fixtures.labels();
        int[] values = {-5, 3, 7, 40, 41, 1000, 1_000_000};
        int[] offsets = new int[labels.length + 1];
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            all.add(labels[i]);
            if (i % 3 == 0) {
                int at = java.util.Arrays.binarySearch(values, labels[i]);
                all.add(values[(at + 1) % values.length]);
            }
            offsets[i + 1] = all.size();
        }
        return ClassIndex.ofMultiLabel(offsets, all.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The cursor's batches of one epoch: rows and anchor classes, batch after batch. */
    private static int[][] cursor(BalancedBatchSampler sampler, boolean wantClasses) {
        BatchCursor cursor = sampler.cursor(0, 0);
        int[][] out = new int[sampler.batchesPerEpoch()][sampler.batchSize()];
        int[] rows = new int[sampler.batchSize()];
        int[] classes = new int[sampler.batchSize()];
        for (int b = 0; b < out.length; b++) {
            cursor.next(rows, classes);
            System.arraycopy(wantClasses ? classes : rows, 0, out[b], 0, rows.length);
        }
        return out;
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 2})
    void anchorsAndMultiHotRowsFollowTheCursor(int prefetch) {
        ClassIndex index = multiLabels();
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(index).classesPerBatch(3).samplesPerClass(4).seed(5)
                .build();
        int[][] rows = cursor(sampler, false);
        int[][] anchors = cursor(sampler, true);
        int size = sampler.batchSize();
        int width = index.classCount();
        FeatureMatrix x = Fixtures.features(0, 2);
        for (boolean values : new boolean[] {false, true}) {
            try (BalancedDataset data = BalancedDataset.builder(sampler).features(x).multiHot(true).labelValues(values)
                    .prefetch(prefetch).build()) {
                int b = 0;
                int shared = 0;
                for (Batch batch : data.getData(manager)) {
                    try (batch) {
                        int[] want = anchors[b];
                        NDList y = batch.getLabels();
                        assertEquals(2, y.size());
                        NDArray anchor = y.get(0);
                        NDArray hot = y.get(1);
                        assertEquals(DataType.INT32, anchor.getDataType());
                        assertEquals(DataType.FLOAT32, hot.getDataType());
                        assertEquals(new Shape(size, width), hot.getShape());
                        int[] wantLabels = new int[size];
                        float[] wantHot = new float[size * width];
                        for (int i = 0; i < size; i++) {
                            int row = rows[b][i];
                            assertEquals((long) row, batch.getIndices().get(i));
                            wantLabels[i] = values ? index.label(want[i]) : want[i];
                            for (int j = 0; j < index.labelCount(row); j++) {
                                wantHot[i * width + index.labelOrdinal(row, j)] = 1f;
                            }
                            assertEquals(1f, wantHot[i * width + want[i]], "the sample holds its anchor");
                            shared += index.labelCount(row) > 1 ? 1 : 0;
                        }
                        assertArrayEquals(wantLabels, anchor.toIntArray());
                        assertArrayEquals(wantHot, hot.toFloatArray());
                        b++;
                    }
                }
                assertEquals(sampler.batchesPerEpoch(), b);
                assertTrue(shared > 0, "some entries hold two labels");
            }
        }
    }

    @Test
    void oneHotOverAMultiLabelIndexGivesTheMultiHotRowsInPlaceOfTheAnchors() {
        ClassIndex index = multiLabels();
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(index).classesPerBatch(2).samplesPerClass(3).seed(1)
                .build();
        int[][] rows = cursor(sampler, false);
        int width = index.classCount();
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 1)).oneHot(true)
                .prefetch(0).build()) {
            int b = 0;
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    NDList y = batch.getLabels();
                    assertEquals(1, y.size());
                    float[] want = new float[rows[b].length * width];
                    for (int i = 0; i < rows[b].length; i++) {
                        for (int j = 0; j < index.labelCount(rows[b][i]); j++) {
                            want[i * width + index.labelOrdinal(rows[b][i], j)] = 1f;
                        }
                    }
                    assertArrayEquals(want, y.get(0).toFloatArray());
                    b++;
                }
            }
            assertEquals(sampler.batchesPerEpoch(), b);
        }
    }

    @Test
    void multiHotNeedsAMultiLabelIndexAndExcludesOneHot() {
        assertEquals("multiHot(true) needs a multi-label index (ClassIndex.ofMultiLabel or ofMultiHot); oneHot(true) gives"
                + " one-hot rows of single labels", assertThrows(IllegalArgumentException.class,
                        () -> BalancedDataset.builder(Fixtures.sampler(1)).multiHot(true)).getMessage());
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(multiLabels()).classesPerBatch(2).samplesPerClass(3)
                .seed(1).build();
        assertThrows(IllegalStateException.class, () -> BalancedDataset.builder(sampler).features(Fixtures.features(0, 1))
                .multiHot(true).oneHot(true).build());
    }
}
