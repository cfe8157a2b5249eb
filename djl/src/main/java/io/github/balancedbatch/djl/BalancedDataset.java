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
 * {@code e}, then whole epochs {@code e+1, ...}, up to epoch {@code Integer.MAX_VALUE}). A batch's
 * data are one NDArray per source, shape (P*K, *sample_shape), float32 (with
 * {@link Builder#storedBytes storedBytes(true)}: the stored type); its labels one NDArray: by default
 * each entry's <b>class ordinal</b> as int32 (P*K), 0 to C-1 in ascending label order, the class
 * indices DJL's classification losses expect; with {@link Builder#labelValues labelValues(true)} the
 * label values themselves, with {@link Builder#oneHot oneHot(true)} float32 (P*K, C) one-hot rows in
 * class order. With {@link Builder#categoryLabels categoryLabels(true)} (a category-balanced sampler)
 * the labels hold a second NDArray, each entry's category ordinal as int32 (P*K), for losses over
 * the super-classes too. Its {@link Batch#getIndices() indices} are the P*K row indices ({@code Long}).
 *
 * <p><b>Multi-label data</b> (a {@link io.github.balancedbatch.sampler.ClassIndex#multiLabel()
 * multi-label} index: a sample may hold several labels). Each entry's class is its batch's
 * <em>anchor</em> label, the label it was drawn for: the default labels NDArray holds the anchor's
 * class ordinal, {@code labelValues(true)} its label value. {@link Builder#multiHot multiHot(true)}
 * adds a second label NDArray, float32 (P*K, C): each entry's <b>multi-hot row</b>, 1 at the ordinal of
 * every label its sample holds. {@code oneHot(true)} over a multi-label index gives those multi-hot
 * rows in place of the anchors.
 *
 * <p><b>Memory.</b> The NDArrays are created over the pipeline slot's direct, native-order
 * {@code ByteBuffer}s: an engine that shares such a buffer (PyTorch on CPU) uses the slot's memory in
 * place, one that does not copies it. The slot belongs to the batch until the batch is
 * {@linkplain Batch#close() closed}; closing it (as {@code EasyTrain} does after each step) closes its
 * NDArrays and hands the slot back for refilling, so keep no NDArray of a batch past its close: keep
 * a copy ({@code duplicate()}) instead. Closing a batch whose NDArray was attached to another manager
 * throws an {@code IllegalStateException} (and keeps the slot, so the data stay valid). Close batches in the order they were taken; at most
 * {@code prefetch} (1 with {@code prefetch(0)}) can be open at once. Each batch allocates its NDArray
 * handles, a child manager and its index list; the feature bytes are never copied on the Java side.
 *
 * <p><b>Threads.</b> An epoch starts its pipeline when its iteration starts and stops it after its
 * last batch, when the next {@code getData} starts, on {@link #close()}, or when the abandoned iterable
 * is garbage-collected; {@code prefetch(0)} starts no thread at all. {@code getData}, {@code close} and
 * an epoch iterator's {@code next} are thread-safe.
 */
public final class BalancedDataset implements Dataset, AutoCloseable {
    private static final Cleaner CLEANER = Cleaner.create();
    /** Marks a slot that a closed batch kept (an NDArray over it outlives the batch). */
    private static final Thread KEPT = new Thread("kept slot");
    /** How often a thread waiting for a slot checks whether its epoch was stopped. */
    private static final long STOP_CHECK_MILLIS = 100;

    private final BalancedBatchSampler sampler;
    private final FeatureMatrix[] sources;
    private final Shape[] shapes;
    private final boolean oneHot;
    private final boolean labelValues;
    private final boolean storedBytes;
    private final boolean categoryLabels;
    private final boolean multiHot;
    private final int prefetch;
    private final int threads;
    private long nextEpoch;
    private int nextBatch;
    /** The pipeline of the latest epoch handed out, or null. */
    private Run current;

    private BalancedDataset(Builder b) {
        this.sampler = b.sampler;
        this.sources = b.sources;
        this.oneHot = b.oneHot;
        this.labelValues = b.labelValues;
        this.storedBytes = b.storedBytes;
        this.categoryLabels = b.categoryLabels;
        this.multiHot = b.multiHot;
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
        int epoch = Epochs.take(nextEpoch);
        int batch = nextBatch;
        nextEpoch = epoch + 1L;
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
        return BatchPipeline.builder(sampler).features(sources).oneHot(oneHot || multiHot).storedBytes(storedBytes)
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
        /**
         * Per pipeline slot: the thread whose open batch holds it, {@link #KEPT} once a batch closed
         * without handing it back, or null when free. Guarded by this epoch's monitor.
         */
        private Thread[] holders;

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
            holders = new Thread[p.slots()];
            return this;
        }

        @Override
        public synchronized boolean hasNext() {
            return batch < sampler.batchesPerEpoch();
        }

        /**
         * The next batch. Thread-safe: threads taking from one epoch get distinct batches, never more
         * than the epoch holds. A batch needs the slot of the batch {@code slots} before it: if a
         * batch of another thread still holds it, this waits until that batch closes; if a batch of
         * the calling thread holds it, this throws (waiting would never end).
         */
        @Override
        public synchronized Batch next() {
            int at;
            while (true) { // waiting releases the monitor: another thread may take batches meanwhile
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + epoch + " has no more batches");
                }
                if (pipeline == null || run.stopped()) {
                    throw stopped();
                }
                at = (batch - first) % holders.length;
                if (holders[at] == null) {
                    break;
                }
                int holder = batch - holders.length;
                if (holders[at] == KEPT) {
                    throw new IllegalStateException("batch " + holder + " of epoch " + epoch + " kept its pipeline slot"
                            + " (one of its NDArrays was attached to another manager): batch " + batch + " cannot be taken");
                }
                if (holders[at] == Thread.currentThread()) {
                    throw new IllegalStateException("batch " + holder + " of epoch " + epoch + " is still open in this"
                            + " thread and holds the slot that batch " + batch + " needs: close batches in the order they"
                            + " were taken (at most " + holders.length + " open at once)");
                }
                try {
                    wait(STOP_CHECK_MILLIS); // released() notifies; the timeout notices a stopped epoch
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for batch " + batch + " of epoch " + epoch, e);
                }
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
                out = wrap(slot, batch, at);
            } catch (RuntimeException | Error e) {
                slot.close();
                throw e;
            }
            holders[at] = Thread.currentThread();
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

        /** Called by a closing batch: its slot {@code at} is free again, or {@code kept} by an escaped NDArray. */
        synchronized void released(int at, boolean kept) {
            holders[at] = kept ? KEPT : null;
            notifyAll();
        }

        private Batch wrap(io.github.balancedbatch.pipeline.Batch slot, int b, int at) {
            final int size = sampler.batchSize();
            NDManager sub = manager.newSubManager();
            try {
                NDList data = new NDList(sources.length);
                for (int s = 0; s < sources.length; s++) {
                    data.add(sub.create(slot.featureBytes(s), shapes[s], dataType(slot.featureType(s))));
                }
                NDArray labels = oneHot
                        ? sub.create(slot.oneHotBytes(), new Shape(size, sampler.classes().classCount()), DataType.FLOAT32)
                        : sub.create(labelValues ? slot.labelBytes() : slot.ordinalBytes(), new Shape(size), DataType.INT32);
                NDList labelList = new NDList(labels);
                if (categoryLabels) {
                    labelList.add(sub.create(slot.categoryBytes(), new Shape(size), DataType.INT32));
                }
                if (multiHot) {
                    labelList.add(sub.create(slot.oneHotBytes(), new Shape(size, sampler.classes().classCount()),
                            DataType.FLOAT32));
                }
                int[] rows = slot.rows();
                Long[] indices = new Long[size];
                for (int i = 0; i < size; i++) {
                    indices[i] = (long) rows[i];
                }
                long total = (long) sampler.batchesPerEpoch() * size;
                return new SlotBatch(sub, data, labelList, size, (long) (b + 1) * size, total,
                        Arrays.asList(indices), slot, this, at);
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

    /**
     * A DJL batch over a pipeline slot: closing it closes its NDArrays, then hands the slot back,
     * unless one of them was moved to a manager that outlives the batch (see {@link #close()}).
     */
    static final class SlotBatch extends Batch {
        private final NDManager own;
        /** The NDArrays made over the slot's memory: every data array, then the labels. */
        private final NDArray[] overSlot;
        private final Epoch epoch;
        private final int at;
        private io.github.balancedbatch.pipeline.Batch slot;

        SlotBatch(NDManager manager, NDList data, NDList labels, int size, long progress, long total,
                List<Long> indices, io.github.balancedbatch.pipeline.Batch slot, Epoch epoch, int at) {
            super(manager, data, labels, size, Batchifier.STACK, Batchifier.STACK, progress, total, indices);
            this.own = manager;
            this.overSlot = new NDArray[data.size() + labels.size()];
            for (int i = 0; i < data.size(); i++) {
                overSlot[i] = data.get(i);
            }
            for (int i = 0; i < labels.size(); i++) {
                overSlot[data.size() + i] = labels.get(i);
            }
            this.slot = slot;
            this.epoch = epoch;
            this.at = at;
        }

        /** The pipeline slot whose memory this batch's NDArrays use; null once closed. */
        io.github.balancedbatch.pipeline.Batch slot() {
            return slot;
        }

        /**
         * Closes the batch's NDArrays and hands the slot back for refilling.
         *
         * @throws IllegalStateException if an NDArray over the slot's memory was attached to a
         *     manager that does not close with the batch (e.g. {@code attach(otherManager)}): it would
         *     go on reading the slot while the pipeline refills it with later batches. The slot is then
         *     kept (the pipeline stops at the batch that needs it), so that the NDArray keeps its data;
         *     to keep data past a batch, take a copy ({@code duplicate()}) instead.
         */
        @Override
        public void close() {
            io.github.balancedbatch.pipeline.Batch s = slot;
            if (s == null) {
                return; // closed before: DJL's own Batch would throw here
            }
            slot = null;
            int escaped = escaped();
            try {
                super.close();
            } finally {
                if (escaped < 0) {
                    s.close();
                }
                epoch.released(at, escaped >= 0);
            }
            if (escaped >= 0) {
                int data = overSlot.length - getLabels().size();
                throw new IllegalStateException("batch " + s.batch() + " of epoch " + s.epoch() + ": its "
                        + (escaped < data ? "data NDArray " + escaped : "label NDArray")
                        + " was attached to another manager (" + overSlot[escaped].getManager().getName()
                        + ") and would keep reading the pipeline slot that later batches refill; keep a copy"
                        + " (duplicate()) instead. The slot stays held: taking the batch that needs it will fail");
            }
        }

        /** The first NDArray over the slot that is open and would not close with this batch, or -1. */
        private int escaped() {
            for (int i = 0; i < overSlot.length; i++) {
                NDArray a = overSlot[i];
                if (!a.isReleased() && !closesWith(a.getManager(), own)) {
                    return i;
                }
            }
            return -1;
        }

        /** Whether {@code m} is {@code owner} or one of its descendants (which close with it). */
        private static boolean closesWith(NDManager m, NDManager owner) {
            for (NDManager at = m; at != null; at = at.getParentManager()) {
                if (at == owner) {
                    return true;
                }
                if (at == at.getParentManager()) {
                    return false;
                }
            }
            return false;
        }
    }

    /** Configures a {@link BalancedDataset}. Not thread-safe. */
    public static final class Builder {
        private final BalancedBatchSampler sampler;
        private FeatureMatrix[] sources = new FeatureMatrix[0];
        private boolean oneHot;
        private boolean labelValues;
        private boolean storedBytes;
        private boolean categoryLabels;
        private boolean multiHot;
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

        /**
         * Labels as float32 one-hot rows (P*K, C), columns in class order, instead of int32 class
         * ordinals (default false). Over a multi-label index the rows are multi-hot: 1 at every label
         * the entry's sample holds (see {@link #multiHot(boolean)} to keep the anchors as well).
         */
        public Builder oneHot(boolean oneHot) {
            this.oneHot = oneHot;
            return this;
        }

        /**
         * Labels as the int32 label values themselves (-5, 7, 1000000, ...) instead of class ordinals
         * (default false: each entry's class ordinal, 0 to C-1 in ascending label order, as
         * {@link io.github.balancedbatch.sampler.ClassIndex#label(int)} maps them back). DJL's
         * classification losses index their output by the label, so they need ordinals; values suit
         * losses that only compare labels (metric learning).
         */
        public Builder labelValues(boolean labelValues) {
            this.labelValues = labelValues;
            return this;
        }

        /**
         * A second label NDArray in every batch: each entry's category ordinal, int32 (P*K), 0 to G-1
         * in ascending category value (as {@link io.github.balancedbatch.sampler.CategoryIndex#label(int)}
         * maps them back), after the class labels (default false). Needs a category-balanced sampler
         * ({@code BalancedBatchSampler.Builder.categories}); the NDArray shares the pipeline slot's
         * memory like the others.
         *
         * @throws IllegalArgumentException if {@code categoryLabels} is true and the sampler has no categories
         */
        public Builder categoryLabels(boolean categoryLabels) {
            if (categoryLabels && sampler.categories() == null) {
                throw new IllegalArgumentException("categoryLabels(true) needs a sampler with categories"
                        + " (BalancedBatchSampler.Builder.categories and categoriesPerBatch)");
            }
            this.categoryLabels = categoryLabels;
            return this;
        }

        /**
         * A second label NDArray in every batch, after the anchors: each entry's multi-hot row,
         * float32 (P*K, C), 1 at the ordinal of every class its sample belongs to and 0 elsewhere
         * (default false). Needs a multi-label index ({@code ClassIndex.ofMultiLabel} or
         * {@code ofMultiHot}); the NDArray shares the pipeline slot's memory like the others.
         *
         * @throws IllegalArgumentException if {@code multiHot} is true and the index is not multi-label
         */
        public Builder multiHot(boolean multiHot) {
            if (multiHot && !sampler.classes().multiLabel()) {
                throw new IllegalArgumentException("multiHot(true) needs a multi-label index"
                        + " (ClassIndex.ofMultiLabel or ofMultiHot); oneHot(true) gives one-hot rows of single labels");
            }
            this.multiHot = multiHot;
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
            if (oneHot && labelValues) {
                throw new IllegalStateException("oneHot(true) and labelValues(true) both choose the labels: pick one");
            }
            if (oneHot && multiHot) {
                throw new IllegalStateException("oneHot(true) already gives multi-hot rows in place of the anchors,"
                        + " multiHot(true) after them: pick one");
            }
            return new BalancedDataset(this);
        }
    }
}
