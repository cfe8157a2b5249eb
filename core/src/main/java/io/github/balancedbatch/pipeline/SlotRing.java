package io.github.balancedbatch.pipeline;

import io.github.balancedbatch.data.FeatureMatrix;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * The ring of slots behind a {@link BatchPipeline} and the hand-off of each slot between the sampler
 * thread, the gathering threads and the consumer: who may write a slot when, how each side waits
 * for the other, and how a failure or {@code close()} reaches everyone. What is written into a slot
 * is {@link Assembly}'s job. Thread-safety is as documented on {@link BatchPipeline}.
 */
final class SlotRing {
    private static final int SPINS = 256;
    /** While a failed pipeline finishes the batches sampled before the failure, the consumer polls this often. */
    private static final long FAILED_PARK_NANOS = 100_000;
    /**
     * The longest a waiting consumer parks before it checks that the threads it waits for are alive.
     * A wake-up is never lost (see {@link #vget}); this bounds the wait when a thread ends without
     * reporting, as one can when the JVM delivers a mapped page's fault late (outside any handler).
     */
    private static final long LIVENESS_PARK_NANOS = 50_000_000;

    private final Assembly assembly;
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
    private volatile boolean closed;
    /** The thread inside {@link #take()}, or null: the one that gathering threads wake. */
    private final AtomicReference<Thread> consumer = new AtomicReference<>();
    private long nextTake;

    SlotRing(Assembly assembly, int prefetch, int threads, int batchSize, FeatureMatrix[] sources, int oneHotWidth,
            boolean storedBytes) {
        this.assembly = assembly;
        final boolean synchronous = prefetch == 0;
        int n = synchronous ? 1 : prefetch;
        this.slots = new Batch[n];
        this.sampled = new long[n];
        this.ready = new long[n];
        this.freeFrom = new long[n];
        for (int i = 0; i < n; i++) {
            slots[i] = new Batch(this, i, batchSize, sources, oneHotWidth, storedBytes, assembly.categorized());
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
        this.gatherers = new Thread[threads];
        for (int t = 0; t < gatherers.length; t++) {
            final int first = t;
            gatherers[t] = new Thread(() -> gatherLoop(first), "balanced-batch-gather-" + t);
        }
        try {
            for (Thread t : threads()) {
                t.setDaemon(true);
                // Records what a thread dies of when it escapes its loop's handler (an asynchronous
                // InternalError can be thrown anywhere); take() also notices a thread that ended.
                t.setUncaughtExceptionHandler((thread, e) -> fail(e));
            }
            sampler.start();
            for (Thread t : gatherers) {
                t.start();
            }
        } catch (RuntimeException | Error e) { // e.g. no more threads: stop the ones that started
            close();
            throw e;
        }
    }


    /** See {@link BatchPipeline#take()}. */
    Batch take() throws InterruptedException {
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
            final Thread gatherer = gatherers[(int) (seq % gatherers.length)];
            final boolean failed = failure.get() != null;
            final boolean samplerEnded = !sampler.isAlive();
            if (failed || samplerEnded || !gatherer.isAlive()) {
                // A thread that ended has made all its writes visible (Thread.isAlive), so these reads are final.
                if (vget(sampled, slot) != seq && (failed || samplerEnded) || !gatherer.isAlive()) {
                    if (vget(ready, slot) == seq) {
                        break; // published just before its thread ended
                    }
                    Thread ended = samplerEnded ? sampler : gatherer;
                    failure.compareAndSet(null, new Failure(ended.getName(), new IllegalStateException(
                            ended.getName() + " ended without reporting why, before batch " + seq + " was ready")));
                    checkOpen(); // this batch will never come: throws the failure
                }
                // Sampled before the failure: its gathering thread finishes it (or fails and ends).
                // A failed pipeline is never idle for long, so a short timed park is fine here.
                LockSupport.parkNanos(FAILED_PARK_NANOS);
                continue;
            }
            // A failure or close() unparks us; the timeout only bounds how late we notice a thread that ended.
            if (spins < SPINS) {
                Thread.onSpinWait();
                spins++;
            } else {
                LockSupport.parkNanos(LIVENESS_PARK_NANOS);
            }
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
            assembly.sample(b, seq);
            assembly.gather(b);
        } catch (RuntimeException | Error e) {
            fail(e); // the stream cannot go on from a half-assembled batch: later takes throw
            throw e;
        }
        nextTake = seq + 1;
        outstanding.incrementAndGet();
        b.taken = true;
        return b;
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

    int slots() {
        return slots.length;
    }

    /** Stops every background thread and waits for them to end. Safe to call twice and from any thread. */
    void close() {
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
                assembly.sample(slots[slot], seq);
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
                assembly.gather(slots[slot]);
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
}
