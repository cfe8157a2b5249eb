package io.github.balancedbatch.sampler;

/**
 * Which categories and classes a category-balanced sampler can choose, and each category's share of
 * an epoch: the immutable half of the category deal (the cursor's half is {@link CategoryDeal}).
 *
 * <p>A class is <em>eligible</em> when it has at least {@code minSamplesPerClass} samples; a
 * category is <em>usable</em> when it holds at least J = P / Q eligible classes (fewer could not
 * fill its J distinct classes of a batch). Usable categories are numbered {@code 0 .. count() - 1}
 * in ascending category ordinal. Under a class-choice strategy (SPEC §5) the strategy weighs the
 * usable categories, by their number of samples in eligible classes, with the exact quotas of
 * {@link ClassQuotas} (a category appears at most once per batch); without one, every usable category
 * is equally likely. Inside a category, its eligible classes are always equally likely.
 *
 * <p>Immutable and thread-safe. About 3 ints per class and 2 per category.
 */
final class CategoryPlan {
    private final CategoryIndex index;
    private final int perCategory;
    /** Category ordinal of each usable category, ascending. */
    private final int[] usable;
    /** Eligible class ordinals of the usable categories, grouped by usable category, ascending inside. */
    private final int[] classes;
    /** Usable category {@code u} holds {@code classes[offsets[u] .. offsets[u + 1])}. */
    private final int[] offsets;
    private final ClassQuotas quotas;

    /**
     * @param perCategory J, classes of each category in a batch
     * @param slots       category slots per epoch: Q * worldSize * batchesPerEpoch
     * @param cap         the most slots one category may take: batchesPerEpoch
     */
    CategoryPlan(CategoryIndex index, int perCategory, int minSamplesPerClass, double power, int progressiveEpochs,
            long slots, int cap) {
        this.index = index;
        this.perCategory = perCategory;
        ClassIndex labels = index.classes();
        int g = index.categoryCount();
        int count = 0;
        int members = 0;
        for (int c = 0; c < g; c++) {
            int eligible = index.eligibleClassCount(c, minSamplesPerClass);
            if (eligible >= perCategory) {
                count++;
                members += eligible;
            }
        }
        this.usable = new int[count];
        this.classes = new int[members];
        this.offsets = new int[count + 1];
        int[] sizes = new int[count];
        for (int c = 0, u = 0, at = 0; c < g; c++) {
            if (index.eligibleClassCount(c, minSamplesPerClass) < perCategory) {
                continue;
            }
            usable[u] = c;
            for (int i = 0; i < index.classCount(c); i++) {
                int k = index.classOrdinal(c, i);
                if (labels.size(k) >= minSamplesPerClass) {
                    classes[at++] = k;
                    sizes[u] += labels.size(k);
                }
            }
            offsets[++u] = at;
        }
        this.quotas = new ClassQuotas(usable, sizes, power, progressiveEpochs, slots, cap);
    }

    /** The categories. */
    CategoryIndex index() {
        return index;
    }

    /** J: classes of each chosen category in a batch. */
    int perCategory() {
        return perCategory;
    }

    /** Number of usable categories. */
    int count() {
        return usable.length;
    }

    /** Category ordinal of usable category {@code u}. */
    int category(int u) {
        return usable[u];
    }

    /** Eligible class ordinals of the usable categories, grouped by usable category (shared: do not write). */
    int[] classes() {
        return classes;
    }

    /** Offsets into {@link #classes()}, one per usable category plus one (shared: do not write). */
    int[] offsets() {
        return offsets;
    }

    /** Every class a batch can draw, ascending by ordinal (a fresh array). */
    int[] eligibleClasses() {
        int[] all = classes.clone();
        java.util.Arrays.sort(all);
        return all;
    }

    /** The usable categories' quotas under the sampler's strategy. */
    ClassQuotas quotas() {
        return quotas;
    }

    /**
     * Writes each class's target share of epoch {@code epoch}'s class slots into {@code shares}
     * (indexed by class ordinal; left untouched for classes never chosen): its category's share,
     * split evenly over the category's eligible classes.
     */
    void classShares(int epoch, double[] shares) {
        int u = quotas.count();
        double[] t = new double[u];
        quotas.targets(epoch, new double[u], new double[u + 1], t);
        for (int i = 0; i < u; i++) {
            double share = t[i] / quotas.slots() / (offsets[i + 1] - offsets[i]);
            for (int j = offsets[i]; j < offsets[i + 1]; j++) {
                shares[classes[j]] = share;
            }
        }
    }
}
