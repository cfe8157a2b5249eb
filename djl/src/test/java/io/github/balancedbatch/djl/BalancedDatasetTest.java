package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.BatchLabels;
import io.github.balancedbatch.data.FeatureMatrix;
import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BalancedDatasetTest extends DatasetEngineTest {
    private static float[] gathered(FeatureMatrix m, int[] rows) {
        FloatBuffer dst = BatchBuffers.floats(rows.length * m.width());
        m.gather(rows, 0, rows.length, dst);
        float[] out = new float[rows.length * m.width()];
        dst.flip().get(out);
        return out;
    }

    private static int[] ints(List<?> indices) {
        return indices.stream().mapToInt(o -> ((Long) o).intValue()).toArray();
    }

    @ParameterizedTest(name = "prefetch {0}, threads {1}, label values {2}")
    @CsvSource({"0, 1, false", "1, 1, false", "3, 2, false", "0, 1, true", "3, 2, true"})
    void batchesAreTheCursorsWithGatheredRowsAndLabels(int prefetch, int threads, boolean labelValues) {
        BalancedBatchSampler sampler = Fixtures.sampler(42);
        FeatureMatrix images = Fixtures.features(0, 2, 3);
        FeatureMatrix extra = Fixtures.features(7, 5);
        int per = sampler.batchesPerEpoch();
        List<List<Long>> expected = Fixtures.cursorBatches(sampler, 0, 0, 2 * per);
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(images, extra)
                .labelValues(labelValues).prefetch(prefetch).threads(threads).build()) {
            int at = 0;
            for (int e = 0; e < 2; e++) {
                int inEpoch = 0;
                for (Batch batch : data.getData(manager)) {
                    try (batch) {
                        List<?> indices = batch.getIndices();
                        assertEquals(expected.get(at++), indices, "epoch " + e + " batch " + inEpoch);
                        int[] rows = ints(indices);
                        NDList x = batch.getData();
                        assertEquals(2, x.size());
                        assertEquals(new Shape(12, 2, 3), x.get(0).getShape());
                        assertEquals(new Shape(12, 5), x.get(1).getShape());
                        assertArrayEquals(gathered(images, rows), x.get(0).toFloatArray());
                        assertArrayEquals(gathered(extra, rows), x.get(1).toFloatArray());
                        NDArray y = batch.getLabels().singletonOrThrow();
                        assertEquals(DataType.INT32, y.getDataType());
                        int[] labels = Fixtures.labels();
                        int[] want = new int[rows.length];
                        for (int i = 0; i < rows.length; i++) {
                            // default: the class ordinal (labels sorted: -5 -> 0, 3 -> 1, 7 -> 2, ...)
                            want[i] = labelValues ? labels[rows[i]] : sampler.classes().ordinalOf(labels[rows[i]]);
                        }
                        assertArrayEquals(want, y.toIntArray());
                        assertEquals(12, batch.getSize());
                        assertEquals((inEpoch + 1L) * 12, batch.getProgress());
                        assertEquals(per * 12L, batch.getProgressTotal());
                        inEpoch++;
                    }
                }
                assertEquals(per, inEpoch, "batches in epoch " + e);
            }
            assertEquals(2 * per, at);
        }
    }

    /** A compact source: float32 values by default (scaled as its view says), its stored bytes on request. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"UINT8, UINT8", "INT8, INT8"})
    void compactSourcesGiveFloatsOrTheirStoredBytes(NpyType type, DataType djlType) {
        BalancedBatchSampler sampler = Fixtures.sampler(5);
        byte[] stored = new byte[Fixtures.N * 4];
        for (int i = 0; i < stored.length; i++) {
            stored[i] = (byte) (i * 37 + 11);
        }
        FeatureMatrix raw = FeatureMatrix.copyOf(stored, type, Fixtures.N, 2, 2);
        FeatureMatrix pixels = raw.scaled(1 / 255f, 0);
        List<List<Long>> expected = Fixtures.cursorBatches(sampler, 0, 0, 3);
        for (boolean storedBytes : new boolean[] {false, true}) {
            try (BalancedDataset data = BalancedDataset.builder(sampler).features(pixels).storedBytes(storedBytes)
                    .prefetch(2).build()) {
                Iterator<Batch> it = data.getData(manager).iterator();
                for (int b = 0; b < 3; b++) {
                    try (Batch batch = it.next()) {
                        assertEquals(expected.get(b), batch.getIndices());
                        int[] rows = ints(batch.getIndices());
                        NDArray x = batch.getData().singletonOrThrow();
                        assertEquals(new Shape(12, 2, 2), x.getShape());
                        if (storedBytes) {
                            assertEquals(djlType, x.getDataType());
                            ByteBuffer want = ByteBuffer.allocateDirect(12 * 4);
                            raw.gather(rows, 0, rows.length, want);
                            byte[] w = new byte[12 * 4];
                            want.flip().get(w);
                            assertArrayEquals(w, x.toByteArray(), "the stored bytes, unscaled");
                        } else {
                            assertEquals(DataType.FLOAT32, x.getDataType());
                            assertArrayEquals(gathered(pixels, rows), x.toFloatArray(), "converted and scaled");
                        }
                    }
                }
                while (it.hasNext()) {
                    it.next().close();
                }
            }
        }
    }

    @Test
    void oneHotLabelsAreFloatRowsInClassOrder() {
        BalancedBatchSampler sampler = Fixtures.sampler(9);
        BatchCursor cursor = sampler.cursor(0, 0);
        int[] rows = new int[12];
        int[] classes = new int[12];
        int c = sampler.classes().classCount();
        FloatBuffer want = BatchBuffers.floats(12 * c);
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 1))
                .oneHot(true).prefetch(2).build()) {
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    cursor.next(rows, classes);
                    want.clear();
                    BatchLabels.oneHot(classes, 12, c, want);
                    float[] expected = new float[12 * c];
                    want.flip().get(expected);
                    NDArray y = batch.getLabels().singletonOrThrow();
                    assertEquals(new Shape(12, c), y.getShape());
                    assertEquals(DataType.FLOAT32, y.getDataType());
                    assertArrayEquals(expected, y.toFloatArray());
                }
            }
        }
    }

    @Test
    void startResumesInsideAnEpochThenYieldsWholeEpochs() {
        BalancedBatchSampler sampler = Fixtures.sampler(3);
        int per = sampler.batchesPerEpoch();
        List<List<Long>> all = Fixtures.cursorBatches(sampler, 4, 0, 2 * per);
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 1))
                .start(4, 7).build()) {
            assertEquals(all.subList(7, per), indices(data.getData(manager)));
            assertEquals(all.subList(per, 2 * per), indices(data.getData(manager)));
        }
    }

    private static List<List<?>> indices(Iterable<Batch> epoch) {
        List<List<?>> out = new ArrayList<>();
        for (Batch b : epoch) {
            try (b) {
                out.add(b.getIndices());
            }
        }
        return out;
    }

    @Test
    void easyTrainFitsTwoEpochsOnTheSamplersBatches() throws Exception {
        BalancedBatchSampler sampler = Fixtures.sampler(21);
        int per = sampler.batchesPerEpoch();
        int c = sampler.classes().classCount();
        List<List<?>> seen = new ArrayList<>();
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 2, 3))
                .oneHot(true).prefetch(2).build();
             Model model = Model.newInstance("fit", "PyTorch")) {
            model.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(c).build()));
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.001f)).build())
                    .addTrainingListeners(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            seen.add(batchData.getBatch().getIndices());
                        }
                    });
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(12, 2, 3));
                EasyTrain.fit(trainer, 2, data, null);
            }
        }
        assertEquals(Fixtures.cursorBatches(sampler, 0, 0, 2 * per), seen);
    }

    @Test
    void anEpochLeftEarlyLeavesNoThreadOnceTheNextStarts() {
        BalancedBatchSampler sampler = Fixtures.sampler(8);
        int per = sampler.batchesPerEpoch();
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 4))
                .prefetch(3).threads(2).build()) {
            int taken = 0;
            for (Batch batch : data.getData(manager)) {
                try (batch) {
                    assertFalse(Fixtures.pipelineThreads().isEmpty(), "the pipeline runs while the epoch is iterated");
                    if (++taken == 2) {
                        break;
                    }
                }
            }
            Iterable<Batch> next = data.getData(manager);
            assertEquals(List.of(), List.copyOf(Fixtures.pipelineThreads()), "threads after leaving epoch 0 early");
            assertEquals(Fixtures.cursorBatches(sampler, 1, 0, per), indices(next), "epoch 1 whole, after the early exit");
        }
    }

    @Test
    void aFailingStepInEasyTrainLeavesNoThreadAfterClose() throws Exception {
        BalancedBatchSampler sampler = Fixtures.sampler(8);
        int c = sampler.classes().classCount();
        BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 4))
                .oneHot(true).prefetch(3).build();
        try (Model model = Model.newInstance("fail", "PyTorch")) {
            model.setBlock(Linear.builder().setUnits(c).build());
            int[] steps = {0};
            DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                    .addTrainingListeners(new TrainingListenerAdapter() {
                        @Override
                        public void onTrainingBatch(Trainer trainer, BatchData batchData) {
                            if (++steps[0] == 3) {
                                throw new IllegalStateException("step 3 fails");
                            }
                        }
                    });
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(12, 4));
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> EasyTrain.fit(trainer, 1, data, null));
                assertEquals("step 3 fails", e.getMessage());
                assertFalse(Fixtures.pipelineThreads().isEmpty(), "the failed epoch's pipeline still runs");
            }
        } finally {
            data.close();
        }
        assertEquals(List.of(), List.copyOf(Fixtures.pipelineThreads()), "threads after close");
    }

    @Test
    void anAbandonedEpochIsStoppedWhenCollected() throws InterruptedException {
        BalancedBatchSampler sampler = Fixtures.sampler(8);
        BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 4)).prefetch(2).build();
        Iterator<Batch> it = data.getData(manager).iterator();
        it.next().close();
        assertFalse(Fixtures.pipelineThreads().isEmpty());
        it = null; // the only reference: the cleaner stops its pipeline once it is collected
        for (int i = 0; i < 100 && !Fixtures.pipelineThreads().isEmpty(); i++) {
            System.gc();
            Thread.sleep(50);
        }
        assertNull(it);
        assertEquals(List.of(), List.copyOf(Fixtures.pipelineThreads()), "threads after the iterator was collected");
    }

    @Test
    void ndArraysShareTheSlotsMemoryUntilTheBatchCloses() {
        BalancedBatchSampler sampler = Fixtures.sampler(13);
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 3))
                .prefetch(0).build()) {
            Iterator<Batch> it = data.getData(manager).iterator();
            Batch batch = it.next();
            BalancedDataset.SlotBatch slotBatch = (BalancedDataset.SlotBatch) batch;
            ByteBuffer features = slotBatch.slot().featureBytes(0);
            ByteBuffer labels = slotBatch.slot().ordinalBytes();
            features.putFloat(5 * Float.BYTES, -1234.5f);
            labels.putInt(3 * Integer.BYTES, 987654);
            assertEquals(-1234.5f, batch.getData().head().toFloatArray()[5], "a write into the slot shows in the NDArray");
            assertEquals(987654, batch.getLabels().head().toIntArray()[3], "a write into the slot shows in the labels");

            IllegalStateException held = assertThrows(IllegalStateException.class, it::next);
            assertEquals("batch 0 of epoch 0 is still open in this thread and holds the slot that batch 1 needs:"
                    + " close batches in the order they were taken (at most 1 open at once)", held.getMessage());
            batch.close();
            assertNull(slotBatch.slot());
            batch.close(); // twice: nothing happens
            Batch second = it.next(); // the slot was handed back: the synchronous pipeline refills it
            second.close();
        }
    }

    /** The measurement behind the README's table: what the PyTorch engine shares and what it copies. */
    @Test
    void pytorchSharesADirectByteBufferButCopiesAFloatBuffer() {
        ByteBuffer bytes = ByteBuffer.allocateDirect(4 * Float.BYTES).order(ByteOrder.nativeOrder());
        FloatBuffer floats = bytes.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
        IntBuffer ints = ByteBuffer.allocateDirect(4 * Integer.BYTES).order(ByteOrder.nativeOrder()).asIntBuffer();
        float[] heap = new float[4];
        try (NDManager m = manager.newSubManager()) {
            NDArray fromBytes = m.create(bytes, new Shape(4), DataType.FLOAT32);
            NDArray fromFloats = m.create(floats, new Shape(4));
            NDArray fromInts = m.create(ints, new Shape(4));
            NDArray fromHeap = m.create(heap, new Shape(4));
            bytes.putFloat(0, 42f);
            ints.put(0, 42);
            heap[0] = 42f;
            assertEquals(42f, fromBytes.toFloatArray()[0], "direct ByteBuffer: shared");
            assertNotEquals(42f, fromFloats.toFloatArray()[0], "direct FloatBuffer view: copied");
            assertNotEquals(42, fromInts.toIntArray()[0], "direct IntBuffer view: copied");
            assertNotEquals(42f, fromHeap.toFloatArray()[0], "float[]: copied");
        }
    }

    @Test
    void refusesWhatCannotWork() {
        BalancedBatchSampler sampler = Fixtures.sampler(1);
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> BalancedDataset.builder(sampler).build());
        assertEquals("no feature source: call features(...) with at least one matrix", none.getMessage());
        FeatureMatrix shorter = FeatureMatrix.copyOf(new float[10], 10, 1);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> BalancedDataset.builder(sampler).features(shorter));
        assertEquals("feature source 0 has 10 rows, the labels have 230", rows.getMessage());
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 1)).build()) {
            Iterable<Batch> epoch = data.getData(manager);
            epoch.iterator();
            assertThrows(IllegalStateException.class, epoch::iterator);
        }
    }
}
