package io.github.balancedbatch.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Labels DJL's losses take, and the misuses that used to give wrong data without a word. */
class BalancedDatasetMisuseTest extends EngineTest {
    private static Trainer classifier(Model model, int classes) {
        model.setBlock(new SequentialBlock().add(Blocks.batchFlattenBlock()).add(Linear.builder().setUnits(classes).build()));
        Trainer trainer = model.newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build()));
        trainer.initialize(new Shape(12, 2, 3));
        return trainer;
    }

    /** Labels -5, 7, 1000000 ...: the default class ordinals train a sparse softmax classifier; raw values cannot. */
    @Test
    void sparseSoftmaxTrainsOnClassOrdinalsOfSparseLabelValues() throws Exception {
        BalancedBatchSampler sampler = Fixtures.sampler(5);
        int classes = sampler.classes().classCount();
        assertEquals(1_000_000, sampler.classes().label(classes - 1), "the fixture's labels are sparse values");
        try (Model model = Model.newInstance("ordinals", "PyTorch");
             Trainer trainer = classifier(model, classes);
             BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 2, 3)).build()) {
            EasyTrain.fit(trainer, 2, data, null);
            for (Batch b : data.getData(manager)) {
                try (b) {
                    int[] labels = b.getLabels().head().toIntArray();
                    int[] rows = b.getIndices().stream().mapToInt(o -> ((Long) o).intValue()).toArray();
                    for (int i = 0; i < rows.length; i++) {
                        assertEquals(sampler.classes().ordinalOf(Fixtures.labels()[rows[i]]), labels[i]);
                    }
                    float loss = trainer.getLoss().evaluate(b.getLabels(), trainer.evaluate(b.getData())).getFloat();
                    assertTrue(Float.isFinite(loss) && loss > 0, "a finite loss after training, got " + loss);
                }
            }
        }
        try (Model model = Model.newInstance("values", "PyTorch");
             Trainer trainer = classifier(model, classes);
             BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 2, 3))
                     .labelValues(true).build()) {
            EngineException e = assertThrows(EngineException.class, () -> EasyTrain.fit(trainer, 1, data, null));
            assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
        }
    }

    @Test
    void oneHotAndLabelValuesTogetherAreRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BalancedDataset.builder(Fixtures.sampler(1))
                .features(Fixtures.features(0, 1)).oneHot(true).labelValues(true).build());
        assertEquals("oneHot(true) and labelValues(true) both choose the labels: pick one", e.getMessage());
    }

    /** An NDArray moved to a longer-lived manager would read the refilled slot: closing the batch says so. */
    @Test
    void closingABatchWhoseDataWasAttachedElsewhereThrowsAndKeepsTheData() {
        BalancedBatchSampler sampler = Fixtures.sampler(13);
        try (NDManager other = manager.newSubManager();
             BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 3)).prefetch(2).build()) {
            Iterator<Batch> it = data.getData(manager).iterator();
            Batch first = it.next();
            NDArray kept = first.getData().head();
            float[] values = kept.toFloatArray();
            kept.attach(other);
            IllegalStateException e = assertThrows(IllegalStateException.class, first::close);
            assertTrue(e.getMessage().startsWith("batch 0 of epoch 0: its data NDArray 0 was attached to another manager"),
                    e.getMessage());
            it.next().close(); // the second slot is free
            IllegalStateException held = assertThrows(IllegalStateException.class, it::next);
            assertEquals("batch 0 of epoch 0 kept its pipeline slot (one of its NDArrays was attached to another manager):"
                    + " batch 2 cannot be taken", held.getMessage());
            assertArrayEquals(values, kept.toFloatArray(), "the escaped NDArray's data never changed");

            Batch again = data.getData(manager).iterator().next();
            NDArray copy = again.getData().head().duplicate();
            copy.attach(other);
            float[] copied = copy.toFloatArray();
            again.close(); // a copy is the safe way: no complaint
            assertArrayEquals(copied, copy.toFloatArray());
        }
    }

    /** Two threads draining one epoch: every batch once, never more than the epoch holds. */
    @Test
    void twoThreadsTakingFromOneEpochGetExactlyItsBatches() throws Exception {
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(ClassIndex.of(new int[400]))
                .classesPerBatch(1).samplesPerClass(4).batchesPerEpoch(100).seed(2).build();
        try (BalancedDataset data = BalancedDataset.builder(sampler)
                .features(io.github.balancedbatch.data.FeatureMatrix.copyOf(new float[400], 400, 1)).prefetch(4).build()) {
            for (int epoch = 0; epoch < 200; epoch++) {
                Iterator<Batch> it = data.getData(manager).iterator();
                AtomicInteger taken = new AtomicInteger();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                CountDownLatch start = new CountDownLatch(1);
                Thread[] threads = new Thread[2];
                for (int t = 0; t < threads.length; t++) {
                    threads[t] = new Thread(() -> {
                        try {
                            start.await();
                            while (true) {
                                Batch b;
                                try {
                                    b = it.next();
                                } catch (NoSuchElementException end) {
                                    return;
                                }
                                taken.incrementAndGet();
                                b.close();
                            }
                        } catch (Throwable x) {
                            failure.compareAndSet(null, x);
                        }
                    });
                    threads[t].start();
                }
                start.countDown();
                for (Thread t : threads) {
                    t.join();
                }
                if (failure.get() != null) {
                    throw new AssertionError("epoch " + epoch, failure.get());
                }
                assertEquals(100, taken.get(), "batches delivered in epoch " + epoch);
            }
        }
    }

    /** The last epoch of the stream can be taken; only the call after it fails. */
    @Test
    void theLastEpochCanBeTakenAndTheOneAfterItIsRefused() {
        BalancedBatchSampler sampler = Fixtures.sampler(4);
        int per = sampler.batchesPerEpoch();
        try (BalancedDataset data = BalancedDataset.builder(sampler).features(Fixtures.features(0, 1))
                .prefetch(2).start(Integer.MAX_VALUE, per - 2).build()) {
            int n = 0;
            for (Batch b : data.getData(manager)) {
                try (b) {
                    assertEquals(Fixtures.cursorBatches(sampler, Integer.MAX_VALUE, per - 2 + n, 1).get(0), b.getIndices());
                    n++;
                }
            }
            assertEquals(2, n);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> data.getData(manager));
            assertEquals("the stream ended: epoch 2147483647 was the last", e.getMessage());
        }
        BalancedSampler djl = new BalancedSampler(sampler);
        djl.seek(Integer.MAX_VALUE, 0);
        ai.djl.training.dataset.ArrayDataset dataset = new ai.djl.training.dataset.ArrayDataset.Builder()
                .setData(manager.zeros(new Shape(Fixtures.N, 1))).setSampling(djl).build();
        Iterator<java.util.List<Long>> last = djl.sample(dataset);
        int batches = 0;
        while (last.hasNext()) {
            last.next();
            batches++;
        }
        assertEquals(per, batches);
        assertThrows(IllegalStateException.class, () -> djl.sample(dataset));
    }
}
