package io.github.balancedbatch.bench;

import io.github.balancedbatch.bench.naive.NaiveBatchGenerator;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.synthetic.SyntheticLabels;

/**
 * The standard workloads of SPEC §4, so that results compare across versions. The constants are
 * lower-case on purpose: JMH prints them verbatim in its results and takes them verbatim on the
 * command line ({@code -p workload=seed}), so they are spelled exactly as the SPEC names them.
 *
 * <p>Labels are made by {@link SyntheticLabels} with the fixed {@link #LABEL_SEED}, samplers and
 * naive generators are seeded with {@link #SAMPLER_SEED}: every run sees the same data and batches.
 * Immutable; {@link #labels()} allocates a fresh array on every call.
 */
public enum Workload {
    /** N = 60,000, C = 10 balanced classes, P = 10, K = 10. */
    mnist(60_000, 10, 0, 10, 10),
    /** N = 200,000, C = 2,000 Zipf-like classes (each at least 2 samples), P = 75, K = 10: the seed's params.json. */
    seed(200_000, 2_000, 2, 75, 10),
    /** N = 1,000,000, C = 50,000 Zipf-like classes (each at least 2 samples), P = 64, K = 4. */
    faceid(1_000_000, 50_000, 2, 64, 4);

    /** Seed of every workload's synthetic labels. */
    public static final long LABEL_SEED = 0x5EED_1ABE_15L;
    /** Seed of every sampler and naive generator made from a workload. */
    public static final long SAMPLER_SEED = 42L;
    /** The most feature bytes one copy of a benchmark's data set may take (1 GiB). */
    public static final long DATA_BYTES_CAP = 1L << 30;

    private final int samples;
    private final int classes;
    private final int minPerClass;
    private final int classesPerBatch;
    private final int samplesPerClass;

    /** @param minPerClass 0 for balanced classes, otherwise the smallest size of a Zipf-like class */
    Workload(int samples, int classes, int minPerClass, int classesPerBatch, int samplesPerClass) {
        this.samples = samples;
        this.classes = classes;
        this.minPerClass = minPerClass;
        this.classesPerBatch = classesPerBatch;
        this.samplesPerClass = samplesPerClass;
    }

    /** N, the number of samples. */
    public int samples() {
        return samples;
    }

    /** C, the number of classes. */
    public int classes() {
        return classes;
    }

    /** P, the classes per batch. */
    public int classesPerBatch() {
        return classesPerBatch;
    }

    /** K, the samples per class in a batch. */
    public int samplesPerClass() {
        return samplesPerClass;
    }

    /** P * K, the row indices per batch. */
    public int batchSize() {
        return classesPerBatch * samplesPerClass;
    }

    /** A fresh array of this workload's N labels (class numbers {@code 0 .. C-1}, scattered). */
    public int[] labels() {
        return minPerClass == 0
                ? SyntheticLabels.balanced(samples, classes, LABEL_SEED)
                : SyntheticLabels.zipf(samples, classes, minPerClass, LABEL_SEED);
    }

    /**
     * The number of rows of {@code dim} floats in a benchmark's feature data: all N samples, or as
     * many as fit in {@link #DATA_BYTES_CAP} (1 GiB), whichever is fewer. faceid x 2048 floats would
     * otherwise take 8 GiB per copy.
     */
    public int rowsFor(int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("dim must be at least 1, got " + dim);
        }
        return (int) Math.min(samples, DATA_BYTES_CAP / ((long) dim * Float.BYTES));
    }

    /** A sampler with this workload's P and K and {@link #SAMPLER_SEED} over {@code index}. */
    public BalancedBatchSampler sampler(ClassIndex index) {
        return BalancedBatchSampler.builder(index)
                .classesPerBatch(classesPerBatch)
                .samplesPerClass(samplesPerClass)
                .seed(SAMPLER_SEED)
                .build();
    }

    /**
     * As {@link #sampler(ClassIndex)}, with class weighting power {@code q} (SPEC §5; 0.5: square-root
     * sampling).
     */
    public BalancedBatchSampler sampler(ClassIndex index, double classWeightPower) {
        return BalancedBatchSampler.builder(index)
                .classesPerBatch(classesPerBatch)
                .samplesPerClass(samplesPerClass)
                .seed(SAMPLER_SEED)
                .classWeightPower(classWeightPower)
                .build();
    }

    /** Q of the category-balanced variant: mnist 2, seed 5, faceid 4 categories per batch. */
    public int categoriesPerBatch() {
        return switch (this) {
            case mnist -> 2;
            case seed -> 5;
            case faceid -> 4;
        };
    }

    /**
     * G, the categories of the category-balanced variant: mnist 2, seed 25, faceid 100, class c in
     * category c mod G (C / G classes each, at least P / Q: every category can be chosen).
     */
    public int categoryCount() {
        return switch (this) {
            case mnist -> 2;
            case seed -> 25;
            case faceid -> 100;
        };
    }

    /** A fresh array of the category of each of {@code labels} (this workload's labels): label mod G. */
    public int[] categories(int[] labels) {
        int g = categoryCount();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = labels[i] % g;
        }
        return out;
    }

    /**
     * As {@link #sampler(ClassIndex)}, category-balanced: Q = {@link #categoriesPerBatch()} of the
     * {@link #categoryCount()} categories of {@link #categories}, P / Q classes of each.
     */
    public BalancedBatchSampler categorySampler(ClassIndex index, int[] labels) {
        return BalancedBatchSampler.builder(index)
                .classesPerBatch(classesPerBatch)
                .samplesPerClass(samplesPerClass)
                .categories(categories(labels))
                .categoriesPerBatch(categoriesPerBatch())
                .seed(SAMPLER_SEED)
                .build();
    }

    /** Probability that a sample of the multi-label variant holds a second label: 1/4. */
    public static final double SECOND_LABEL_SHARE = 0.25;

    /**
     * The multi-label variant of {@code labels} (this workload's labels): every sample keeps its
     * label, and one in four (chosen by {@link #LABEL_SEED}) also holds the label of another sample
     * picked at random, so the second labels follow the same long tail (a second label equal to the
     * first counts once). About 1.25 N memberships.
     */
    public ClassIndex multiLabelIndex(int[] labels) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(LABEL_SEED ^ 0x2D1ABE15L);
        int n = labels.length;
        int[] offsets = new int[n + 1];
        int[] values = new int[2 * n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            values[m++] = labels[i];
            if (r.nextDouble() < SECOND_LABEL_SHARE) {
                values[m++] = labels[r.nextInt(n)];
            }
            offsets[i + 1] = m;
        }
        return ClassIndex.ofMultiLabel(offsets, java.util.Arrays.copyOf(values, m));
    }

    /** The seed's generator (shuffle on) with this workload's P and K over {@code labels}. */
    public NaiveBatchGenerator naive(int[] labels) {
        return new NaiveBatchGenerator(labels, classesPerBatch, samplesPerClass, true, SAMPLER_SEED);
    }
}
