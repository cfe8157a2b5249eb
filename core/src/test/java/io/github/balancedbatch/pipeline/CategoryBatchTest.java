package io.github.balancedbatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A category-balanced sampler's batches carry each entry's category ordinal next to its class. */
class CategoryBatchTest {
    @AfterEach
    void noThreadLeftRunning() {
        assertEquals(0, PipelineStressTest.pipelineThreads(), "pipeline threads still running");
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 3})
    void categoriesFollowTheClassesOfEveryEntry(int prefetch) throws InterruptedException {
        int[] labels = BatchPipelineTest.LABELS;
        int[] categories = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            categories[i] = 1000 - labels[i] % 9 * 10; // 9 categories, in reverse order of value
        }
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(labels)).categories(categories)
                .categoriesPerBatch(3).classesPerBatch(6).samplesPerClass(2).mix(true).seed(4).build();
        BatchCursor cursor = s.cursor(0, 0);
        int[] rows = new int[s.batchSize()];
        int[] expected = new int[s.batchSize()];
        try (BatchPipeline p = BatchPipeline.builder(s).features(BatchPipelineTest.FEATURES).prefetch(prefetch).build()) {
            for (int b = 0; b < 2 * s.batchesPerEpoch(); b++) {
                cursor.next(rows);
                for (int i = 0; i < rows.length; i++) {
                    expected[i] = s.categories().ordinalOf(categories[rows[i]]);
                }
                try (Batch batch = p.take()) {
                    assertArrayEquals(rows, batch.rows());
                    int[] got = new int[rows.length];
                    batch.categories().get(got);
                    assertArrayEquals(expected, got, "batch " + b);
                    IntBuffer bytes = batch.categoryBytes().order(ByteOrder.nativeOrder()).asIntBuffer();
                    assertEquals(expected[rows.length - 1], bytes.get(rows.length - 1));
                    assertEquals(s.batchSize() * Integer.BYTES, batch.categoryBytes().remaining());
                }
            }
        }
        try (BatchPipeline p = BatchPipeline.builder(BatchPipelineTest.sampler(1)).prefetch(prefetch).build();
                Batch batch = p.take()) {
            assertEquals("the sampler has no categories", assertThrows(IllegalStateException.class, batch::categories)
                    .getMessage());
            assertEquals("the sampler has no categories", assertThrows(IllegalStateException.class, batch::categoryBytes)
                    .getMessage());
        }
    }
}
