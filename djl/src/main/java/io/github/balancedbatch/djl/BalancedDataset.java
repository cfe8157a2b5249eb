package io.github.balancedbatch.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.translate.Batchifier;
import ai.djl.util.Progress;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.pipeline.BatchPipeline;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import java.lang.ref.Cleaner;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * A DJL {@link Dataset} of class-balanced P x K batches, assembled by a {@link BatchPipeline} from
 * off-heap {@link FeatureMatrix} sources; {@code EasyTrain.fit(trainer, epochs, dataset, null)} uses
 * it unchanged.
 *
 * <pre>{@code
 * try (BalancedDataset data = BalancedDataset.builder(sampler).features(images).prefetch(4).build()) {
 *     EasyTrain.fit(trainer, epochs, data, null);
 * }
 * }</pre>
 *
 * <p>Each {@link #getData} call yields the next epoch as exactly {@code batchesPerEpoch} batches in
 * the sampler's order (after {@link Builder#start start(e, b)}: batches {@code b..} of epoch
 * {@code e}, then whole epochs {@code e+1, ...}). A batch's data are one NDArray per source, shape
 * (P*K, *sample_shape), float32 (with {@link Builder#storedBytes storedBytes(true)}: the stored type); its labels one NDArray: the label values as int32 (P*K), or with
 * {@link Builder#oneHot oneHot(true)} float32 (P*K, C) one-hot rows in class order; its
 * {@link Batch#getIndices() indices} the P*K row indices ({@code Long}).
 *
 * <p><b>Memory.</b> The NDArrays are created over the pipeline slot's direct, native-order
 * {@code ByteBuffer}s: an engine that shares such a buffer (PyTorch on CPU) uses the slot's memory in
 * place, one that does not copies it. The slot belongs to the batch until the batch is
 * {@linkplain Batch#close() closed}; closing it (as {@code EasyTrain} does after each step) closes its
 * NDArrays and hands the slot back for refilling, so keep no NDArray of a batch past its close. At
 * most {@code prefetch} batches (1 when synchronous) can be open at once. Each batch allocates its
 * NDArray handles, a child manager and its index list; the feature bytes are never copied on the Java
 * side.
 *
 * <p><b>Threads.</b> An epoch starts its pipeline when its iteration starts and stops it after its
 * last batch, when the next {@code getData} starts, on {@link #close()}, or when the abandoned iterable
 * is garbage-collected; {@code prefetch(0)} starts no thread at all. {@code getData} and
 * {@code close} are thread-safe; iterate each epoch from one thread.
 */
public final class BalancedDataset implements Dataset, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();

    private final BalancedBatchSampler sampler;
    private final FeatureMatrix[] sources;
    private final Shape[] shapes;
    private final boolean oneHot;
    private final boolean storedBytes;
    private final int prefetch;
    private final int threads;
    private int nextEpoch;
    private int nextBatch;
    /** The pipeline of the latest epoch handed out, or null. */
    private Run current;

    private BalancedDataset(Builder b) {
        this.sampler = b.sampler;
        this.sources = b.sources;
        this.oneHot = b.oneHot;
        this.storedBytes = b.storedBytes;
        this.prefetch = b.prefetch;
        this.threads = b.threads;
        this.nextEpoch = b.epoch;
        this.nextBatch = b.batch;
        this.shapes = new Shape[sources.length];
        for (int s = 0; s < sources.length; s++) {
            int[] sample = sources[s].sampleShape();
            long[] shape = new long[sample.length + 1];
            shape[0] = sampler.batchSize();
            for (int d = 0; d < sample.length; d++) {
                shape[d + 1] = sample[d];
            }
            shapes[s] = new Shape(shape);
        }
    }

    /** Starts a builder over {@code sampler}. */
    public static Builder builder(BalancedBatchSampler sampler) {
        return new Builder(sampler);
    }

    /**
     * The next epoch's batches, created in {@code manager}'s engine and device (each batch in a child
     * manager of its own). The returned iterable can be iterated once. Stops the pipeline of the
     * previous epoch if it still runs.
     */
    @Override
    public synchronized Iterable<Batch> getData(NDManager manager) {
        Objects.requireNonNull(manager, "manager");
        stopCurrent();
        int epoch = nextEpoch;
        int batch = nextBatch;
        nextEpoch = Epochs.after(epoch);
        nextBatch = 0;
        current = new Run();
        return new Epoch(manager, epoch, batch, current);
    }

    /** Nothing to prepare: the data are already in memory or mapped. */
    @Override
    public void prepare(Progress progress) {
        // nothing to download or decode
    }

    /** Stops the pipeline of the current epoch, if it runs; later {@code getData} calls still work. */
    @Override
    public synchronized void close() {
        stopCurrent();
    }

    private void stopCurrent() {
        if (current != null) {
            current.run();
            current = null;
        }
    }

    private BatchPipeline open(int epoch, int batch) {
        return BatchPipeline.builder(sampler).features(sources).oneHot(oneHot).storedBytes(storedBytes)
                .prefetch(prefetch).threads(threads).start(epoch, batch).build();
    }

    /** An epoch's pipeline: stopped by the epoch's end, the next getData, close(), or the cleaner. */
    private static final class Run implements Runnable {
        private BatchPipeline pipeline;
        private boolean stopped;

        synchronized boolean start(BatchPipeline p) {
            if (stopped) {
                p.close();
                return false;
            }
            pipeline = p;
            return true;
        }

        synchronized boolean stopped() {
            return stopped;
        }

        @Override
        public synchronized void run() {
            stopped = true;
            if (pipeline != null) {
                pipeline.close();
            }
        }
    }

    /** One epoch: an iterable that is its own (single) iterator. */
    private final class Epoch implements Iterable<Batch>, Iterator<Batch> {
        private final NDManager manager;
        private final int epoch;
        private final int first;
        private final Run run;
        private final Cleaner.Cleanable cleanable;
        private BatchPipeline pipeline;
        private boolean iterated;
        private int batch;

        Epoch(NDManager manager, int epoch, int first, Run run) {
            this.manager = manager;
            this.epoch = epoch;
            this.first = first;
            this.batch = first;
            this.run = run;
            this.cleanable = CLEANER.register(this, run);
        }

        @Override
        public Iterator<Batch> iterator() {
            if (iterated) {
                throw new IllegalStateException("an epoch's batches can be iterated once: call getData for the next epoch");
            }
            iterated = true;
            BatchPipeline p = open(epoch, first);
            if (!run.start(p)) {
                throw stopped();
            }
            pipeline = p;
            return this;
        }

        @Override
        public boolean hasNext() {
            return batch < sampler.batchesPerEpoch();
        }

        @Override
        public Batch next() {
            if (!hasNext()) {
                throw new NoSuchElementException("epoch " + epoch + " has no more batches");
            }
            if (pipeline == null || run.stopped()) {
                throw stopped();
            }
            io.github.balancedbatch.pipeline.Batch slot;
            try {
                slot = pipeline.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for batch " + batch + " of epoch " + epoch, e);
            }
            Batch out;
            try {
                out = wrap(slot, batch);
            } catch (RuntimeException | Error e) {
                slot.close();
                throw e;
            }
            batch++;
            if (!hasNext()) {
                cleanable.clean(); // stops the threads; the slots stay valid until their batches close
            }
            return out;
        }

        private IllegalStateException stopped() {
            return new IllegalStateException("epoch " + epoch
                    + " was stopped (a later getData call or close()): its batches can no longer be taken");
        }

        private Batch wrap(io.github.balancedbatch.pipeline.Batch slot, int b) {
            final int size = sampler.batchSize();
            NDManager sub = manager.newSubManager();
            try {
                NDList data = new NDList(sources.length);
                for (int s = 0; s < sources.length; s++) {
                    data.add(sub.create(slot.featureBytes(s), shapes[s], dataType(slot.featureType(s))));
                }
                NDArray labels = oneHot
                        ? sub.create(slot.oneHotBytes(), new Shape(size, sampler.classes().classCount()), DataType.FLOAT32)
                        : sub.create(slot.labelBytes(), new Shape(size), DataType.INT32);
                int[] rows = slot.rows();
                Long[] indices = new Long[size];
                for (int i = 0; i < size; i++) {
                    indices[i] = (long) rows[i];
                }
                long total = (long) sampler.batchesPerEpoch() * size;
                return new SlotBatch(sub, data, new NDList(labels), size, (long) (b + 1) * size, total,
                        Arrays.asList(indices), slot);
            } catch (RuntimeException | Error e) {
                sub.close();
                throw e;
            }
        }
    }

    /** The DJL type of a slot's feature bytes: float32, or with storedBytes(true) the stored type. */
    static DataType dataType(NpyType type) {
        switch (type) {
            case FLOAT32:
                return DataType.FLOAT32;
            case FLOAT16:
                return DataType.FLOAT16;
            case UINT8:
                return DataType.UINT8;
            case INT8:
                return DataType.INT8;
            default:
                throw new IllegalArgumentException("no DJL data type for feature type " + type);
        }
    }

    /** A DJL batch over a pipeline slot: closing it closes its NDArrays, then hands the slot back. */
    static final class SlotBatch extends Batch {
        private io.github.balancedbatch.pipeline.Batch slot;

        SlotBatch(NDManager manager, NDList data, NDList labels, int size, long progress, long total,
                List<Long> indices, io.github.balancedbatch.pipeline.Batch slot) {
            super(manager, data, labels, size, Batchifier.STACK, Batchifier.STACK, progress, total, indices);
            this.slot = slot;
        }

        /** The pipeline slot whose memory this batch's NDArrays use; null once closed. */
        io.github.balancedbatch.pipeline.Batch slot() {
            return slot;
        }

        @Override
        public void close() {
            io.github.balancedbatch.pipeline.Batch s = slot;
            if (s == null) {
                return; // closed before: DJL's own Batch would throw here
            }
            slot = null;
            try {
                super.close();
            } finally {
                s.close();
            }
        }
    }

    /** Configures a {@link BalancedDataset}. Not thread-safe. */
    public static final class Builder {
        private final BalancedBatchSampler sampler;
        private FeatureMatrix[] sources = new FeatureMatrix[0];
        private boolean oneHot;
        private boolean storedBytes;
        /** Never built: checks each value with the pipeline's own rules, so that they are written once. */
        private final BatchPipeline.Builder checks;
        private int prefetch = 2;
        private int threads = 1;
        private int epoch;
        private int batch;

        private Builder(BalancedBatchSampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
            this.checks = BatchPipeline.builder(sampler);
        }

        /**
         * Feature matrices (of any storage type) aligned with the labels; each becomes one data
         * NDArray of every batch, in this order, float32 unless {@link #storedBytes(boolean)}.
         * Required: at least one.
         */
        public Builder features(FeatureMatrix... sources) {
            for (int i = 0; i < sources.length; i++) {
                Objects.requireNonNull(sources[i], "feature source " + i);
            }
            checks.features(sources);
            this.sources = sources.clone();
            return this;
        }

        /**
         * Data NDArrays in each source's stored type (float16, uint8, int8 or float32: the stored
         * bytes, unconverted and unscaled) instead of float32 (default false: every type is
         * converted to float32, with a {@link FeatureMatrix#scaled scaled} view's scale and offset).
         */
        public Builder storedBytes(boolean storedBytes) {
            this.storedBytes = storedBytes;
            return this;
        }

        /** Labels as float32 one-hot rows (P*K, C) instead of int32 label values (default false). */
        public Builder oneHot(boolean oneHot) {
            this.oneHot = oneHot;
            return this;
        }

        /**
         * Batches assembled ahead in background threads (default 2); 0 assembles each batch in the
         * iterating thread, with no thread started; at most {@value BatchPipeline#MAX_PREFETCH}. Also the
         * number of batches that may be open at once.
         */
        public Builder prefetch(int batches) {
            checks.prefetch(batches);
            this.prefetch = batches;
            return this;
        }

        /** Gathering threads (default 1, at most {@value BatchPipeline#MAX_THREADS}; ignored when {@code prefetch(0)}). */
        public Builder threads(int threads) {
            checks.threads(threads);
            this.threads = threads;
            return this;
        }

        /** The first {@code getData} starts at batch {@code batch} of epoch {@code epoch} (default 0, 0). */
        public Builder start(int epoch, int batch) {
            Epochs.check(epoch, batch, sampler.batchesPerEpoch());
            this.epoch = epoch;
            this.batch = batch;
            return this;
        }

        /** Builds the dataset; no thread starts before an epoch is iterated. */
        public BalancedDataset build() {
            if (sources.length == 0) {
                throw new IllegalStateException("no feature source: call features(...) with at least one matrix");
            }
            return new BalancedDataset(this);
        }
    }
}
