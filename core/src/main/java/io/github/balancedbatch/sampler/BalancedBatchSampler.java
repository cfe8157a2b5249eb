package io.github.balancedbatch.sampler;

import io.github.balancedbatch.util.ArrayLimits;
import java.util.SplittableRandom;

/**
 * Class-balanced batches of exactly P classes x K samples per class, as row indices.
 *
 * <pre>{@code
 * BalancedBatchSampler sampler = BalancedBatchSampler.builder(ClassIndex.of(labels))
 *         .classesPerBatch(75).samplesPerClass(10).seed(42).build();
 * BatchCursor cursor = sampler.cursor(0, 0);     // epoch 0, batch 0
 * int[] batch = new int[sampler.batchSize()];    // reused for every batch
 * for (int b = 0; b < sampler.batchesPerEpoch(); b++) {
 *     cursor.next(batch);                        // fills P*K row indices, allocates nothing
 * }
 * }</pre>
 *
 * <p>Every batch holds P distinct classes and K rows of each; inside a class, rows are drawn without
 * replacement from a pool that carries over from batch to batch until the class is exhausted, and
 * classes are dealt so that within an epoch their appearance counts differ by at most one (by
 * default; {@link Builder#classWeightPower}, {@link Builder#progressiveEpochs} and
 * {@link Builder#minSamplesPerClass} choose classes by size instead, with exact per-epoch quotas;
 * {@link Builder#categories} makes batches of Q categories x P / Q classes). With multi-label data
 * ({@link ClassIndex#ofMultiLabel}) the P classes are anchor labels, K samples holding each, no
 * sample repeated in a batch while avoidable (see {@link BatchCursor}).
 * Epoch {@code e} is a pure function of (labels, parameters, seed, e). See the package
 * documentation for the full contract.
 *
 * <p>Immutable and thread-safe: any number of threads may each open their own {@link BatchCursor}.
 */
public final class BalancedBatchSampler {
    private final ClassIndex index;
    private final int classesPerBatch;
    private final int samplesPerClass;
    private final int batchesPerEpoch;
    private final long seed;
    private final boolean shuffle;
    private final boolean mix;
    private final int rank;
    private final int worldSize;
    private final double classWeightPower;
    private final int progressiveEpochs;
    private final int minSamplesPerClass;
    private final ClassQuotas quotas;
    private final int categoriesPerBatch;
    /** With categories: which categories and classes can be chosen, and their quotas; else null. */
    private final CategoryPlan categoryPlan;

    private BalancedBatchSampler(Builder b, int[] eligible, CategoryPlan categoryPlan) {
        this.index = b.index;
        this.classesPerBatch = b.classesPerBatch;
        this.samplesPerClass = b.samplesPerClass;
        this.seed = b.seed != null ? b.seed : new SplittableRandom().nextLong();
        this.shuffle = b.shuffle;
        this.mix = b.mix;
        this.rank = b.rank;
        this.worldSize = b.worldSize;
        long globalBatch = (long) classesPerBatch * worldSize * samplesPerClass;
        this.batchesPerEpoch = b.batchesPerEpoch > 0
                ? b.batchesPerEpoch
                : (int) Math.min(Integer.MAX_VALUE, (index.membershipCount() + globalBatch - 1) / globalBatch);
        this.classWeightPower = b.classWeightPower;
        this.progressiveEpochs = b.progressiveEpochs;
        this.minSamplesPerClass = b.minSamplesPerClass;
        this.categoriesPerBatch = b.categoriesPerBatch;
        this.categoryPlan = categoryPlan;
        // with categories the strategy weighs the categories (in the plan); the class quotas only list the eligible classes
        this.quotas = categoryPlan != null
                ? new ClassQuotas(index, categoryPlan.eligibleClasses(), 0, 0,
                        (long) classesPerBatch * worldSize * batchesPerEpoch, batchesPerEpoch)
                : new ClassQuotas(index, eligible, classWeightPower, progressiveEpochs,
                        (long) classesPerBatch * worldSize * batchesPerEpoch, batchesPerEpoch);
    }

    /** Starts a builder over grouped labels; see {@link ClassIndex#of} and {@link ClassIndex#ofColumns}. */
    public static Builder builder(ClassIndex index) {
        return new Builder(index);
    }

    /**
     * Opens a cursor positioned at batch {@code batch} of epoch {@code epoch}: its first
     * {@link BatchCursor#next} returns that batch, exactly as an uninterrupted run would. Resuming
     * replays at most the first {@code batch} batches of {@code epoch}, never earlier epochs.
     * Allocates the cursor's working memory: 4 bytes per sample plus about 7 ints per class (for
     * multi-label data, 4 bytes per membership plus one bit per sample).
     */
    public BatchCursor cursor(int epoch, int batch) {
        BatchCursor c = new BatchCursor(this);
        c.seek(epoch, batch);
        return c;
    }

    /** P*K: the number of row indices in each batch (of this rank). */
    public int batchSize() {
        return classesPerBatch * samplesPerClass;
    }

    /** P: distinct classes in each batch (of this rank). */
    public int classesPerBatch() {
        return classesPerBatch;
    }

    /** K: samples of each class in a batch. */
    public int samplesPerClass() {
        return samplesPerClass;
    }

    /**
     * Batches per epoch: the value set, or ceil(M / (P * worldSize * K)) for M = the index's
     * {@link ClassIndex#membershipCount()} (N for single-label data).
     */
    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The seed: the one set, or the one chosen at random when none was set (so a run can be replayed). */
    public long seed() {
        return seed;
    }

    /** Whether classes and samples are shuffled (otherwise round-robin and data-set order). */
    public boolean shuffle() {
        return shuffle;
    }

    /** Whether each batch's P*K entries are mixed into random order instead of grouped by class. */
    public boolean mix() {
        return mix;
    }

    /** This process's rank among {@link #worldSize()} data-parallel shards. */
    public int rank() {
        return rank;
    }

    /** Number of data-parallel shards; each step's global batch has P * worldSize classes. */
    public int worldSize() {
        return worldSize;
    }

    /** The grouped labels. */
    public ClassIndex classes() {
        return index;
    }

    /** The class weighting power q (0: class-balanced, the default; 1/2: square root; 1: instance-balanced). */
    public double classWeightPower() {
        return classWeightPower;
    }

    /** T of progressive balancing, or 0 when it is off. */
    public int progressiveEpochs() {
        return progressiveEpochs;
    }

    /** Classes with fewer samples than this are never chosen (default 1: every non-empty class). */
    public int minSamplesPerClass() {
        return minSamplesPerClass;
    }

    /**
     * Number of classes that can be chosen: non-empty and at least {@link #minSamplesPerClass()}
     * samples (with categories: and in a category that can be chosen).
     */
    public int eligibleClassCount() {
        return quotas.count();
    }

    /** The categories of the classes, or null when batches are not category-balanced. */
    public CategoryIndex categories() {
        return categoryPlan == null ? null : categoryPlan.index();
    }

    /** Q: distinct categories in each batch (of this rank), or 0 when batches are not category-balanced. */
    public int categoriesPerBatch() {
        return categoriesPerBatch;
    }

    /**
     * Number of categories that can be chosen: those with at least P / Q classes of at least
     * {@link #minSamplesPerClass()} samples (0 when batches are not category-balanced).
     */
    public int usableCategoryCount() {
        return categoryPlan == null ? 0 : categoryPlan.count();
    }

    /**
     * Each class's target share of epoch {@code epoch}'s class slots under the chosen strategy,
     * indexed by class ordinal (0 for classes never chosen); the shares sum to 1. A class appears in
     * every epoch within one batch of its target share times P * worldSize * batchesPerEpoch. With
     * categories, a class's share is its category's share split evenly over the category's m
     * eligible classes, and a class appears within 1 + (P / Q) / m batches of its target (its
     * category within 1). Allocates a fresh array; O(C).
     */
    public double[] targetShares(int epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must be at least 0, got " + epoch);
        }
        if (categoryPlan != null) {
            double[] shares = new double[index.classCount()];
            categoryPlan.classShares(epoch, shares);
            return shares;
        }
        int c = quotas.count();
        double[] t = new double[c];
        quotas.targets(epoch, new double[c], new double[c + 1], t);
        double[] shares = new double[index.classCount()];
        for (int i = 0; i < c; i++) {
            shares[quotas.ordinal(i)] = t[i] / quotas.slots();
        }
        return shares;
    }

    ClassQuotas quotas() {
        return quotas;
    }

    CategoryPlan categoryPlan() {
        return categoryPlan;
    }

    /** Configures a {@link BalancedBatchSampler}; validates everything in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final ClassIndex index;
        private int classesPerBatch;
        private int samplesPerClass;
        private boolean classesPerBatchSet;
        private boolean samplesPerClassSet;
        private int batchesPerEpoch;
        private Long seed;
        private boolean shuffle = true;
        private boolean mix;
        private int rank;
        private int worldSize = 1;
        private double classWeightPower;
        private int progressiveEpochs;
        private int minSamplesPerClass = 1;
        private CategoryIndex categories;
        private int categoriesPerBatch;

        private Builder(ClassIndex index) {
            this.index = java.util.Objects.requireNonNull(index, "index");
        }

        /** P, the number of distinct classes per batch (required). */
        public Builder classesPerBatch(int p) {
            this.classesPerBatch = p;
            this.classesPerBatchSet = true;
            return this;
        }

        /** K, the number of samples per class per batch (required). */
        public Builder samplesPerClass(int k) {
            this.samplesPerClass = k;
            this.samplesPerClassSet = true;
            return this;
        }

        /** Batches per epoch; default ceil(M / (P * worldSize * K)), M = memberships (N for single-label data). */
        public Builder batchesPerEpoch(int batches) {
            if (batches < 1) {
                throw new IllegalArgumentException("batchesPerEpoch must be at least 1, got " + batches);
            }
            this.batchesPerEpoch = batches;
            return this;
        }

        /** The seed; without one, a random seed is chosen and reported by {@link #seed()}. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Shuffle classes and samples (default true); false takes both in order, round-robin. */
        public Builder shuffle(boolean shuffle) {
            this.shuffle = shuffle;
            return this;
        }

        /** Mix each batch's entries into random order (default false: K consecutive rows per class). */
        public Builder mix(boolean mix) {
            this.mix = mix;
            return this;
        }

        /** Data-parallel shard: this process is {@code rank} of {@code worldSize} (default 0 of 1). */
        public Builder shard(int rank, int worldSize) {
            this.rank = rank;
            this.worldSize = worldSize;
            return this;
        }

        /**
         * Class weighting power q in [0, 1]: class c's share of an epoch's class slots is proportional
         * to n_c^q, capped at one appearance per batch (the excess goes to the other classes in
         * proportion), and each class appears within 1 of its target in every epoch. 0 (the default)
         * is class-balanced and gives exactly the default batches; 0.5 is square-root sampling; 1 is
         * instance-balanced.
         *
         * @throws IllegalArgumentException if {@code q} is NaN or outside [0, 1]
         */
        public Builder classWeightPower(double q) {
            if (!(q >= 0 && q <= 1)) {
                throw new IllegalArgumentException("classWeightPower must be in [0, 1], got " + q);
            }
            this.classWeightPower = q;
            return this;
        }

        /**
         * Progressively balanced sampling over {@code t} epochs: epoch e &lt; T weighs class c by
         * (1 - e/T) n_c/N + (e/T)/C (instance-balanced at epoch 0), with the exact quotas of
         * {@link #classWeightPower}; from epoch T on, batches are class-balanced as by default.
         *
         * @throws IllegalArgumentException if {@code t < 1}
         */
        public Builder progressiveEpochs(int t) {
            if (t < 1) {
                throw new IllegalArgumentException("progressiveEpochs must be at least 1, got " + t);
            }
            this.progressiveEpochs = t;
            return this;
        }

        /**
         * Classes with fewer than {@code m} samples are never chosen (default 1); P * worldSize is
         * checked against the classes that remain.
         *
         * @throws IllegalArgumentException if {@code m < 1}
         */
        public Builder minSamplesPerClass(int m) {
            if (m < 1) {
                throw new IllegalArgumentException("minSamplesPerClass must be at least 1, got " + m);
            }
            this.minSamplesPerClass = m;
            return this;
        }

        /**
         * Category-balanced batches: sample {@code i} is in category {@code categories[i]} (any
         * {@code int} values; every class must lie in exactly one category). With
         * {@link #categoriesPerBatch categoriesPerBatch(Q)}, every batch holds Q distinct categories,
         * P / Q distinct classes of each and K samples of each class, category by category (or mixed
         * with {@link #mix}); within an epoch two categories' appearance counts differ by at most 1,
         * and so do those of two classes of one category. Categories with fewer than P / Q classes
         * (of at least {@link #minSamplesPerClass} samples) are never chosen. A class-choice strategy
         * weighs the categories by their samples instead (see {@link #classWeightPower}). The
         * categories are grouped now (O(N)); the array is not retained.
         *
         * @throws IllegalArgumentException if {@code categories} does not have one value per sample,
         *     or a class has samples in two categories
         */
        public Builder categories(int[] categories) {
            this.categories = CategoryIndex.of(index, categories);
            return this;
        }

        /**
         * As {@link #categories(int[])}, with categories already grouped (for instance to inspect them
         * before building).
         *
         * @throws IllegalArgumentException if {@code categories} groups the classes of another
         *     {@link ClassIndex} than this builder's
         */
        public Builder categories(CategoryIndex categories) {
            if (categories.classes() != index) {
                throw new IllegalArgumentException("the categories group the classes of another ClassIndex than the sampler's");
            }
            this.categories = categories;
            return this;
        }

        /**
         * Q, the number of distinct categories per batch (of this rank); required with
         * {@link #categories}, and must divide P.
         *
         * @throws IllegalArgumentException if {@code q < 1}
         */
        public Builder categoriesPerBatch(int q) {
            if (q < 1) {
                throw new IllegalArgumentException("categoriesPerBatch must be at least 1, got " + q);
            }
            this.categoriesPerBatch = q;
            return this;
        }

        /**
         * Builds the sampler.
         *
         * @throws IllegalArgumentException naming the parameter when a value is out of range or
         *     P * worldSize exceeds the number of non-empty classes
         */
        public BalancedBatchSampler build() {
            if (classesPerBatch < 1) {
                throw new IllegalArgumentException(!classesPerBatchSet
                        ? "classesPerBatch is required"
                        : "classesPerBatch must be at least 1, got " + classesPerBatch);
            }
            if (samplesPerClass < 1) {
                throw new IllegalArgumentException(!samplesPerClassSet
                        ? "samplesPerClass is required"
                        : "samplesPerClass must be at least 1, got " + samplesPerClass);
            }
            if (worldSize < 1) {
                throw new IllegalArgumentException("worldSize must be at least 1, got " + worldSize);
            }
            if (rank < 0 || rank >= worldSize) {
                throw new IllegalArgumentException("rank must be in [0, " + worldSize + "), got " + rank);
            }
            if (classWeightPower > 0 && progressiveEpochs > 0) {
                throw new IllegalArgumentException("classWeightPower=" + classWeightPower + " and progressiveEpochs="
                        + progressiveEpochs + " cannot be combined: choose one strategy");
            }
            CategoryPlan plan = categoryPlan();
            long globalClasses = (long) classesPerBatch * worldSize;
            int[] eligible = eligible();
            int available = eligible.length;
            if (minSamplesPerClass > 1 && globalClasses > available) {
                throw new IllegalArgumentException((worldSize == 1
                        ? "classesPerBatch=" + classesPerBatch
                        : "classesPerBatch=" + classesPerBatch + " x worldSize=" + worldSize + " = " + globalClasses)
                        + " exceeds the " + available + " classes with at least minSamplesPerClass=" + minSamplesPerClass
                        + " samples (" + (index.activeClassCount() - available) + " smaller classes left out)");
            }
            if (globalClasses > available) {
                throw new IllegalArgumentException(worldSize == 1
                        ? "classesPerBatch=" + classesPerBatch + " exceeds the " + available
                                + " classes in the labels"
                        : "classesPerBatch=" + classesPerBatch + " x worldSize=" + worldSize + " = "
                                + globalClasses + " exceeds the " + available + " classes in the labels");
            }
            if (globalClasses * samplesPerClass > ArrayLimits.MAX_ARRAY_LENGTH) {
                throw new IllegalArgumentException("classesPerBatch x worldSize x samplesPerClass = "
                        + globalClasses * samplesPerClass + " is too large for one batch");
            }
            if (classWeightPower > 0 || progressiveEpochs > 0) {
                long global = (long) classesPerBatch * worldSize;
                long perEpoch = batchesPerEpoch > 0 ? batchesPerEpoch : (index.membershipCount() + global * samplesPerClass - 1)
                        / (global * samplesPerClass);
                if (global * perEpoch > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("classesPerBatch x worldSize x batchesPerEpoch = " + global * perEpoch
                            + " class slots per epoch are too many for a class-choice strategy");
                }
            }
            return new BalancedBatchSampler(this, eligible, plan);
        }

        /** Checks the category parameters; the plan of a category-balanced sampler, or null. */
        private CategoryPlan categoryPlan() {
            if (categories == null) {
                if (categoriesPerBatch > 0) {
                    throw new IllegalArgumentException("categoriesPerBatch=" + categoriesPerBatch + " needs categories");
                }
                return null;
            }
            if (categoriesPerBatch == 0) {
                throw new IllegalArgumentException("categoriesPerBatch is required with categories");
            }
            int q = categoriesPerBatch;
            if (classesPerBatch % q != 0) {
                throw new IllegalArgumentException("classesPerBatch=" + classesPerBatch + " is not divisible by categoriesPerBatch="
                        + q + ": every category gives the same number of classes to a batch");
            }
            int perCategory = classesPerBatch / q;
            long global = (long) q * worldSize;
            long perEpoch = batchesPerEpoch > 0 ? batchesPerEpoch
                    : (index.membershipCount() + (long) classesPerBatch * worldSize * samplesPerClass - 1)
                            / ((long) classesPerBatch * worldSize * samplesPerClass);
            int cap = (int) Math.min(Integer.MAX_VALUE, perEpoch);
            CategoryPlan plan = new CategoryPlan(categories, perCategory, minSamplesPerClass, classWeightPower,
                    progressiveEpochs, global * cap, cap);
            if (global > plan.count()) {
                throw new IllegalArgumentException((worldSize == 1
                        ? "categoriesPerBatch=" + q
                        : "categoriesPerBatch=" + q + " x worldSize=" + worldSize + " = " + global)
                        + " exceeds the " + plan.count() + " categories with at least classesPerBatch / categoriesPerBatch = "
                        + perCategory + " classes" + (minSamplesPerClass > 1
                                ? " of at least minSamplesPerClass=" + minSamplesPerClass + " samples" : "")
                        + " (" + (categories.categoryCount() - plan.count()) + " smaller categories left out)");
            }
            return plan;
        }

        /** Ordinals of the classes that can be chosen, ascending. */
        private int[] eligible() {
            int[] active = index.activeClasses();
            if (minSamplesPerClass == 1) {
                return active;
            }
            return java.util.Arrays.stream(active).filter(c -> index.size(c) >= minSamplesPerClass).toArray();
        }
    }
}
