package io.github.balancedbatch.examples;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Plain shuffled batches, the usual way to train: each epoch a fresh random permutation of all rows
 * cut into batches of {@code batchSize} (the last, partial one dropped). Seeded, so runs repeat;
 * DJL's own {@code RandomSampler} takes no seed.
 */
final class ShuffledSampler implements Sampler {
    private final int batchSize;
    private final long seed;
    private int epoch;

    ShuffledSampler(int batchSize, long seed) {
        this.batchSize = batchSize;
        this.seed = seed;
    }

    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        int n = Math.toIntExact(dataset.size());
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed * 1_000_003L + epoch++);
        for (int i = n; i > 1; i--) {
            int j = rng.nextInt(i);
            int t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        List<List<Long>> batches = new ArrayList<>();
        for (int from = 0; from + batchSize <= n; from += batchSize) {
            List<Long> b = new ArrayList<>(batchSize);
            for (int i = from; i < from + batchSize; i++) {
                b.add((long) order[i]);
            }
            batches.add(b);
        }
        return batches.iterator();
    }

    @Override
    public int getBatchSize() {
        return batchSize;
    }
}
