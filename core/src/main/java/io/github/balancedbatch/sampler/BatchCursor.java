package io.github.balancedbatch.sampler;

import java.nio.IntBuffer;

/**
 * An endless stream of batches (epochs 0, 1, 2, ... chained) from one {@link BalancedBatchSampler}:
 * each {@link #next(int[])} writes one batch into the caller's array and moves on. Every
 * {@code next} checks its arguments before moving: when it throws, the cursor is unchanged.
 *
 * <p>A batch costs O(P * K * worldSize) work, whatever the number of samples or classes, and
 * allocates nothing; starting an epoch allocates one or two small random generators. The cursor
 * owns 4 bytes per sample of working memory (a lazily shuffled copy of the grouped rows) plus about
 * 7 ints per class. Under a class-choice strategy, starting an epoch also computes its quotas and
 * schedule, O(C + P * worldSize * batchesPerEpoch) sequential writes into a class sequence of 4
 * bytes per class slot that the cursor owns (one more small generator), and a batch reads its
 * classes from that sequence. With categories the cursor owns a category deck and one class deck
 * per usable category instead of the class deck (4 bytes per eligible class, about 6 ints per
 * usable category).
 *
 * <p><b>Multi-label data</b> ({@link ClassIndex#multiLabel()}): the classes dealt are the step's
 * <em>anchor</em> labels and each entry's class (see {@link #next(int[], int[])}) is its anchor; a
 * sample holding several labels is in the pool of each, and drawing it for one label does not
 * consume it for another. Within a step, anchors draw in dealing order over the global batch (P *
 * worldSize anchors), and an anchor never takes a row already taken for an earlier anchor while it
 * has K rows outside them: such a row is left undrawn in the anchor's pass, for a later batch. An
 * anchor's pass ends early only when everything it has not drawn is already in the batch (those
 * rows then wait for the next pass). An anchor with a &lt; K rows outside the batch takes all a,
 * each floor(K/a) or ceil(K/a) times; with none, it repeats its own rows (all already in the batch)
 * evenly. Without shuffling, anchors go round-robin and rows in data-set order, except that a row
 * skipped this way trades places with the last row of the anchor's pass still to draw. Because
 * every rank computes the whole step, the exclusions are those of one process and the ranks'
 * batches still concatenate to its batch. The cursor then also owns a bit per sample
 * (the step's rows, emptied in O(P * K * worldSize) after each step); a membership test per row
 * drawn and a bit set and cleared per row are added to a batch's cost. See
 * {@link Pools#drawExcluding} for the exact rules.
 *
 * <p>Not thread-safe: use one cursor per thread. Cursors of the same sampler are independent.
 */
public final class BatchCursor {
    private static final int SAMPLE_STREAM = 0;
    private static final int LAYOUT_STREAM = 1;
    /** Stream of a class-choice strategy's schedule: the rounding offset, class order and phase. */
    private static final long SCHEDULE_STREAM = -1;

    private final BalancedBatchSampler sampler;
    private final int classesPerBatch;
    private final int samplesPerClass;
    private final int batchSize;
    private final int batchesPerEpoch;
    private final int rank;
    private final int worldSize;
    private final boolean shuffle;
    private final boolean mix;
    private final Pools samples;
    private final Pools deck;
    private final int deckBase;
    /** The bases (see {@link Pools}) of the classes dealt for the current step. */
    private final int[] chosen;
    /** With shards, the whole step's rows. */
    private final int[] global;
    private final int[] scratch;
    /** Multi-label data: the rows already in the step's batch, or null for single-label data. */
    private final RowSet inBatch;
    /** A class-choice strategy's state, or null for the default (every epoch dealt from the deck). */
    private final Schedule schedule;
    /** With categories: the two-level deal that replaces the class deck and schedule; else null. */
    private final CategoryDeal categories;

    private BoundedRandom random;
    private BoundedRandom layout;
    private int epoch;
    private int batch;

    BatchCursor(BalancedBatchSampler sampler) {
        this.sampler = sampler;
        this.classesPerBatch = sampler.classesPerBatch();
        this.samplesPerClass = sampler.samplesPerClass();
        this.batchSize = sampler.batchSize();
        this.batchesPerEpoch = sampler.batchesPerEpoch();
        this.rank = sampler.rank();
        this.worldSize = sampler.worldSize();
        this.shuffle = sampler.shuffle();
        this.mix = sampler.mix();
        ClassIndex index = sampler.classes();
        this.samples = new Pools(index.rows(), index.offsets());
        this.chosen = new int[classesPerBatch * worldSize];
        this.global = worldSize == 1 ? null : new int[batchSize * worldSize];
        this.scratch = new int[batchSize];
        this.inBatch = index.multiLabel() ? new RowSet(index.sampleCount()) : null;
        boolean weighted = sampler.classWeightPower() > 0 || sampler.progressiveEpochs() > 0;
        CategoryPlan plan = sampler.categoryPlan();
        if (plan != null) {
            this.categories = new CategoryDeal(plan, samples, sampler.categoriesPerBatch() * worldSize, batchesPerEpoch,
                    weighted);
            this.deck = null;
            this.deckBase = 0;
            this.schedule = null;
            return;
        }
        this.categories = null;
        ClassQuotas quotas = sampler.quotas();
        int[] activeBases = new int[quotas.count()]; // the classes that can be chosen, ascending
        for (int i = 0; i < activeBases.length; i++) {
            activeBases[i] = samples.base(quotas.ordinal(i));
        }
        this.deck = new Pools(activeBases, new int[] {0, activeBases.length});
        this.deckBase = deck.base(0);
        this.schedule = weighted ? new Schedule(quotas, activeBases, chosen.length, batchesPerEpoch) : null;
    }

    /** The sampler this cursor draws from. */
    public BalancedBatchSampler sampler() {
        return sampler;
    }

    /** Heap bytes held by this cursor's own arrays (headers excluded; the shared index not counted). */
    public long heapBytes() {
        return samples.heapBytes() + (deck == null ? 0 : deck.heapBytes()) + (schedule == null ? 0 : schedule.heapBytes())
                + (categories == null ? 0 : categories.heapBytes())
                + (inBatch == null ? 0 : inBatch.heapBytes())
                + 4L * (chosen.length + scratch.length + (global == null ? 0 : global.length));
    }

    /** Epoch of the batch that the next call to {@code next} returns. */
    public int epoch() {
        return batch == batchesPerEpoch ? epoch + 1 : epoch;
    }

    /** Index within its epoch of the batch that the next call to {@code next} returns. */
    public int batch() {
        return batch == batchesPerEpoch ? 0 : batch;
    }

    /**
     * Moves to batch {@code batch} of epoch {@code epoch}, replaying at most {@code batch} batches of
     * that epoch (never earlier epochs).
     *
     * @throws IllegalArgumentException if {@code epoch} is negative or {@code batch} is outside
     *     {@code [0, batchesPerEpoch)}
     */
    public void seek(int epoch, int batch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be at least 0, got " + epoch);
        }
        if (batch < 0 || batch >= batchesPerEpoch) {
            throw new IllegalArgumentException("batch must be in [0, " + batchesPerEpoch + ") for an epoch of "
                    + batchesPerEpoch + " batches, got " + batch);
        }
        startEpoch(epoch);
        for (int b = 0; b < batch; b++) {
            generate(scratch, 0, null, 0);
        }
        this.batch = batch;
    }

    /**
     * Writes the next batch's P*K row indices into {@code dst[0 .. batchSize)}.
     *
     * @throws IndexOutOfBoundsException if {@code dst} is shorter than the batch size
     */
    public void next(int[] dst) {
        next(dst, 0, null, 0);
    }

    /**
     * Writes the next batch's row indices into {@code rows[0 ..]} and the class ordinal of each entry
     * (see {@link ClassIndex#label}) into {@code classes[0 ..]}: for multi-label data, the entry's
     * anchor label (the sample may hold others: {@link ClassIndex#labelOrdinal}).
     */
    public void next(int[] rows, int[] classes) {
        next(rows, 0, classes, 0);
    }

    /**
     * Writes the next batch's row indices into {@code rows[rowsOffset ..]} and, unless
     * {@code classes} is null, each entry's class ordinal into {@code classes[classesOffset ..]}.
     */
    public void next(int[] rows, int rowsOffset, int[] classes, int classesOffset) {
        java.util.Objects.checkFromIndexSize(rowsOffset, batchSize, rows.length);
        if (classes != null) {
            java.util.Objects.checkFromIndexSize(classesOffset, batchSize, classes.length);
        }
        if (batch == batchesPerEpoch) {
            if (epoch == Integer.MAX_VALUE) {
                throw new IllegalStateException("the stream ended: epoch " + epoch + " is the last");
            }
            startEpoch(epoch + 1);
        }
        generate(rows, rowsOffset, classes, classesOffset);
        batch++;
    }

    /**
     * Writes the next batch's row indices at {@code dst}'s position and advances the position by
     * the batch size. Allocates nothing.
     *
     * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
     * @throws java.nio.BufferOverflowException if fewer than batchSize ints remain
     */
    public void next(IntBuffer dst) {
        if (dst.isReadOnly()) { // checked before the cursor moves: a failed call loses no batch
            throw new java.nio.ReadOnlyBufferException();
        }
        if (dst.remaining() < batchSize) {
            throw new java.nio.BufferOverflowException();
        }
        next(scratch, 0, null, 0);
        dst.put(scratch, 0, batchSize);
    }

    private void startEpoch(int e) {
        long seed = sampler.seed();
        epoch = e;
        batch = 0;
        random = shuffle ? new BoundedRandom(BoundedRandom.derive(seed, SAMPLE_STREAM, e)) : null;
        layout = mix ? new BoundedRandom(BoundedRandom.derive(seed, LAYOUT_STREAM + rank, e)) : null;
        samples.restart();
        if (categories != null) {
            categories.start(e, shuffle && categories.scheduled()
                    ? new BoundedRandom(BoundedRandom.derive(seed, SCHEDULE_STREAM, e)) : null);
            return;
        }
        deck.restart();
        if (schedule != null) {
            schedule.start(e, shuffle ? new BoundedRandom(BoundedRandom.derive(seed, SCHEDULE_STREAM, e)) : null);
        }
    }

    /**
     * One step: deals P * worldSize classes (with categories: Q * worldSize categories, then P / Q
     * classes of each), draws K rows of each (every rank draws every class so
     * that all ranks keep the same pools), keeps this rank's P classes, then mixes if asked.
     */
    private void generate(int[] rows, int off, int[] classes, int classesOff) {
        final int p = classesPerBatch;
        final int k = samplesPerClass;
        final int all = chosen.length;
        final BoundedRandom rng = random;
        if (categories != null) {
            categories.deal(rng, chosen);
        } else if (schedule == null || !schedule.next(chosen)) {
            deck.draw(deckBase, all, rng, chosen, 0);
        }
        samples.touch(chosen, all);
        if (inBatch != null) {
            drawExcluding(rows, off, all, k, rng);
        } else if (global == null) {
            for (int i = 0; i < all; i++) {
                samples.draw(chosen[i], k, rng, rows, off + i * k);
            }
        } else {
            for (int i = 0; i < all; i++) {
                samples.draw(chosen[i], k, rng, global, i * k);
            }
            System.arraycopy(global, rank * batchSize, rows, off, batchSize);
        }
        if (classes != null) {
            for (int i = 0; i < p; i++) {
                java.util.Arrays.fill(classes, classesOff + i * k, classesOff + (i + 1) * k, samples.segment(chosen[rank * p + i]));
            }
        }
        if (mix) {
            mix(rows, off, classes, classesOff);
        }
    }

    /**
     * The multi-label step: the anchors' rows in dealing order, each anchor's draw excluding the rows
     * already taken for the anchors before it in the global batch (all ranks compute the whole step,
     * so the exclusions, and the shards' concatenation, are those of one process).
     */
    private void drawExcluding(int[] rows, int off, int all, int k, BoundedRandom rng) {
        final RowSet set = inBatch;
        final int[] dst = global == null ? rows : global;
        final int base = global == null ? off : 0;
        for (int i = 0; i < all; i++) {
            int at = base + i * k;
            samples.drawExcluding(chosen[i], k, rng, dst, at, set);
            set.addAll(dst, at, k);
        }
        set.clear(dst, base, all * k);
        if (global != null) {
            System.arraycopy(global, rank * batchSize, rows, off, batchSize);
        }
    }

    private void mix(int[] rows, int off, int[] classes, int classesOff) {
        final BoundedRandom rng = layout;
        for (int i = batchSize - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = rows[off + i];
            rows[off + i] = rows[off + j];
            rows[off + j] = t;
            if (classes != null) {
                t = classes[classesOff + i];
                classes[classesOff + i] = classes[classesOff + j];
                classes[classesOff + j] = t;
            }
        }
    }
}
