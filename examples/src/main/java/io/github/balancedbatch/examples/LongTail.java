package io.github.balancedbatch.examples;

import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.loss.Loss;
import ai.djl.translate.TranslateException;
import io.github.balancedbatch.djl.BalancedDataset;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Long tail: Fashion-MNIST-LT (exponential profile, imbalance ratio 100: class i keeps the first
 * floor(n * 100^(-i/9)) of its training images in file order, n = 6000) and the CNN classifier trained
 * for the same number of steps on each sampler variant; accuracy on the full, balanced test set.
 */
final class LongTail {
    static final double IMBALANCE = 100;
    /**
     * Five of the ten classes per batch: with every class in every batch (P = 10) a class could not
     * appear more often than another, and the strategies below would all be the same.
     */
    static final int P = 5;
    static final int K = 8;
    /**
     * Epochs over which progressive balancing moves from instance- to class-balanced: the run's
     * length ({@link #STEPS} = 1,000 batches of 40 over about 14,900 images, 2.7 epochs) rounded up,
     * so that the class shares move across the whole run, as in Kang et al.
     */
    static final int PROGRESSIVE_EPOCHS = 3;
    static final int BATCH = P * K;
    static final int STEPS = 1000;
    /** The three rarest classes of the long-tailed set: sneaker, bag, ankle boot. */
    static final int[] TAIL = {7, 8, 9};

    /** A named way of dealing the long-tailed training set into batches of {@link #BATCH}. */
    record Variant(String name, Maker maker) {
        /** Plain shuffled batches (DJL's ArrayDataset with a seeded shuffle). */
        static Variant shuffled(String name) {
            return new Variant(name, (manager, lt, seed) -> Training.shuffled(manager, lt, BATCH, seed));
        }

        /** P x K batches from the balanced sampler, configured further by {@code options}. */
        static Variant balanced(String name, UnaryOperator<BalancedBatchSampler.Builder> options) {
            return new Variant(name, (manager, lt, seed) -> BalancedDataset.builder(
                    options.apply(BalancedBatchSampler.builder(ClassIndex.of(lt.labels))
                            .classesPerBatch(P).samplesPerClass(K).seed(seed)).build())
                    .features(lt.images).prefetch(4).build());
        }
    }

    /** Makes a variant's training data. */
    interface Maker {
        Dataset make(NDManager manager, FashionMnist.Split longTail, long seed);
    }

    /** The variants compared, in order; one line each. */
    static final List<Variant> VARIANTS = List.of(
            Variant.shuffled("shuffled"),
            Variant.balanced("balanced", b -> b),
            Variant.balanced("square-root", b -> b.classWeightPower(0.5)),
            Variant.balanced("progressive", b -> b.progressiveEpochs(PROGRESSIVE_EPOCHS)));

    /** Accuracy of one variant, averaged over seeds. */
    static final class Result {
        final String name;
        final double[] perClass = new double[10];
        double accuracy;

        Result(String name) {
            this.name = name;
        }

        double worst() {
            double w = 1;
            for (double a : perClass) {
                w = Math.min(w, a);
            }
            return w;
        }

        double tail() {
            double s = 0;
            for (int c : TAIL) {
                s += perClass[c];
            }
            return s / TAIL.length;
        }
    }

    private LongTail() {}

    /** The long-tailed subset of {@code train}. */
    static FashionMnist.Split longTail(FashionMnist.Split train) {
        int[] counts = new int[10];
        for (int l : train.labels) {
            counts[l]++;
        }
        int n = Integer.MAX_VALUE;
        for (int c : counts) {
            n = Math.min(n, c);
        }
        int[] keep = new int[10];
        for (int c = 0; c < 10; c++) {
            keep[c] = Math.max(1, (int) Math.floor(n * Math.pow(IMBALANCE, -c / 9.0)));
        }
        int[] taken = new int[10];
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            int c = train.labels[i];
            if (taken[c] < keep[c]) {
                taken[c]++;
                rows.add(i);
            }
        }
        return train.subset(rows.stream().mapToInt(Integer::intValue).toArray());
    }

    static List<Result> run(FashionMnist data, NDManager manager, double scale, int seeds, PrintStream out)
            throws IOException, TranslateException {
        FashionMnist.Split lt = longTail(data.train);
        int steps = Main.scaled(STEPS, scale);
        int[] sizes = new int[10];
        for (int l : lt.labels) {
            sizes[l]++;
        }
        StringBuilder profile = new StringBuilder();
        for (int c = 0; c < 10; c++) {
            profile.append(c == 0 ? "" : " ").append(FashionMnist.CLASS_NAMES[c]).append('=').append(sizes[c]);
        }
        out.printf(Locale.ROOT, "%s long tail: %d training images (%s); classifier, batches of %d, %d steps each,"
                + " Adam %.0e -> %.0e cosine, softmax cross-entropy, %d seed(s)%n", Main.clock(),
                lt.size(), profile, BATCH, steps, Training.BASE_RATE, Training.FINAL_RATE, seeds);
        List<Result> results = new ArrayList<>();
        for (Variant v : VARIANTS) {
            Result r = new Result(v.name());
            for (int seed = 1; seed <= seeds; seed++) {
                double[] acc = trainOne(v, lt, data.test, manager, steps, seed);
                for (int c = 0; c < 10; c++) {
                    r.perClass[c] += acc[c] / seeds;
                }
                r.accuracy += acc[10] / seeds;
                out.printf(Locale.ROOT, "%s   %-11s seed %d: accuracy %.4f, %s %.4f%n", Main.clock(), v.name(), seed, acc[10],
                        FashionMnist.CLASS_NAMES[6], acc[6]);
            }
            StringBuilder perClass = new StringBuilder();
            for (int c = 0; c < 10; c++) {
                perClass.append(String.format(Locale.ROOT, " %s=%.3f", FashionMnist.CLASS_NAMES[c], r.perClass[c]));
            }
            out.printf(Locale.ROOT, "%s   %-11s per class:%s%n", Main.clock(), v.name(), perClass);
            results.add(r);
        }
        return results;
    }

    private static double[] trainOne(Variant v, FashionMnist.Split lt, FashionMnist.Split test, NDManager manager,
            int steps, int seed) throws IOException, TranslateException {
        try (NDManager scope = manager.newSubManager();
             Model model = Model.newInstance("classifier", "PyTorch");
             Trainer trainer = Training.trainer(model, Models.classifier(), Loss.softmaxCrossEntropyLoss(), BATCH,
                     steps, seed)) {
            Dataset train = v.maker().make(scope, lt, seed);
            try {
                Training.train(trainer, train, steps, new Training.Times());
            } finally {
                if (train instanceof AutoCloseable c) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return Models.accuracies(trainer, scope, test);
        }
    }
}
