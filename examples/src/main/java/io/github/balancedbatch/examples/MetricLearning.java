package io.github.balancedbatch.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.translate.TranslateException;
import io.github.balancedbatch.djl.BalancedDataset;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Metric learning: the CNN embeds images on the unit sphere, trained with the batch-hard triplet
 * loss on P x K batches; recall@1 on the test set before training, after, and for raw pixels; and,
 * for comparison, the same model, loss, seed and steps on plain shuffled batches of P*K images.
 *
 * <p>The first fifth of the steps assembles batches inline ({@code prefetch(0)}), the rest with the
 * background pipeline, resumed at the very next batch: the batches are those of one uninterrupted
 * run, and the two phases give the wait per step of each data path.
 */
final class MetricLearning {
    static final int P = 10;
    static final int K = 4;
    static final float MARGIN = 0.2f;
    static final int STEPS = 3000;
    /** The default seed (sampler and initial weights); {@code --seed} picks another. */
    static final int SEED = 1;

    /** The numbers the program reports. */
    static final class Result {
        double rawPixels;
        double before;
        double after;
        /** After the same training on shuffled batches. */
        double shuffled;
        final Training.Times inline = new Training.Times();
        final Training.Times pipeline = new Training.Times();
    }

    private MetricLearning() {}

    static Result run(FashionMnist data, NDManager manager, double scale, int seed, PrintStream out)
            throws IOException, TranslateException {
        int steps = Main.scaled(STEPS, scale);
        int inlineSteps = Math.max(1, steps / 5);
        Result r = new Result();
        BalancedBatchSampler sampler = BalancedBatchSampler.builder(ClassIndex.of(data.train.labels))
                .classesPerBatch(P).samplesPerClass(K).seed(seed).build();
        out.printf(Locale.ROOT, "%s metric learning: P=%d K=%d, batch-hard triplet loss (margin %.1f), %d steps"
                + " (%d inline, %d with the pipeline), Adam %.0e -> %.0e cosine, seed %d%n", Main.clock(),
                P, K, MARGIN, steps, inlineSteps, steps - inlineSteps, Training.BASE_RATE, Training.FINAL_RATE, seed);
        try (NDManager scope = manager.newSubManager()) {
            NDArray pixels = Models.images(scope, data.test, 0, data.test.size()).reshape(data.test.size(), -1);
            r.rawPixels = Models.recallAt1(Models.unit(pixels), data.test.labels);
        }
        try (Model model = Model.newInstance("embedding", "PyTorch");
             Trainer trainer = Training.trainer(model, Models.embedding(), new BatchHardTripletLoss(MARGIN),
                     sampler.batchSize(), steps, seed)) {
            r.before = recall(trainer, manager, data);
            out.printf(Locale.ROOT, "%s   recall@1 raw pixels %.4f, untrained CNN %.4f%n", Main.clock(), r.rawPixels, r.before);
            long t0 = System.nanoTime();
            try (BalancedDataset inline = BalancedDataset.builder(sampler).features(data.train.images).prefetch(0).build()) {
                Training.train(trainer, inline, inlineSteps, r.inline);
            }
            int per = sampler.batchesPerEpoch();
            try (BalancedDataset piped = BalancedDataset.builder(sampler).features(data.train.images)
                    .prefetch(4).threads(1).start(inlineSteps / per, inlineSteps % per).build()) {
                Training.train(trainer, piped, steps - inlineSteps, r.pipeline);
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            r.after = recall(trainer, manager, data);
            out.printf(Locale.ROOT, "%s   trained %d steps in %.1f s; recall@1 after training %.4f%n", Main.clock(), steps, seconds, r.after);
        }
        try (NDManager scope = manager.newSubManager();
             Model model = Model.newInstance("embedding-shuffled", "PyTorch");
             Trainer trainer = Training.trainer(model, Models.embedding(), new BatchHardTripletLoss(MARGIN),
                     sampler.batchSize(), steps, seed)) {
            Training.train(trainer, Training.shuffled(scope, data.train, sampler.batchSize(), seed), steps,
                    new Training.Times());
            r.shuffled = recall(trainer, manager, data);
            out.printf(Locale.ROOT, "%s   the same on shuffled batches of %d: recall@1 %.4f%n", Main.clock(),
                    sampler.batchSize(), r.shuffled);
        }
        return r;
    }

    private static double recall(Trainer trainer, NDManager manager, FashionMnist data) {
        try (NDManager scope = manager.newSubManager()) {
            return Models.recallAt1(Models.outputs(trainer, scope, data.test), data.test.labels);
        }
    }
}
