package io.github.balancedbatch.pipeline;

import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.util.ArrayLimits;
import java.util.Objects;
import java.util.function.LongConsumer;

/**
 * Samples and gathers batches ahead of a training loop, in background threads, into a fixed ring of
 * preallocated {@link Batch} slots.
 *
 * <pre>{@code
 * try (BatchPipeline pipeline = BatchPipeline.builder(sampler).features(images).prefetch(4).threads(2).build()) {
 *     for (long step = 0; step < steps; step++) {
 *         try (Batch batch = pipeline.take()) {      // blocks only if no batch is ready yet
 *             train(batch.features(0), batch.labels());
 *         }                                         // hands the slot back for refilling
 *     }
 * }
 * }</pre>
 *
 * <p>One sampler thread runs the cursor and writes each batch's indices and labels into the next free
 * slot; T gather threads copy the feature rows, batch {@code s} going to thread {@code s mod T}. The
 * consumer receives batches in exactly the order the sampler alone produces, whatever T is. Memory
 * is bounded by the N slots; nothing is allocated per batch. Waiting threads spin briefly, then park
 * without a timeout until the thread they wait for wakes them: an idle pipeline costs no CPU.
 *
 * <p>With {@code prefetch(0)} the pipeline is <em>synchronous</em>: no thread is started, and
 * {@code take()} samples and gathers the next batch into its single slot in the calling thread, with
 * the very code the background threads run. This is the one path by which batches are assembled
 * (the command-line tool, the DJL adapter and the benchmarks use it too), so prefetching can change
 * only when a batch is ready, never what it holds.
 *
 * <p>{@link #take()} is for one consumer thread at a time; two threads taking at once get an
 * {@link IllegalStateException}. A failure in a background thread is rethrown as a
 * {@link PipelineException} with the original cause by the first {@code take()} whose batch it
 * prevented (batches completed before it are still delivered). {@link #close()} stops and joins
 * every thread; it may be called more than once and from any thread.
 */
public final class BatchPipeline implements AutoCloseable {
    /** Largest number of gathering threads (the command line's bound). */
    public static final int MAX_THREADS = 256;
    /** Largest number of slots (the command line's bound). */
    public static final int MAX_PREFETCH = 4096;

    private final SlotRing ring;

    private BatchPipeline(Builder b) {
        Assembly assembly = new Assembly(b.sampler.cursor(b.epoch, b.batch), b.sampler.classes(), b.sources, b.afterGather);
        this.ring = new SlotRing(assembly, b.slots, b.threads, b.sampler.batchSize(), b.sources,
                b.oneHot ? b.sampler.classes().classCount() : 0, b.storedBytes);
    }

    /** Starts a builder over {@code sampler}. */
    public static Builder builder(BalancedBatchSampler sampler) {
        return new Builder(sampler);
    }

    /**
     * Returns the next batch in stream order, waiting until it is ready. Hand it back with
     * {@link Batch#close()} before taking more than the number of slots. Allocates nothing.
     *
     * @throws PipelineException if a background thread failed before this batch was complete (its
     *     exception is the cause); batches completed before the failure are still returned
     * @throws InterruptedException if the calling thread is interrupted on entry or while waiting;
     *     the batch is not consumed, and a later {@code take()} returns it
     * @throws IllegalStateException if the pipeline is closed, if another thread is inside
     *     {@code take()} at the same time, or if the slot of the next batch is still held (batches
     *     must be handed back in the order they were taken)
     */
    public Batch take() throws InterruptedException {
        return ring.take();
    }

    /** Number of slots (batches in flight); 1 when synchronous. */
    public int slots() {
        return ring.slots();
    }

    /** Stops every background thread and waits for them to end. Safe to call twice and from any thread. */
    @Override
    public void close() {
        ring.close();
    }

    /** Configures a {@link BatchPipeline}. Not thread-safe. */
    public static final class Builder {
        private final BalancedBatchSampler sampler;
        private FeatureMatrix[] sources = new FeatureMatrix[0];
        private boolean oneHot;
        private boolean storedBytes;
        private int slots = 4;
        private int threads = 1;
        private int epoch;
        private int batch;
        private LongConsumer afterGather;

        private Builder(BalancedBatchSampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
        }

        /** Feature matrices to gather from, all aligned with the labels (same row count). */
        public Builder features(FeatureMatrix... sources) {
            int n = sampler.classes().sampleCount();
            for (int i = 0; i < sources.length; i++) {
                if (sources[i].rows() != n) {
                    throw new IllegalArgumentException("feature source " + i + " has " + sources[i].rows()
                            + " rows, the labels have " + n);
                }
            }
            this.sources = sources.clone();
            return this;
        }

        /**
         * Gather each source's stored bytes unchanged (float16, uint8, ... as stored; numpy's
         * {@code x[indices]}) into {@link Batch#featureBytes(int)} instead of float32 values
         * (default false: every type is converted to float32, see {@link FeatureMatrix#gather(int[],
         * int, int, java.nio.FloatBuffer)}). {@link Batch#featureType(int)} tells the type.
         */
        public Builder storedBytes(boolean storedBytes) {
            this.storedBytes = storedBytes;
            return this;
        }

        /**
         * Also write one-hot labels as wide as the number of classes (default false); for a
         * multi-label index, multi-hot rows of every label each entry's sample holds (see
         * {@link Batch#oneHot()}).
         */
        public Builder oneHot(boolean oneHot) {
            this.oneHot = oneHot;
            return this;
        }

        /**
         * Number of slots: batches sampled and gathered ahead (default 4, at most {@value #MAX_PREFETCH});
         * 0 makes the pipeline synchronous (no thread: {@code take()} assembles each batch in the
         * calling thread).
         */
        public Builder prefetch(int slots) {
            if (slots < 0) {
                throw new IllegalArgumentException("prefetch must be at least 0 slots, got " + slots);
            }
            if (slots > MAX_PREFETCH) {
                throw new IllegalArgumentException("prefetch must be at most " + MAX_PREFETCH + " slots, got " + slots);
            }
            this.slots = slots;
            return this;
        }

        /** Number of gathering threads (default 1, at most {@value #MAX_THREADS}; ignored when synchronous). */
        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + threads);
            }
            if (threads > MAX_THREADS) {
                throw new IllegalArgumentException("threads must be at most " + MAX_THREADS + ", got " + threads);
            }
            this.threads = threads;
            return this;
        }

        /** Starts the stream at batch {@code batch} of epoch {@code epoch} (default 0, 0): a resume. */
        public Builder start(int epoch, int batch) {
            this.epoch = epoch;
            this.batch = batch;
            return this;
        }

        /** Test hook: runs in the gathering thread after each batch's rows are gathered. */
        Builder afterGather(LongConsumer hook) {
            this.afterGather = hook;
            return this;
        }

        /**
         * Builds the pipeline and starts its threads.
         *
         * @throws IllegalArgumentException if one batch of features or of one-hot labels would not
         *     fit in one buffer ({@link ArrayLimits#MAX_BUFFER_FLOATS} floats)
         */
        public BatchPipeline build() {
            int size = sampler.batchSize();
            if (oneHot && ArrayLimits.floatsOrMinusOne(size, sampler.classes().classCount()) < 0) {
                throw new IllegalArgumentException("one batch of " + size + " one-hot rows of "
                        + sampler.classes().classCount() + " classes is more than one buffer holds ("
                        + ArrayLimits.MAX_BUFFER_FLOATS + " floats)");
            }
            for (int i = 0; i < sources.length; i++) {
                if (ArrayLimits.floatsOrMinusOne(size, sources[i].width()) < 0) {
                    throw new IllegalArgumentException("one batch of " + size + " rows of feature source " + i + " ("
                            + sources[i].width() + " floats each) is more than one buffer holds ("
                            + ArrayLimits.MAX_BUFFER_FLOATS + " floats)");
                }
            }
            return new BatchPipeline(this);
        }
    }
}
