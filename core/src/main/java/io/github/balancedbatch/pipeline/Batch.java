package io.github.balancedbatch.pipeline;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * One slot of a {@link BatchPipeline}: a batch's row indices, class ordinals, label values, optional
 * one-hot labels (multi-hot for multi-label data), category ordinals (for a category-balanced
 * sampler) and the gathered rows of every feature source, all preallocated and reused.
 *
 * <p>Every buffer lives in direct, native-order {@link ByteBuffer}s owned by the slot; the
 * {@code IntBuffer}/{@code FloatBuffer} accessors and the {@code ...Bytes()} accessors are views of
 * the same memory, so a runtime that shares a direct {@code ByteBuffer} (DJL's PyTorch engine) can
 * use a batch without copying it. Everything a batch hands out is valid from
 * {@link BatchPipeline#take()} until the batch is {@linkplain #close() handed back}; after that the
 * pipeline refills the slot. Accessors and handing back allocate nothing. Use a batch from one
 * thread at a time.
 */
public final class Batch implements AutoCloseable {
    private final SlotRing owner;
    final int slot;
    final int[] rows;
    final int[] classes;
    final IntBuffer labels;
    /** The class ordinals again, in direct memory (the array {@link #classes} is the cursor's output). */
    final IntBuffer ordinals;
    final FloatBuffer oneHot;
    /** Each entry's category ordinal, or null when the sampler has no categories. */
    final IntBuffer categories;
    final FloatBuffer[] features;
    /** Per source: the slot's memory when it receives stored bytes, else null. */
    final ByteBuffer[] stored;
    private final NpyType[] featureTypes;
    private final IntBuffer labelsView;
    private final IntBuffer ordinalsView;
    private final ByteBuffer ordinalBytes;
    private final FloatBuffer oneHotView;
    private final FloatBuffer[] featureViews;
    private final ByteBuffer labelBytes;
    private final ByteBuffer oneHotBytes;
    private final IntBuffer categoriesView;
    private final ByteBuffer categoryBytes;
    private final ByteBuffer[] featureBytes;
    long sequence;
    int epoch;
    int batch;
    /** Written and read by the consumer side only (take and close). */
    boolean taken;

    Batch(SlotRing owner, int slot, int size, FeatureMatrix[] sources, int oneHotWidth, boolean storedBytes,
            boolean categories) {
        this.owner = owner;
        this.slot = slot;
        this.rows = new int[size];
        this.classes = new int[size];
        ByteBuffer labelMemory = BatchBuffers.bytes(Math.multiplyExact(size, Integer.BYTES));
        this.labels = labelMemory.asIntBuffer();
        this.labelsView = labels.duplicate();
        this.labelBytes = view(labelMemory);
        ByteBuffer ordinalMemory = BatchBuffers.bytes(Math.multiplyExact(size, Integer.BYTES));
        this.ordinals = ordinalMemory.asIntBuffer();
        this.ordinalsView = ordinals.duplicate();
        this.ordinalBytes = view(ordinalMemory);
        ByteBuffer oneHotMemory = oneHotWidth > 0
                ? BatchBuffers.bytes(Math.multiplyExact(Math.multiplyExact(size, oneHotWidth), Float.BYTES))
                : null;
        this.oneHot = oneHotMemory == null ? null : oneHotMemory.asFloatBuffer();
        this.oneHotView = oneHot == null ? null : oneHot.duplicate();
        this.oneHotBytes = oneHotMemory == null ? null : view(oneHotMemory);
        ByteBuffer categoryMemory = categories ? BatchBuffers.bytes(Math.multiplyExact(size, Integer.BYTES)) : null;
        this.categories = categoryMemory == null ? null : categoryMemory.asIntBuffer();
        this.categoriesView = categoryMemory == null ? null : this.categories.duplicate();
        this.categoryBytes = categoryMemory == null ? null : view(categoryMemory);
        this.features = new FloatBuffer[sources.length];
        this.featureViews = new FloatBuffer[sources.length];
        this.featureBytes = new ByteBuffer[sources.length];
        this.stored = new ByteBuffer[sources.length];
        this.featureTypes = new NpyType[sources.length];
        for (int i = 0; i < sources.length; i++) {
            NpyType type = storedBytes ? sources[i].type() : NpyType.FLOAT32;
            ByteBuffer memory = BatchBuffers.bytes(
                    Math.multiplyExact(Math.multiplyExact(size, sources[i].width()), type.size()));
            featureTypes[i] = type;
            if (type == NpyType.FLOAT32) {
                features[i] = memory.asFloatBuffer();
                featureViews[i] = features[i].duplicate();
            }
            if (storedBytes) {
                stored[i] = view(memory);
            }
            featureBytes[i] = view(memory);
        }
    }

    /** A second view of {@code memory} (a duplicate comes back big-endian: restore native order). */
    private static ByteBuffer view(ByteBuffer memory) {
        return memory.duplicate().order(ByteOrder.nativeOrder());
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

    /**
     * The class ordinal of each entry (0 to C-1 in ascending label order, the values of
     * {@link #classes()}): a direct buffer from position 0 to limit P*K. What a classifier's sparse
     * labels need (label values such as -5 or 1000000 are not class indices).
     */
    public IntBuffer ordinals() {
        return ordinalsView.clear();
    }

    /** The memory of {@link #ordinals()} as bytes: direct, native order, from 0 to its limit. */
    public ByteBuffer ordinalBytes() {
        return ordinalBytes.clear().order(ByteOrder.nativeOrder());
    }

    /** Label values of the entries: a direct buffer from position 0 to limit P*K. */
    public IntBuffer labels() {
        return labelsView.clear();
    }

    /**
     * One-hot labels, P*K rows as wide as the number of classes: a direct buffer from 0 to its limit.
     * For a {@linkplain io.github.balancedbatch.sampler.ClassIndex#multiLabel() multi-label} index
     * they are multi-hot rows: row i has a 1 at the ordinal of every class sample {@code rows()[i]}
     * belongs to, not only at {@code classes()[i]}, the class it was drawn for.
     *
     * @throws IllegalStateException if the pipeline was built without one-hot labels
     */
    public FloatBuffer oneHot() {
        if (oneHotView == null) {
            throw new IllegalStateException("the pipeline was built without oneHot(true)");
        }
        return oneHotView.clear();
    }

    /**
     * Gathered rows of feature source {@code source} (in builder order) as float32: P*K rows, direct,
     * native order.
     *
     * @throws IllegalStateException if the pipeline gathers this source's stored bytes and they are
     *     not float32 (read {@link #featureBytes(int)})
     */
    public FloatBuffer features(int source) {
        FloatBuffer v = featureViews[source];
        if (v == null) {
            throw new IllegalStateException("feature source " + source + " is gathered as stored "
                    + featureTypes[source] + " bytes: read featureBytes(" + source + ")");
        }
        return v.clear();
    }

    /**
     * The element type of {@link #featureBytes(int) featureBytes(source)}: FLOAT32, or with
     * {@link BatchPipeline.Builder#storedBytes(boolean) storedBytes(true)} the source's stored type.
     */
    public NpyType featureType(int source) {
        return featureTypes[source];
    }

    /**
     * The memory of {@link #features(int) features(source)} as bytes: a direct, native-order buffer
     * from 0 to its limit, for runtimes that share a direct {@code ByteBuffer} instead of copying.
     * With {@link BatchPipeline.Builder#storedBytes(boolean) storedBytes(true)} it holds the stored
     * bytes of the gathered rows instead, of type {@link #featureType(int)} (numpy's
     * {@code x[indices]}).
     * Valid until {@link #close()}, like everything else the batch hands out.
     */
    public ByteBuffer featureBytes(int source) {
        return featureBytes[source].clear().order(ByteOrder.nativeOrder());
    }

    /** The memory of {@link #labels()} as bytes: direct, native order, from 0 to its limit. */
    public ByteBuffer labelBytes() {
        return labelBytes.clear().order(ByteOrder.nativeOrder());
    }

    /**
     * The memory of {@link #oneHot()} as bytes: direct, native order, from 0 to its limit.
     *
     * @throws IllegalStateException if the pipeline was built without one-hot labels
     */
    public ByteBuffer oneHotBytes() {
        if (oneHotBytes == null) {
            throw new IllegalStateException("the pipeline was built without oneHot(true)");
        }
        return oneHotBytes.clear().order(ByteOrder.nativeOrder());
    }

    /**
     * The category ordinal of each entry (0 to G-1 in ascending category value, see
     * {@link io.github.balancedbatch.sampler.CategoryIndex#label}): a direct buffer from position 0
     * to limit P*K.
     *
     * @throws IllegalStateException if the sampler is not category-balanced
     */
    public IntBuffer categories() {
        if (categoriesView == null) {
            throw new IllegalStateException("the sampler has no categories");
        }
        return categoriesView.clear();
    }

    /**
     * The memory of {@link #categories()} as bytes: direct, native order, from 0 to its limit.
     *
     * @throws IllegalStateException if the sampler is not category-balanced
     */
    public ByteBuffer categoryBytes() {
        if (categoryBytes == null) {
            throw new IllegalStateException("the sampler has no categories");
        }
        return categoryBytes.clear().order(ByteOrder.nativeOrder());
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
