package io.github.balancedbatch.djl;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/** Small long-tailed labels, aligned feature matrices and the cursor's batches to compare with. */
final class Fixtures {
    static final int N = 230;

    private Fixtures() {}

    /** Labels with sparse values and a long tail (one class has 3 samples). */
    static int[] labels() {
        int[] values = {-5, 7, 40, 41, 1000, 1_000_000, 3};
        int[] sizes = {80, 50, 40, 25, 20, 12, 3};
        int[] labels = new int[N];
        int at = 0;
        for (int c = 0; c < values.length; c++) {
            for (int i = 0; i < sizes[c]; i++) {
                labels[at++] = values[c];
            }
        }
        // interleave deterministically so that classes are not contiguous rows
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = N; i > 1; i--) {
            int j = rng.nextInt(i);
            int t = labels[i - 1];
            labels[i - 1] = labels[j];
            labels[j] = t;
        }
        return labels;
    }

    static BalancedBatchSampler sampler(long seed) {
        return BalancedBatchSampler.builder(ClassIndex.of(labels()))
                .classesPerBatch(3).samplesPerClass(4).seed(seed).build();
    }

    /** N rows of shape {@code shape}, every value distinct. */
    static FeatureMatrix features(int offset, int... shape) {
        int d = 1;
        for (int s : shape) {
            d *= s;
        }
        float[] data = new float[N * d];
        for (int i = 0; i < data.length; i++) {
            data[i] = offset + i * 0.5f;
        }
        return FeatureMatrix.copyOf(data, N, shape);
    }

    /** The cursor's batches from (epoch, batch) on, as long lists. */
    static List<List<Long>> cursorBatches(BalancedBatchSampler sampler, int epoch, int batch, int count) {
        BatchCursor cursor = sampler.cursor(epoch, batch);
        int[] rows = new int[sampler.batchSize()];
        List<List<Long>> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            cursor.next(rows);
            List<Long> l = new ArrayList<>();
            for (int r : rows) {
                l.add((long) r);
            }
            out.add(l);
        }
        return out;
    }

    /** Live threads of the pipeline (they are all named balanced-batch-*). */
    static Set<String> pipelineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> n.startsWith("balanced-batch-"))
                .collect(Collectors.toSet());
    }
}
