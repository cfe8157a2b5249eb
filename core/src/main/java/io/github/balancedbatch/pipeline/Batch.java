package io.github.balancedbatch.pipeline;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * One slot of a {@link BatchPipeline}: a batch's row indices, class ordinals, label values, optional
 * one-hot labels and the gathered rows of every feature source, all preallocated and reused.
 *
 * <p>Everything a batch hands out is valid from {@link BatchPipeline#take()} until the batch is
 * {@linkplain #close() handed back}; after that the pipeline refills the slot. Handing back allocates
 * nothing. Use a batch from one thread at a time.
 */
public final class Batch implements AutoCloseable {
    private final BatchPipeline owner;
    final int slot;
    final int[] rows;
    final int[] classes;
    final IntBuffer labels;
    final FloatBuffer oneHot;
    final FloatBuffer[] features;
    private final IntBuffer labelsView;
    private final FloatBuffer oneHotView;
    private final FloatBuffer[] featureViews;
    long sequence;
    int epoch;
    int batch;
    /** Written and read by the consumer side only (take and close). */
    boolean taken;

    Batch(BatchPipeline owner, int slot, int size, FeatureMatrix[] sources, int oneHotWidth) {
        this.owner = owner;
        this.slot = slot;
        this.rows = new int[size];
        this.classes = new int[size];
        this.labels = BatchBuffers.ints(size);
        this.labelsView = labels.duplicate();
        this.oneHot = oneHotWidth > 0 ? BatchBuffers.floats(Math.multiplyExact(size, oneHotWidth)) : null;
        this.oneHotView = oneHot == null ? null : oneHot.duplicate();
        this.features = new FloatBuffer[sources.length];
        this.featureViews = new FloatBuffer[sources.length];
        for (int i = 0; i < sources.length; i++) {
            features[i] = BatchBuffers.floats(Math.multiplyExact(size, sources[i].width()));
            featureViews[i] = features[i].duplicate();
        }
    }

    /** Position of this batch in the pipeline's stream, counting from 0 at the pipeline's start. */
    public long sequence() {
        return sequence;
    }

    /** Epoch of this batch. */
    public int epoch() {
        return epoch;
    }

    /** Index of this batch within its epoch. */
    public int batch() {
        return batch;
    }

    /** The P*K row indices (the slot's own array: read it, do not keep it past {@link #close()}). */
    public int[] rows() {
        return rows;
    }

    /** The class ordinal of each entry (see {@link io.github.balancedbatch.sampler.ClassIndex#label}). */
    public int[] classes() {
        return classes;
    }

    /** Label values of the entries: a direct buffer from position 0 to limit P*K. */
    public IntBuffer labels() {
        return labelsView.clear();
    }

    /**
     * One-hot labels, P*K rows as wide as the number of classes: a direct buffer from 0 to its limit.
     *
     * @throws IllegalStateException if the pipeline was built without one-hot labels
     */
    public FloatBuffer oneHot() {
        if (oneHotView == null) {
            throw new IllegalStateException("the pipeline was built without oneHot(true)");
        }
        return oneHotView.clear();
    }

    /** Gathered rows of feature source {@code source} (in builder order): P*K rows, direct, native order. */
    public FloatBuffer features(int source) {
        return featureViews[source].clear();
    }

    /**
     * Hands the slot back to the pipeline so that it can be refilled. A second call before the slot
     * is taken again does nothing; after that, this object is the slot's new batch, so never keep or
     * close a batch after handing it back.
     */
    @Override
    public void close() {
        owner.release(this);
    }
}
