package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.dataset.Batch;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Category-balanced batches through the DJL dataset: the category ordinals as a second label NDArray. */
class CategoryDatasetTest extends DatasetEngineTest {
    /** Classes -5, 7, 40 in category 30; 41, 1000 in category 10; 1000000 and 3 in category 20. */
    private static int category(int label) {
        return label == -5 || label == 7 || label == 40 ? 30 : label == 41 || label == 1000 ? 10 : 20;
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 2})
    void categoryLabelsFollowTheClassLabels(int prefetch) {
        int[] labels = Fixtures.labels();
        int[] categories = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            categories[i] = category(labels[i]);
        }
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(ClassIndex.of(labels)).categories(categories)
                .categoriesPerBatch(2).classesPerBatch(4).samplesPerClass(3).seed(9).build();
        FeatureMatrix x = Fixtures.features(0, 2);
        List<List<Long>> expected = Fixtures.cursorBatches(sampler, 0, 0, sampler.batchesPerEpoch());
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(x).categoryLabels(true).prefetch(prefetch)
                .build()) {
            int b = 0;
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    assertEquals(expected.get(b++), batch.getIndices());
                    NDList y = batch.getLabels();
                    assertEquals(2, y.size());
                    NDArray classes = y.get(0);
                    NDArray groups = y.get(1);
                    assertEquals(DataType.INT32, groups.getDataType());
                    int[] wantClasses = new int[12];
                    int[] wantGroups = new int[12];
                    for (int i = 0; i < 12; i++) {
                        int row = ((Long) batch.getIndices().get(i)).intValue();
                        wantClasses[i] = sampler.classes().ordinalOf(labels[row]);
                        wantGroups[i] = sampler.categories().ordinalOf(category(labels[row])); // 10 -> 0, 20 -> 1, 30 -> 2
                    }
                    assertArrayEquals(wantClasses, classes.toIntArray());
                    assertArrayEquals(wantGroups, groups.toIntArray());
                }
            }
            assertEquals(sampler.batchesPerEpoch(), b);
        }
        assertEquals("categoryLabels(true) needs a sampler with categories (BalancedBatchSampler.Builder.categories and"
                + " categoriesPerBatch)", assertThrows(IllegalArgumentException.class,
                        () -> BalancedDataset.builder(Fixtures.sampler(1)).categoryLabels(true)).getMessage());
    }
}
