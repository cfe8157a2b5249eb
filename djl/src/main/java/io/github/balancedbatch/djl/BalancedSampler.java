package io.github.balancedbatch.djl;

import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Sampler;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A DJL {@link Sampler} that deals class-balanced P x K batches of indices to any
 * {@link RandomAccessDataset} (image folders, {@code ArrayDataset}, ...), for datasets that build
 * their own batches record by record.
 *
 * <pre>{@code
 * ArrayDataset data = new ArrayDataset.Builder().setData(x).optLabels(y)
 *         .setSampling(new BalancedSampler(sampler)).build();
 * }</pre>
 *
 * <p>Each {@link #sample} call yields the next epoch: exactly {@code batchesPerEpoch} lists of P*K
 * indices (fewer after {@link #seek} into an epoch), the very indices {@link BatchCursor} gives for
 * the sampler's seed. The first call yields epoch 0 unless {@link #seek} moved it. Each call allocates
 * a cursor (4 bytes per sample), and every list is a new {@code List<Long>}, as DJL's interface
 * requires; use {@link BalancedDataset} for batches without per-batch allocation. {@code sample} and
 * {@code seek} are thread-safe; each returned iterator is for one thread.
 */
public final class BalancedSampler implements Sampler {
    private final BalancedBatchSampler sampler;
    private long nextEpoch;
    private int nextBatch;

    /** Deals the batches of {@code sampler}, epoch after epoch, from epoch 0. */
    public BalancedSampler(BalancedBatchSampler sampler) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
    }

    /**
     * Makes the next {@link #sample} call yield batches {@code batch ..} of epoch {@code epoch} (a
     * resume after batch {@code batch - 1}); later calls yield the following epochs whole.
     *
     * @throws IllegalArgumentException if {@code epoch} is negative or {@code batch} is outside
     *     {@code [0, batchesPerEpoch)}
     */
    public synchronized void seek(int epoch, int batch) {
        Epochs.check(epoch, batch, sampler.batchesPerEpoch());
        this.nextEpoch = epoch;
        this.nextBatch = batch;
    }

    /**
     * The next epoch's batches of row indices.
     *
     * @throws IllegalArgumentException if the dataset's size differs from the number of labels
     */
    @Override
    public Iterator<List<Long>> sample(RandomAccessDataset dataset) {
        long size = dataset.size();
        int labels = sampler.classes().sampleCount();
        if (size != labels) {
            throw new IllegalArgumentException("the dataset has " + size + " samples but the sampler has "
                    + labels + " labels: they must be the same samples");
        }
        int epoch;
        int batch;
        synchronized (this) {
            epoch = Epochs.take(nextEpoch);
            batch = nextBatch;
            nextEpoch = epoch + 1L;
            nextBatch = 0;
        }
        return new EpochIterator(sampler.cursor(epoch, batch), sampler.batchesPerEpoch() - batch);
    }

    /** P*K. */
    @Override
    public int getBatchSize() {
        return sampler.batchSize();
    }

    private static final class EpochIterator implements Iterator<List<Long>> {
        private final BatchCursor cursor;
        private final int[] rows;
        private int left;

        EpochIterator(BatchCursor cursor, int batches) {
            this.cursor = cursor;
            this.rows = new int[cursor.sampler().batchSize()];
            this.left = batches;
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        @Override
        public List<Long> next() {
            if (left == 0) {
                throw new NoSuchElementException("the epoch has no more batches");
            }
            left--;
            cursor.next(rows);
            Long[] boxed = new Long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                boxed[i] = (long) rows[i];
            }
            return List.of(boxed);
        }
    }
}
