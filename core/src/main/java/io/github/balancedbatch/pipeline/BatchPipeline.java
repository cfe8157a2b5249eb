package io.github.balancedbatch.pipeline;

import io.github.balancedbatch.data.BatchLabels;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.util.ArrayLimits;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
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
    private static final int SPINS = 256;
    /** While a failed pipeline finishes the batches sampled before the failure, the consumer polls this often. */
    private static final long FAILED_PARK_NANOS = 100_000;
    /** Largest number of gathering threads (the command line's bound). */
    public static final int MAX_THREADS = 256;
    /** Largest number of slots (the command line's bound). */
    public static final int MAX_PREFETCH = 4096;

    private final BatchCursor cursor;
    private final ClassIndex index;
    private final FeatureMatrix[] sources;
    private final Batch[] slots;
    /** Per slot: the sequence sampled into it, gathered in it, and the first sequence allowed to refill it. */
    private final long[] sampled;
    private final long[] ready;
    private final long[] freeFrom;
    /** Null when synchronous. */
    private final Thread sampler;
    private final Thread[] gatherers;
    /** The first failure of a background thread, with that thread's name. */
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final LongConsumer afterGather;
    private volatile boolean closed;
    /** The thread inside {@link #take()}, or null: the one that gathering threads wake. */
    private final AtomicReference<Thread> consumer = new AtomicReference<>();
    private long nextTake;

    private BatchPipeline(Builder b) {
        this.cursor = b.sampler.cursor(b.epoch, b.batch);
        this.index = b.sampler.classes();
        this.sources = b.sources;
        this.afterGather = b.afterGather;
        final boolean synchronous = b.slots == 0;
        int n = synchronous ? 1 : b.slots;
        int oneHotWidth = b.oneHot ? index.classCount() : 0;
        this.slots = new Batch[n];
        this.sampled = new long[n];
        this.ready = new long[n];
        this.freeFrom = new long[n];
        for (int i = 0; i < n; i++) {
            slots[i] = new Batch(this, i, b.sampler.batchSize(), sources, oneHotWidth, b.storedBytes);
            sampled[i] = -1;
            ready[i] = -1;
            freeFrom[i] = i;
        }
        if (synchronous) {
            this.sampler = null;
            this.gatherers = new Thread[0];
            return;
        }
        this.sampler = new Thread(this::sampleLoop, "balanced-batch-sampler");
        this.gatherers = new Thread[b.threads];
        for (int t = 0; t < gatherers.length; t++) {
            final int first = t;
            gatherers[t] = new Thread(() -> gatherLoop(first), "balanced-batch-gather-" + t);
        }
        try {
            sampler.setDaemon(true);
            sampler.start();
            for (Thread t : gatherers) {
                t.setDaemon(true);
                t.start();
            }
        } catch (RuntimeException | Error e) { // e.g. no more threads: stop the ones that started
            close();
            throw e;
        }
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
        final Thread me = Thread.currentThread();
        final Thread other = consumer.compareAndExchange(null, me); // a volatile write: see the wait below
        if (other != null) {
            throw new IllegalStateException("take() called by " + me.getName() + " while " + other.getName()
                    + " is taking: use one consumer thread at a time");
        }
        try {
            return takeOwned();
        } finally {
            consumer.set(null);
        }
    }

    private Batch takeOwned() throws InterruptedException {
        if (outstanding.get() == slots.length) {
            throw new IllegalStateException("all " + slots.length + " slots are taken: close() a batch before taking more");
        }
        final long seq = nextTake;
        final int slot = (int) (seq % slots.length);
        if (slots[slot].taken) {
            throw new IllegalStateException("batch " + (seq - slots.length) + " still holds the slot that batch " + seq
                    + " needs: close() batches in the order they were taken");
        }
        if (sampler == null) {
            return takeSynchronously(seq);
        }
        int spins = 0;
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for batch " + seq);
            }
            // A volatile read after the volatile write of consumer: either we see the batch, or the
            // gathering thread's volatile read of consumer (after its volatile write of ready) sees us
            // and unparks us. Park keeps that permit, so no wake-up is lost.
            // Acquire, pairs with gatherLoop's vset(ready): every write to this slot (the sampler's rows
            // and labels, the gathering thread's features) happens-before we read the batch.
            if (vget(ready, slot) == seq) {
                break;
            }
            if (closed) {
                throw new IllegalStateException("the pipeline is closed");
            }
            if (failure.get() != null) {
                if (vget(sampled, slot) != seq || !gatherers[(int) (seq % gatherers.length)].isAlive()) {
                    if (vget(ready, slot) == seq) {
                        break; // published just before its thread ended
                    }
                    checkOpen(); // this batch will never come: throws the failure
                }
                // Sampled before the failure: its gathering thread finishes it (or fails and ends).
                // A failed pipeline is never idle for long, so a short timed park is fine here.
                LockSupport.parkNanos(FAILED_PARK_NANOS);
                continue;
            }
            spins = idle(spins); // a failure or close() unparks us
        }
        if (closed) {
            throw new IllegalStateException("the pipeline is closed");
        }
        nextTake = seq + 1;
        outstanding.incrementAndGet();
        Batch b = slots[slot];
        b.taken = true;
        return b;
    }

    /** Synchronous mode: assembles batch {@code seq} into the single slot, in the calling thread. */
    private Batch takeSynchronously(long seq) {
        checkOpen();
        Batch b = slots[0];
        try {
            sample(b, seq);
            gather(b);
        } catch (RuntimeException | Error e) {
            fail(e); // the stream cannot go on from a half-assembled batch: later takes throw
            throw e;
        }
        nextTake = seq + 1;
        outstanding.incrementAndGet();
        b.taken = true;
        return b;
    }

    /**
     * The sampling half of batch assembly: batch {@code seq}'s row indices, class ordinals, label
     * values and one-hot labels, from the cursor into slot {@code b}.
     */
    private void sample(Batch b, long seq) {
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
            BatchLabels.oneHot(b.classes, b.rows.length, index.classCount(), b.oneHot);
        }
    }

    /** The gathering half: the rows of {@code b}'s indices, from every source into the slot. */
    private void gather(Batch b) {
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

    void release(Batch b) {
        if (b.taken) {
            b.taken = false;
            outstanding.decrementAndGet();
            // Release, pairs with sampleLoop's vget(freeFrom): all of the consumer's reads of the slot
            // happen-before the sampler starts refilling it.
            vset(freeFrom, b.slot, b.sequence + slots.length);
            if (sampler != null) {
                LockSupport.unpark(sampler);
            }
        }
    }

    /** Number of slots (batches in flight); 1 when synchronous. */
    public int slots() {
        return slots.length;
    }

    /** Stops every background thread and waits for them to end. Safe to call twice and from any thread. */
    @Override
    public void close() {
        closed = true;
        if (sampler == null) {
            return;
        }
        LockSupport.unpark(sampler);
        for (Thread t : gatherers) {
            LockSupport.unpark(t);
        }
        unparkConsumer();
        boolean interrupted = false;
        for (Thread t : threads()) {
            while (t != null && t != Thread.currentThread() && t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Thread[] threads() {
        Thread[] all = new Thread[gatherers.length + 1];
        all[0] = sampler;
        System.arraycopy(gatherers, 0, all, 1, gatherers.length);
        return all;
    }

    private void checkOpen() {
        Failure f = failure.get();
        if (f != null) {
            throw new PipelineException(f.thread + " failed: " + f.cause, f.cause);
        }
        if (closed) {
            throw new IllegalStateException("the pipeline is closed");
        }
    }

    private boolean stopping() {
        return closed || failure.get() != null;
    }

    private void sampleLoop() {
        try {
            final int n = slots.length;
            for (long seq = 0; ; seq++) {
                final int slot = (int) (seq % n);
                int spins = 0;
                while (vget(freeFrom, slot) != seq) { // acquire, pairs with release(): the consumer is done with it
                    if (stopping()) {
                        return;
                    }
                    spins = idle(spins);
                }
                if (stopping()) {
                    return;
                }
                sample(slots[slot], seq);
                // Release, pairs with gatherLoop's vget(sampled): the rows, classes and labels just
                // written are visible to the gathering thread that sees seq.
                vset(sampled, slot, seq);
                LockSupport.unpark(gatherers[(int) (seq % gatherers.length)]);
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void gatherLoop(int first) {
        try {
            final int n = slots.length;
            final int step = gatherers.length;
            for (long seq = first; ; seq += step) {
                final int slot = (int) (seq % n);
                int spins = 0;
                while (vget(sampled, slot) != seq) { // acquire, pairs with sampleLoop's vset(sampled)
                    if (stopping() && vget(sampled, slot) != seq) { // a batch sampled before a failure is finished
                        return;
                    }
                    spins = idle(spins);
                }
                gather(slots[slot]);
                // Release, pairs with take()'s vget(ready): the features (and, through the acquire above,
                // the sampler's writes) are visible to the consumer. Then read consumer: a StoreLoad
                // pair with take()'s announcement, so the consumer is never left parked.
                vset(ready, slot, seq);
                unparkConsumer();
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void fail(Throwable t) {
        failure.compareAndSet(null, new Failure(Thread.currentThread().getName(), t));
        unparkConsumer();
        if (sampler != null) {
            LockSupport.unpark(sampler);
        }
        for (Thread g : gatherers) {
            LockSupport.unpark(g);
        }
    }

    private void unparkConsumer() {
        Thread c = consumer.get();
        if (c != null) {
            LockSupport.unpark(c);
        }
    }

    private static final class Failure {
        final String thread;
        final Throwable cause;

        Failure(String thread, Throwable cause) {
            this.thread = thread;
            this.cause = cause;
        }
    }

    /**
     * Spins a little, then parks without a timeout. Every caller re-checks its condition (and
     * {@link #stopping()}) in a loop after this returns; whoever changes the condition unparks the
     * waiter afterwards, and a permit given before the park makes the park return at once.
     */
    private static int idle(int spins) {
        if (spins < SPINS) {
            Thread.onSpinWait();
            return spins + 1;
        }
        LockSupport.park();
        return spins;
    }

    private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);

    /*
     * Sequence numbers are published and read with volatile (sequentially consistent) accesses, not
     * just release/acquire: a waiter announces itself (a volatile write), re-reads the sequence, then
     * parks; a publisher writes the sequence, then reads who waits and unparks it. Sequential
     * consistency forbids both reads from missing both writes, so no wake-up is lost even though a
     * park has no timeout. One fenced store per slot and batch costs nothing next to a gather.
     */
    private static long vget(long[] a, int i) {
        return (long) LONGS.getVolatile(a, i);
    }

    private static void vset(long[] a, int i, long v) {
        LONGS.setVolatile(a, i, v);
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

        /** Also write one-hot labels as wide as the number of classes (default false). */
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
         *     fit in one buffer ({@link ArrayLimits#MAX_ARRAY_LENGTH} floats)
         */
        public BatchPipeline build() {
            int size = sampler.batchSize();
            if (oneHot && ArrayLimits.productOrMinusOne(size, sampler.classes().classCount()) < 0) {
                throw new IllegalArgumentException("one batch of " + size + " one-hot rows of "
                        + sampler.classes().classCount() + " classes is more than one buffer holds ("
                        + ArrayLimits.MAX_ARRAY_LENGTH + " floats)");
            }
            for (int i = 0; i < sources.length; i++) {
                if (ArrayLimits.productOrMinusOne(size, sources[i].width()) < 0) {
                    throw new IllegalArgumentException("one batch of " + size + " rows of feature source " + i + " ("
                            + sources[i].width() + " floats each) is more than one buffer holds ("
                            + ArrayLimits.MAX_ARRAY_LENGTH + " floats)");
                }
            }
            return new BatchPipeline(this);
        }
    }
}
