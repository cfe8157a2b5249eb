package io.github.balancedbatch.pipeline;

import io.github.balancedbatch.data.BatchLabels;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.CategoryIndex;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.function.LongConsumer;

/**
 * What a pipeline does to each batch, whichever thread does it: sample the next batch's indices and
 * labels into a slot, then gather its feature rows. The one code path by which batches are
 * assembled, synchronous or in the background. Allocates nothing. Not thread-safe: {@link #sample}
 * runs in one thread at a time (the sampler's), {@link #gather} on distinct slots.
 */
final class Assembly {
    private final BatchCursor cursor;
    private final ClassIndex index;
    /** The sampler's categories, or null. */
    private final CategoryIndex categories;
    /** Whether the index is multi-label: one-hot rows are then multi-hot rows of each sample's labels. */
    private final boolean multiLabel;
    private final FeatureMatrix[] sources;
    private final LongConsumer afterGather;

    Assembly(BatchCursor cursor, ClassIndex index, FeatureMatrix[] sources, LongConsumer afterGather) {
        this.cursor = cursor;
        this.index = index;
        this.categories = cursor.sampler().categories();
        this.multiLabel = index.multiLabel();
        this.sources = sources;
        this.afterGather = afterGather;
    }

    /**
     * The sampling half of batch assembly: batch {@code seq}'s row indices, class ordinals, label
     * values, one-hot labels (multi-hot for a multi-label index) and category ordinals, from the cursor into slot {@code b}.
     */
    void sample(Batch b, long seq) {
        b.sequence = seq;
        b.epoch = cursor.epoch();
        b.batch = cursor.batch();
        cursor.next(b.rows, b.classes);
        b.ordinals.clear();
        b.ordinals.put(b.classes);
        b.labels.clear();
        BatchLabels.values(index, b.classes, b.rows.length, b.labels);
        if (b.oneHot != null) {
            b.oneHot.clear();
            if (multiLabel) { // every label of the entry's sample, not only the class it was drawn for
                BatchLabels.multiHot(index, b.rows, b.rows.length, b.oneHot);
            } else {
                BatchLabels.oneHot(b.classes, b.rows.length, index.classCount(), b.oneHot);
            }
        }
        if (b.categories != null) {
            final java.nio.IntBuffer dst = b.categories;
            final int[] classes = b.classes;
            for (int i = 0; i < classes.length; i++) {
                dst.put(i, categories.categoryOf(classes[i]));
            }
        }
    }

    /** Whether batches carry category ordinals (the sampler is category-balanced). */
    boolean categorized() {
        return categories != null;
    }

    /** The gathering half: the rows of {@code b}'s indices, from every source into the slot. */
    void gather(Batch b) {
        for (int s = 0; s < sources.length; s++) {
            if (b.stored[s] != null) {
                b.stored[s].clear();
                sources[s].gather(b.rows, 0, b.rows.length, b.stored[s]);
            } else {
                b.features[s].clear();
                sources[s].gather(b.rows, 0, b.rows.length, b.features[s]);
            }
        }
        if (afterGather != null) {
            afterGather.accept(b.sequence);
        }
    }
}
