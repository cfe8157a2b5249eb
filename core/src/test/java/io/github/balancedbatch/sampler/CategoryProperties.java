package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The category-balanced contract (hierarchical batches), checked over many random label sets,
 * category assignments and parameters, under shards, class-choice strategies and resume. Every
 * expectation is computed from the test's own copy of the labels and categories.
 */
class CategoryProperties {

    /**
     * A labelled data set with one category per sample (every class in one category), Q categories
     * per batch, J = p / q classes of each, K samples per class; {@code power}, {@code progressive}
     * and {@code minSize} are the class-choice strategy (0, 0, 1: none).
     */
    record Case(int[] labels, int[] categories, int p, int q, int k, long seed, boolean shuffle, boolean mix,
                double power, int progressive, int minSize) {

        int perCategory() {
            return p / q;
        }

        boolean weighted() {
            return power > 0 || progressive > 0;
        }

        Case with(boolean shuffle, boolean mix) {
            return new Case(labels, categories, p, q, k, seed, shuffle, mix, power, progressive, minSize);
        }

        Case unweighted() {
            return new Case(labels, categories, p, q, k, seed, shuffle, mix, 0, 0, minSize);
        }

        /** A builder with everything but P, Q and K set. */
        BalancedBatchSampler.Builder builder() {
            BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(ClassIndex.of(labels)).seed(seed)
                    .shuffle(shuffle).mix(mix).categories(categories);
            if (power != 0) {
                b.classWeightPower(power);
            }
            if (progressive > 0) {
                b.progressiveEpochs(progressive);
            }
            return minSize != 1 ? b.minSamplesPerClass(minSize) : b;
        }

        BalancedBatchSampler sampler() {
            return builder().classesPerBatch(p).categoriesPerBatch(q).samplesPerClass(k).build();
        }

        /** Class label -> rows of that class in data-set order. */
        TreeMap<Integer, IntArrayList> byClass() {
            TreeMap<Integer, IntArrayList> m = new TreeMap<>();
            for (int i = 0; i < labels.length; i++) {
                m.computeIfAbsent(labels[i], x -> new IntArrayList()).add(i);
            }
            return m;
        }

        /** Category value -> its classes with at least minSize samples, ascending by label. */
        TreeMap<Integer, List<Integer>> eligibleByCategory() {
            TreeMap<Integer, List<Integer>> m = new TreeMap<>();
            Map<Integer, Integer> categoryOf = categoryOfClass();
            byClass().forEach((label, rows) -> {
                List<Integer> list = m.computeIfAbsent(categoryOf.get(label), x -> new ArrayList<>());
                if (rows.size() >= minSize) {
                    list.add(label);
                }
            });
            return m;
        }

        /** Category value -> eligible classes, for the categories with at least J of them (the usable ones). */
        TreeMap<Integer, List<Integer>> usable() {
            TreeMap<Integer, List<Integer>> m = new TreeMap<>();
            eligibleByCategory().forEach((g, classes) -> {
                if (classes.size() >= perCategory()) {
                    m.put(g, classes);
                }
            });
            return m;
        }

        Map<Integer, Integer> categoryOfClass() {
            Map<Integer, Integer> m = new HashMap<>();
            for (int i = 0; i < labels.length; i++) {
                m.put(labels[i], categories[i]);
            }
            return m;
        }

        @Override
        public String toString() {
            return "Case[n=" + labels.length + ", classes=" + byClass().size() + ", categories="
                    + eligibleByCategory().size() + ", usable=" + usable().size() + ", p=" + p + ", q=" + q + ", k=" + k
                    + ", seed=" + seed + ", shuffle=" + shuffle + ", mix=" + mix + ", power=" + power + ", progressive="
                    + progressive + ", minSize=" + minSize + ", labels=" + Arrays.toString(labels) + ", categories="
                    + Arrays.toString(categories) + "]";
        }
    }

    private static final int[] ODD_VALUES = {-5, 7, 1_000_000, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1};

    /**
     * 1-18 classes of 1-9 samples (some of 1-2), spread over 1-6 categories at random (so some
     * categories are too small for J), J in 1..3, Q any feasible value, K in 1..5; a strategy (none
     * half of the time, else q in {0.5, 1} or progressive over 1..3 epochs) and a minimum class size
     * of 2 or 3 a quarter of the time; shuffle off a quarter of the time, mixed a quarter of the time.
     */
    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 18),
                        Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 3),
                        Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 5),
                        Arbitraries.of(0.0, 0.0, 0.0, 0.0, 0.5, 1.0, -1.0, -2.0, -3.0),
                        Arbitraries.of(1, 1, 1, 1, 1, 1, 2, 3))
                .as((seed, classes, groups, jRaw, qRaw, k, strategy, minRaw) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int[] classValues = distinct(classes, r);
                    int[] groupValues = distinct(groups, r);
                    int[] sizes = new int[classes];
                    int[] groupOf = new int[classes];
                    for (int c = 0; c < classes; c++) {
                        sizes[c] = r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 1 + r.nextInt(9);
                        groupOf[c] = r.nextInt(groups);
                    }
                    int n = Arrays.stream(sizes).sum();
                    int[] labels = new int[n];
                    int[] categories = new int[n];
                    for (int c = 0, i = 0; c < classes; c++) {
                        for (int j = 0; j < sizes[c]; j++, i++) {
                            labels[i] = classValues[c];
                            categories[i] = groupValues[groupOf[c]];
                        }
                    }
                    for (int i = n - 1; i > 0; i--) { // scatter the rows, keeping each row's pair together
                        int j = r.nextInt(i + 1);
                        int t = labels[i];
                        labels[i] = labels[j];
                        labels[j] = t;
                        t = categories[i];
                        categories[i] = categories[j];
                        categories[j] = t;
                    }
                    double power = strategy > 0 ? strategy : 0;
                    int progressive = strategy < 0 ? (int) -strategy : 0;
                    boolean shuffle = r.nextInt(4) != 0;
                    boolean mix = r.nextInt(4) == 0;
                    for (int minSize = minRaw; ; minSize = 1) {
                        for (int j = jRaw; j >= 1; j--) {
                            Case probe = new Case(labels, categories, j, 1, k, seed, shuffle, mix, power, progressive, minSize);
                            int usable = probe.usable().size();
                            if (usable > 0) {
                                int q = 1 + (qRaw - 1) % usable;
                                return new Case(labels, categories, q * j, q, k, seed, shuffle, mix, power, progressive,
                                        minSize);
                            }
                        }
                    }
                });
    }

    private static int[] distinct(int count, SplittableRandom r) {
        int[] values = new int[count];
        Set<Integer> used = new HashSet<>();
        for (int c = 0; c < count; c++) {
            int v;
            do {
                v = r.nextInt(4) == 0 ? ODD_VALUES[r.nextInt(ODD_VALUES.length)] : r.nextInt(-50, 50);
            } while (!used.add(v));
            values[c] = v;
        }
        return values;
    }

    /**
     * Composition: Q distinct categories, all usable; J distinct eligible classes of each; K entries
     * of each class, every entry's label its class; grouped layout: J*K consecutive entries per
     * category, K per class.
     */
    @Property(tries = 400)
    void composition(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        Map<Integer, Integer> categoryOf = c.categoryOfClass();
        TreeMap<Integer, List<Integer>> usable = c.usable();
        int j = c.perCategory();
        for (int[] batch : Batches.take(s, 0, 0, s.batchesPerEpoch() * 2 + 1)) {
            assertEquals(c.p() * c.k(), batch.length, c::toString);
            int[] l = Batches.labelsOf(batch, c.labels());
            Map<Integer, Set<Integer>> classesOf = new HashMap<>();
            Map<Integer, Integer> perClass = new HashMap<>();
            for (int i = 0; i < l.length; i++) {
                assertEquals((int) categoryOf.get(l[i]), c.categories()[batch[i]], c::toString);
                classesOf.computeIfAbsent(categoryOf.get(l[i]), x -> new HashSet<>()).add(l[i]);
                perClass.merge(l[i], 1, Integer::sum);
            }
            assertEquals(c.q(), classesOf.size(), () -> "categories in " + Arrays.toString(l) + " " + c);
            classesOf.forEach((g, classes) -> {
                assertTrue(usable.containsKey(g), () -> "category " + g + " is too small to be chosen " + c);
                assertEquals(j, classes.size(), () -> "classes of category " + g + " in " + Arrays.toString(l) + " " + c);
                assertTrue(usable.get(g).containsAll(classes), () -> "a class below the minimum size " + c);
            });
            perClass.values().forEach(n -> assertEquals(c.k(), n, () -> "per-class count in " + Arrays.toString(l) + " " + c));
            if (!c.mix()) {
                for (int i = 0; i < l.length; i++) {
                    int at = i;
                    assertEquals(l[i - i % c.k()], l[i], () -> "class blocks in " + Arrays.toString(l) + " " + c);
                    assertEquals(categoryOf.get(l[i - i % (j * c.k())]), categoryOf.get(l[i]),
                            () -> "category blocks at " + at + " in " + Arrays.toString(l) + " " + c);
                }
            }
        }
    }

    /** No repeated index for classes of at least K samples; even over-sampling for smaller ones (§1.2). */
    @Property(tries = 300)
    void noAvoidableDuplicates(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        Map<Integer, Integer> size = new HashMap<>();
        c.byClass().forEach((label, rows) -> size.put(label, rows.size()));
        for (int[] batch : Batches.take(s, 0, 0, s.batchesPerEpoch() * 2 + 3)) {
            Map<Integer, Int2IntOpenHashMap> perClass = new HashMap<>();
            for (int row : batch) {
                perClass.computeIfAbsent(c.labels()[row], x -> new Int2IntOpenHashMap()).addTo(row, 1);
            }
            perClass.forEach((label, counts) -> {
                int n = size.get(label);
                int lo = c.k() / n;
                int hi = (c.k() + n - 1) / n;
                assertEquals(Math.min(n, c.k()), counts.size(), () -> "distinct rows of class " + label + " " + c);
                counts.values().forEach(m -> assertTrue(m >= lo && m <= hi, () -> "row repeated " + m + " times " + c));
            });
        }
    }

    /** Coverage (§1.3): inside a class, passes of n draws aligned to the epoch's start hold each row once. */
    @Property(tries = 300)
    void coverageWithoutReplacement(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        TreeMap<Integer, IntArrayList> byClass = c.byClass();
        for (int e = 0; e < 2; e++) {
            Map<Integer, IntArrayList> draws = new HashMap<>();
            for (int[] batch : Batches.epoch(s, e)) {
                int[] sorted = c.mix() ? Batches.sorted(batch) : batch; // mixed: only a batch's multiset is defined
                for (int row : sorted) {
                    draws.computeIfAbsent(c.labels()[row], x -> new IntArrayList()).add(row);
                }
            }
            int epoch = e;
            draws.forEach((label, seq) -> {
                int[] rows = byClass.get(label).toIntArray();
                int n = rows.length;
                Int2IntOpenHashMap counts = new Int2IntOpenHashMap();
                seq.forEach(row -> counts.addTo(row, 1));
                int min = counts.size() < n ? 0 : counts.values().intStream().min().orElseThrow();
                int max = counts.values().intStream().max().orElseThrow();
                assertTrue(max - min <= 1, () -> "epoch " + epoch + ": class " + label + " counts " + counts + " " + c);
                if (!c.mix()) {
                    for (int from = 0; from + n <= seq.size(); from += n) {
                        int[] pass = Arrays.copyOfRange(seq.toIntArray(), from, from + n);
                        assertArrayEquals(rows, Batches.sorted(pass), () -> "pass of class " + label + ": " + seq + " " + c);
                    }
                }
            });
        }
    }

    /**
     * Fairness: after every batch of an epoch, two usable categories' appearance counts differ by at
     * most 1 (without a weighting strategy, or in its class-balanced epochs), and so do those of two
     * eligible classes of one category (always).
     */
    @Property(tries = 400)
    void fairCategoriesAndFairClassesInside(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        Map<Integer, Integer> categoryOf = c.categoryOfClass();
        TreeMap<Integer, List<Integer>> usable = c.usable();
        for (int e = 0; e < 3; e++) {
            boolean balanced = !c.weighted() || s.categoryPlan().quotas().uniform(e);
            Map<Integer, Integer> categories = new HashMap<>();
            Map<Integer, Integer> classes = new HashMap<>();
            for (int[] batch : Batches.epoch(s, e)) {
                int[] l = Arrays.stream(Batches.labelsOf(batch, c.labels())).distinct().toArray();
                Arrays.stream(l).map(categoryOf::get).distinct().forEach(g -> categories.merge(g, 1, Integer::sum));
                Arrays.stream(l).forEach(label -> classes.merge(label, 1, Integer::sum));
                if (balanced) {
                    assertWithinOne(categories, usable.keySet(), "categories", c);
                }
                for (List<Integer> members : usable.values()) {
                    assertWithinOne(classes, members, "classes of one category", c);
                }
            }
        }
    }

    private static void assertWithinOne(Map<Integer, Integer> counts, java.util.Collection<Integer> keys, String what, Case c) {
        int max = 0;
        int min = Integer.MAX_VALUE;
        for (int key : keys) {
            int n = counts.getOrDefault(key, 0);
            max = Math.max(max, n);
            min = Math.min(min, n);
        }
        int spread = max - min;
        assertTrue(spread <= 1, () -> what + " " + keys + " appear " + counts + " times " + c);
    }

    /**
     * Under a weighting strategy each usable category appears in every epoch within 1 of its target,
     * computed independently: weights n_g^q (or the progressive mix) over the samples of its eligible
     * classes, iterative water-filling at one appearance per batch, in exact decimal arithmetic.
     * {@code targetShares} splits a category's share evenly over its classes.
     */
    @Property(tries = 300)
    void weightedCategoriesWithinOneOfTargets(@ForAll("cases") Case c) {
        if (!c.weighted()) {
            return;
        }
        BalancedBatchSampler s = c.sampler();
        int batches = s.batchesPerEpoch();
        Map<Integer, Integer> categoryOf = c.categoryOfClass();
        TreeMap<Integer, IntArrayList> byClass = c.byClass();
        TreeMap<Integer, Integer> sizes = new TreeMap<>();
        c.usable().forEach((g, classes) -> sizes.put(g, classes.stream().mapToInt(l -> byClass.get(l).size()).sum()));
        for (int e = 0; e <= c.progressive() + 1; e++) {
            Map<Integer, BigDecimal> target = expectedTargets(sizes, c.power(), c.progressive(), e, (long) c.q() * batches,
                    batches);
            Map<Integer, Integer> got = new HashMap<>();
            for (int[] batch : Batches.epoch(s, e)) {
                Arrays.stream(Batches.labelsOf(batch, c.labels())).map(categoryOf::get).distinct()
                        .forEach(g -> got.merge(g, 1, Integer::sum));
            }
            int epoch = e;
            double[] shares = s.targetShares(e);
            for (var entry : target.entrySet()) {
                int n = got.getOrDefault(entry.getKey(), 0);
                assertTrue(Math.abs(n - entry.getValue().doubleValue()) < 1 + 1e-9, () -> "epoch " + epoch + ": category "
                        + entry.getKey() + " appears " + n + " times, target " + entry.getValue() + " " + c);
                List<Integer> members = c.usable().get(entry.getKey());
                for (int label : members) {
                    double expected = entry.getValue().doubleValue() / ((double) c.q() * batches) / members.size();
                    assertEquals(expected, shares[s.classes().ordinalOf(label)], 1e-9, c::toString);
                }
            }
            assertEquals(1.0, Arrays.stream(shares).sum(), 1e-9, c::toString);
        }
    }

    /** Label -> target appearances in epoch {@code e} (SPEC §5's water-filling, computed the textbook way). */
    static Map<Integer, BigDecimal> expectedTargets(TreeMap<Integer, Integer> sizes, double power, int progressive, int e,
            long slotCount, int batches) {
        MathContext mc = MathContext.DECIMAL128;
        BigDecimal n = BigDecimal.valueOf(sizes.values().stream().mapToLong(Integer::longValue).sum());
        BigDecimal count = BigDecimal.valueOf(sizes.size());
        Map<Integer, BigDecimal> weight = new HashMap<>();
        for (var entry : sizes.entrySet()) {
            BigDecimal w;
            if (power > 0) {
                w = new BigDecimal(Math.pow(entry.getValue(), power));
            } else if (progressive > 0 && e < progressive) {
                BigDecimal a = BigDecimal.valueOf(e).divide(BigDecimal.valueOf(progressive), mc);
                w = BigDecimal.ONE.subtract(a).multiply(BigDecimal.valueOf(entry.getValue()).divide(n, mc), mc)
                        .add(a.divide(count, mc), mc);
            } else {
                w = BigDecimal.ONE;
            }
            weight.put(entry.getKey(), w);
        }
        BigDecimal cap = BigDecimal.valueOf(batches);
        BigDecimal slots = BigDecimal.valueOf(slotCount);
        Map<Integer, BigDecimal> target = new HashMap<>();
        Set<Integer> capped = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            BigDecimal rest = slots.subtract(cap.multiply(BigDecimal.valueOf(capped.size())));
            BigDecimal sum = BigDecimal.ZERO;
            for (int key : sizes.keySet()) {
                if (!capped.contains(key)) {
                    sum = sum.add(weight.get(key));
                }
            }
            for (int key : sizes.keySet()) {
                if (capped.contains(key)) {
                    target.put(key, cap);
                } else {
                    BigDecimal t = rest.multiply(weight.get(key), mc).divide(sum, mc);
                    target.put(key, t);
                    if (t.compareTo(cap) > 0) {
                        capped.add(key);
                        changed = true;
                    }
                }
            }
        }
        return target;
    }

    /**
     * Without shuffling (and without weighting): usable categories round-robin in category order,
     * each category's eligible classes round-robin in label order from one appearance to the next,
     * each class's rows in data-set order.
     */
    @Property(tries = 200)
    void noShuffleIsRoundRobinAtBothLevels(@ForAll("cases") Case c) {
        Case ordered = c.unweighted().with(false, false);
        BalancedBatchSampler s = ordered.sampler();
        List<List<Integer>> categories = new ArrayList<>(ordered.usable().values());
        TreeMap<Integer, IntArrayList> rows = ordered.byClass();
        int[] nextClass = new int[categories.size()];
        Map<Integer, Integer> nextRow = new HashMap<>();
        int deal = 0;
        int j = ordered.perCategory();
        for (int[] batch : Batches.take(s, 0, 0, s.batchesPerEpoch())) {
            int[] expected = new int[batch.length];
            int at = 0;
            for (int g = 0; g < ordered.q(); g++) {
                int u = deal++ % categories.size();
                List<Integer> members = categories.get(u);
                for (int i = 0; i < j; i++) {
                    int label = members.get(nextClass[u]++ % members.size());
                    IntArrayList r = rows.get(label);
                    for (int x = 0; x < ordered.k(); x++) {
                        int next = nextRow.merge(label, 1, Integer::sum) - 1;
                        expected[at++] = r.getInt(next % r.size());
                    }
                }
            }
            assertArrayEquals(expected, batch, ordered::toString);
        }
    }

    /** The mixed layout is a permutation of the grouped batch, on the same seed. */
    @Property(tries = 200)
    void mixedIsAPermutationOfGrouped(@ForAll("cases") Case c) {
        int[][] g = Batches.take(c.with(c.shuffle(), false).sampler(), 1, 0, 5);
        int[][] m = Batches.take(c.with(c.shuffle(), true).sampler(), 1, 0, 5);
        for (int b = 0; b < g.length; b++) {
            assertArrayEquals(Batches.sorted(g[b]), Batches.sorted(m[b]), c::toString);
        }
    }

    /** Epoch e alone, and a resume at (e, b), equal the endless stream's batches (§1.7, §1.9). */
    @Property(tries = 200)
    void epochsAndResumeMatchTheStream(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int per = s.batchesPerEpoch();
        int[][] stream = Batches.take(s, 0, 0, per * 3);
        for (int e = 2; e >= 0; e--) {
            int[][] alone = Batches.epoch(s, e);
            for (int b = 0; b < per; b++) {
                assertArrayEquals(stream[e * per + b], alone[b], c::toString);
            }
        }
        SplittableRandom r = new SplittableRandom(c.seed());
        for (int t = 0; t < 3; t++) {
            int e = r.nextInt(2);
            int b = r.nextInt(per);
            int[][] resumed = Batches.take(s, e, b, per + 1);
            for (int i = 0; i < resumed.length; i++) {
                assertArrayEquals(stream[e * per + b + i], resumed[i], () -> "resume at " + c);
            }
        }
    }

    /**
     * Shards: rank r of W gets Q whole categories (J classes each) of a step's Q*W categories, no
     * two ranks share a category, and the ranks' batches concatenated equal the batch of one process
     * with Q*W categories and P*W classes (as multisets when mixed: each rank mixes its own part).
     */
    @Property(tries = 300)
    void shardsConcatenateToTheWideBatch(@ForAll("cases") Case c) {
        Map<Integer, Integer> categoryOf = c.categoryOfClass();
        int usable = c.usable().size();
        for (int w = 2; w <= 3 && c.q() * w <= usable; w++) {
            BalancedBatchSampler wide = c.builder().classesPerBatch(c.p() * w).categoriesPerBatch(c.q() * w)
                    .samplesPerClass(c.k()).build();
            int steps = wide.batchesPerEpoch() + 2;
            int[][] expected = Batches.take(wide, 0, 0, steps);
            int[][][] shards = new int[w][][];
            for (int r = 0; r < w; r++) {
                BalancedBatchSampler s = c.builder().classesPerBatch(c.p()).categoriesPerBatch(c.q()).samplesPerClass(c.k())
                        .shard(r, w).build();
                assertEquals(wide.batchesPerEpoch(), s.batchesPerEpoch());
                shards[r] = Batches.take(s, 0, 0, steps);
            }
            for (int step = 0; step < steps; step++) {
                int[] union = new int[0];
                Set<Integer> seen = new HashSet<>();
                for (int r = 0; r < w; r++) {
                    int[] part = shards[r][step];
                    Set<Integer> mine = new HashSet<>();
                    for (int label : Batches.labelsOf(part, c.labels())) {
                        mine.add(categoryOf.get(label));
                    }
                    assertEquals(c.q(), mine.size(), c::toString);
                    for (int g : mine) {
                        assertTrue(seen.add(g), () -> "two ranks share category " + g + " " + c);
                    }
                    int[] joined = Arrays.copyOf(union, union.length + part.length);
                    System.arraycopy(part, 0, joined, union.length, part.length);
                    union = joined;
                }
                if (c.mix()) {
                    assertArrayEquals(Batches.sorted(expected[step]), Batches.sorted(union), c::toString);
                } else {
                    assertArrayEquals(expected[step], union, c::toString);
                }
            }
        }
    }

    /** The same inputs and seed give the same batches from independent samplers (§1.8). */
    @Property(tries = 100)
    void deterministic(@ForAll("cases") Case c) {
        int[][] a = Batches.take(c.sampler(), 0, 0, 7);
        int[][] b = Batches.take(c.sampler(), 0, 0, 7);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], c::toString);
        }
    }

    /** The default epoch length is ceil(N / (P x worldSize x K)), counting every sample. */
    @Property(tries = 100)
    void epochLengthCountsEverySample(@ForAll("cases") Case c) {
        long n = c.labels().length;
        long batch = (long) c.p() * c.k();
        assertEquals((n + batch - 1) / batch, c.sampler().batchesPerEpoch(), c::toString);
    }
}
