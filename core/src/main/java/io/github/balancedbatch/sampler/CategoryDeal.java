package io.github.balancedbatch.sampler;

/**
 * A cursor's two-level deal of a category-balanced step: Q * worldSize distinct categories, then J
 * distinct classes of each, category by category.
 *
 * <p>Both levels are the class deck's mechanism ({@link Pools}): the usable categories form one
 * deck, dealt without replacement pass after pass, and each category's eligible classes form a deck
 * of their own, dealt J at a time and carried over from one appearance of the category to the next.
 * So within an epoch two categories' appearance counts differ by at most 1, and so do the counts of
 * two classes of one category; every deck restarts in canonical order at an epoch's start. Under a
 * weighting strategy the categories come from a {@link Schedule} over their quotas instead of the
 * deck (class-balanced epochs still use the deck).
 *
 * <p>A step costs O(Q * worldSize + P * worldSize) draws, whatever the numbers of classes and
 * categories. Not thread-safe. Allocates nothing after construction.
 */
final class CategoryDeal {
    /** Segment u: the bases, in the cursor's sample pools, of usable category u's eligible classes. */
    private final Pools classDecks;
    /** One segment: the bases, in {@link #classDecks}, of the usable categories. */
    private final Pools deck;
    private final int deckBase;
    /** The step's categories, as bases in {@link #classDecks}. */
    private final int[] dealt;
    private final int perCategory;
    /** The categories' schedule under a weighting strategy, or null. */
    private final Schedule schedule;

    /**
     * @param samples  the cursor's sample pools (one segment per class ordinal)
     * @param width    categories per step, Q * worldSize
     * @param steps    steps per epoch
     * @param weighted whether a class-choice strategy weighs the categories (then a schedule deals them)
     */
    CategoryDeal(CategoryPlan plan, Pools samples, int width, int steps, boolean weighted) {
        int[] classes = plan.classes();
        int[] classBases = new int[classes.length];
        for (int i = 0; i < classes.length; i++) {
            classBases[i] = samples.base(classes[i]); // ascending inside a category, as Pools needs
        }
        this.classDecks = new Pools(classBases, plan.offsets());
        int[] categoryBases = new int[plan.count()];
        for (int u = 0; u < categoryBases.length; u++) {
            categoryBases[u] = classDecks.base(u);
        }
        this.deck = new Pools(categoryBases, new int[] {0, categoryBases.length});
        this.deckBase = deck.base(0);
        this.dealt = new int[width];
        this.perCategory = plan.perCategory();
        this.schedule = weighted ? new Schedule(plan.quotas(), categoryBases, width, steps) : null;
    }

    /**
     * Starts epoch {@code epoch}: every deck back to canonical order, and the schedule laid out.
     *
     * @param scheduleRng the schedule's random stream, or null without shuffling (ignored without a schedule)
     */
    void start(int epoch, BoundedRandom scheduleRng) {
        classDecks.restart();
        deck.restart();
        if (schedule != null) {
            schedule.start(epoch, scheduleRng);
        }
    }

    /** Whether a schedule could deal some epochs (a random stream for it is then needed at each start). */
    boolean scheduled() {
        return schedule != null;
    }

    /**
     * Deals one step: writes the sample-pool bases of the step's P * worldSize classes into
     * {@code chosen}, J consecutive classes per category, categories in the order dealt.
     *
     * @param rng the step's random stream, or null to deal in canonical order (round-robin)
     */
    void deal(BoundedRandom rng, int[] chosen) {
        final int[] d = dealt;
        final int w = d.length;
        final int j = perCategory;
        if (schedule == null || !schedule.next(d)) {
            deck.draw(deckBase, w, rng, d, 0);
        }
        classDecks.touch(d, w);
        for (int i = 0; i < w; i++) {
            classDecks.draw(d[i], j, rng, chosen, i * j);
        }
    }

    /** Heap bytes of the decks, the step's categories and the schedule. */
    long heapBytes() {
        return classDecks.heapBytes() + deck.heapBytes() + 4L * dealt.length
                + (schedule == null ? 0 : schedule.heapBytes());
    }
}
