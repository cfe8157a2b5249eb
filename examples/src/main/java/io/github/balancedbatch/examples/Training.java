package io.github.balancedbatch.examples;

import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.util.Iterator;

/** The training loop both experiments share: EasyTrain's step, for a fixed number of steps, timed. */
final class Training {
    /** Adam's learning rate at the first step; a cosine decay takes it to {@link #FINAL_RATE} at the last. */
    static final float BASE_RATE = 1e-3f;
    static final float FINAL_RATE = 1e-5f;

    private Training() {}

    /** Time spent per step waiting for the next batch, and computing the step (forward, backward, update). */
    static final class Times {
        long steps;
        long waitNanos;
        long computeNanos;

        double waitMillis() {
            return steps == 0 ? 0 : waitNanos / 1e6 / steps;
        }

        double computeMillis() {
            return steps == 0 ? 0 : computeNanos / 1e6 / steps;
        }
    }

    /**
     * Plain shuffled batches of {@code batch} images of {@code split}, the usual way to train: DJL's
     * {@code ArrayDataset} over the split's bytes (no copy) with a seeded shuffle per epoch.
     */
    static Dataset shuffled(NDManager manager, FashionMnist.Split split, int batch, long seed) {
        return new ArrayDataset.Builder()
                .setData(manager.create(split.bytes, new Shape(split.size(), FashionMnist.SIDE, FashionMnist.SIDE),
                        DataType.FLOAT32))
                .optLabels(manager.create(split.labels))
                .setSampling(new ShuffledSampler(batch, seed))
                .build();
    }

    /** A model and its trainer, initialised from {@code seed}, for {@code steps} steps of batches of {@code batch}. */
    static Trainer trainer(Model model, Block block, Loss loss, int batch, int steps, int seed) {
        Engine.getInstance().setRandomSeed(seed);
        model.setBlock(block);
        Tracker rate = Tracker.cosine().setBaseValue(BASE_RATE).optFinalValue(FINAL_RATE)
                .setMaxUpdates(Math.max(1, steps)).build();
        DefaultTrainingConfig config = new DefaultTrainingConfig(loss)
                .optOptimizer(Optimizer.adam().optLearningRateTracker(rate).build());
        Trainer trainer = model.newTrainer(config);
        trainer.initialize(new Shape(batch, FashionMnist.SIDE, FashionMnist.SIDE));
        return trainer;
    }

    /**
     * Trains {@code steps} steps on {@code data}, epoch after epoch ({@code getData} once per epoch;
     * the last epoch is left when the budget is spent), adding the time of each step to {@code times}.
     */
    static void train(Trainer trainer, Dataset data, int steps, Times times) throws IOException, TranslateException {
        int done = 0;
        while (done < steps) {
            Iterator<Batch> epoch = data.getData(trainer.getManager()).iterator();
            int inEpoch = 0;
            while (done < steps) {
                long t0 = System.nanoTime();
                if (!epoch.hasNext()) {
                    break;
                }
                Batch batch = epoch.next();
                long t1 = System.nanoTime();
                try (batch) {
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                }
                long t2 = System.nanoTime();
                times.waitNanos += t1 - t0;
                times.computeNanos += t2 - t1;
                times.steps++;
                done++;
                inEpoch++;
            }
            if (inEpoch == 0) {
                throw new IllegalStateException("an epoch of the training data has no batch");
            }
        }
    }
}
