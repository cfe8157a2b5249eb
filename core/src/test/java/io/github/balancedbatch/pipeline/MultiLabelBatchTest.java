package io.github.balancedbatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.data.BatchLabels;
import java.nio.BufferOverflowException;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A multi-label index's batches: each entry's class is its anchor, its one-hot row the sample's every label. */
class MultiLabelBatchTest {
    @AfterEach
    void noThreadLeftRunning() {
        assertEquals(0, PipelineStressTest.pipelineThreads(), "pipeline threads still running");
    }

    /** The pipeline test's labels, and for every other sample a second label: its value + 1 modulo 9 classes. */
    static ClassIndex index() {
        int[] labels = BatchPipelineTest.LABELS;
        int[] offsets = new int[labels.length + 1];
        int[] all = new int[2 * labels.length];
        int m = 0;
        for (int i = 0; i < labels.length; i++) {
            all[m++] = labels[i];
            int other = (labels[i] + 1) % 9;
            if (i % 2 == 0 && other != labels[i]) {
                all[m++] = other;
            }
            offsets[i + 1] = m;
        }
        return ClassIndex.ofMultiLabel(offsets, java.util.Arrays.copyOf(all, m));
    }

    @ParameterizedTest(name = "prefetch {0}")
    @ValueSource(ints = {0, 3})
    void oneHotRowsHoldEverySampleLabel(int prefetch) throws InterruptedException {
        ClassIndex index = index();
        BalancedBatchSampler s = BalancedBatchSampler.builder(index).classesPerBatch(3).samplesPerClass(2).mix(true).seed(4)
                .build();
        int width = index.classCount();
        BatchCursor cursor = s.cursor(0, 0);
        int[] rows = new int[s.batchSize()];
        int[] classes = new int[s.batchSize()];
        int multi = 0;
        try (BatchPipeline p = BatchPipeline.builder(s).features(BatchPipelineTest.FEATURES).oneHot(true).threads(2)
                .prefetch(prefetch).build()) {
            for (int b = 0; b < 2 * s.batchesPerEpoch(); b++) {
                cursor.next(rows, classes);
                float[] expected = new float[rows.length * width];
                int[] values = new int[rows.length];
                for (int i = 0; i < rows.length; i++) {
                    for (int j = 0; j < index.labelCount(rows[i]); j++) {
                        expected[i * width + index.labelOrdinal(rows[i], j)] = 1f;
                    }
                    values[i] = index.label(classes[i]);
                    multi += index.labelCount(rows[i]) > 1 ? 1 : 0;
                }
                try (Batch batch = p.take()) {
                    assertArrayEquals(rows, batch.rows());
                    assertArrayEquals(classes, batch.classes(), "the anchors");
                    int[] got = new int[rows.length];
                    batch.labels().get(got);
                    assertArrayEquals(values, got, "the anchors' label values");
                    float[] hot = new float[rows.length * width];
                    batch.oneHot().get(hot);
                    assertArrayEquals(expected, hot, "batch " + b);
                    assertEquals(hot.length * Float.BYTES, batch.oneHotBytes().remaining());
                }
            }
        }
        assertEquals(true, multi > 0, "some entries hold two labels");
    }

    @Test
    void multiHotOfSingleLabelDataIsOneHot() {
        ClassIndex index = ClassIndex.of(new int[] {5, 7, 5, 9});
        FloatBuffer a = FloatBuffer.allocate(12);
        FloatBuffer b = FloatBuffer.allocate(12);
        int[] rows = {3, 0, 1, 2};
        int[] classes = {2, 0, 1, 0};
        BatchLabels.multiHot(index, rows, 4, a);
        BatchLabels.oneHot(classes, 4, 3, b);
        assertEquals(12, a.position());
        assertArrayEquals(b.array(), a.array());
        assertThrows(BufferOverflowException.class, () -> BatchLabels.multiHot(index, rows, 4, FloatBuffer.allocate(11)));
    }
}
