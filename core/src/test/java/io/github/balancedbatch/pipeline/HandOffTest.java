package io.github.balancedbatch.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.junit.jupiter.api.Test;

/**
 * The hand-offs between the pipeline's threads, checked by content: the consumer reads every value
 * of every batch (rows, labels, every feature float) against what the sampler and the data say, then
 * scribbles over the slot before handing it back. A gathering thread that published a batch before
 * all its rows were written, a sampler that refilled a slot the consumer still held, or a consumer
 * that read a slot before its gathering thread's writes were visible would each show a wrong value
 * (the scribble makes a stale slot look wrong too). On x86 only the compiler can reorder these
 * accesses, so this is a net for broken code, not a proof of the memory model (see the ordering
 * comments in {@link BatchPipeline}).
 */
class HandOffTest {
    @Test
    void everyValueOfEveryBatchArrivesWhole() throws InterruptedException {
        BalancedBatchSampler s = BatchPipelineTest.sampler(77);
        int d = BatchPipelineTest.D;
        int[] labels = BatchPipelineTest.LABELS;
        for (int[] config : new int[][] {{1, 1}, {2, 2}, {3, 1}, {4, 3}}) {
            BatchCursor expected = s.cursor(0, 0);
            int[] rows = new int[s.batchSize()];
            try (BatchPipeline p = BatchPipeline.builder(s).features(BatchPipelineTest.FEATURES)
                    .prefetch(config[0]).threads(config[1]).build()) {
                for (int i = 0; i < 5_000; i++) {
                    expected.next(rows);
                    try (Batch b = p.take()) {
                        int[] got = b.rows();
                        IntBuffer l = b.labels();
                        FloatBuffer f = b.features(0);
                        for (int r = 0; r < rows.length; r++) {
                            if (got[r] != rows[r] || l.get(r) != labels[rows[r]]) {
                                assertEquals(rows[r], got[r], "row " + r + " of batch " + i + ", " + config[0] + " slots");
                                assertEquals(labels[rows[r]], l.get(r), "label " + r + " of batch " + i);
                            }
                            for (int j = 0; j < d; j++) {
                                float want = rows[r] + j / 10f;
                                if (f.get(r * d + j) != want) {
                                    assertEquals(want, f.get(r * d + j), "feature " + j + " of row " + r + " of batch " + i
                                            + ", " + config[0] + " slots, " + config[1] + " threads");
                                }
                            }
                        }
                        for (int k = 0; k < f.limit(); k++) {
                            f.put(k, Float.NaN); // a slot that comes back unfilled now looks wrong
                        }
                        java.util.Arrays.fill(got, -1);
                    }
                }
            }
        }
    }
}
