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
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The sampling contract, checked over many random label sets and parameters. */
class SamplerProperties {

    /**
     * A random labelled data set and sampler parameters; {@code power}, {@code progressive} and
     * {@code minSize} are the class-choice strategy (0, 0, 1: the default).
     */
    record Case(int[] labels, int p, int k, long seed, boolean shuffle, boolean mix, double power, int progressive,
                int minSize) {
        Case(int[] labels, int p, int k, long seed, boolean shuffle, boolean mix) {
            this(labels, p, k, seed, shuffle, mix, 0, 0, 1);
        }

        /** The same case with another shuffle and layout. */
        Case with(boolean shuffle, boolean mix) {
            return new Case(labels, p, k, seed, shuffle, mix, power, progressive, minSize);
        }

        /** A builder with everything but P and K set. */
        BalancedBatchSampler.Builder builder() {
            BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(ClassIndex.of(labels))
                    .seed(seed).shuffle(shuffle).mix(mix);
            if (power != 0) {
                b.classWeightPower(power);
            }
            if (minSize != 1) {
                b.minSamplesPerClass(minSize);
            }
            return progressive > 0 ? b.progressiveEpochs(progressive) : b;
        }

        BalancedBatchSampler sampler() {
            return builder().classesPerBatch(p).samplesPerClass(k).build();
        }

        /** Number of classes that can be chosen (at least minSize samples). */
        int eligible() {
            return (int) byClass().values().stream().filter(r -> r.size() >= minSize).count();
        }

        /** Class label -> rows of that class in data-set order. */
        TreeMap<Integer, IntArrayList> byClass() {
            TreeMap<Integer, IntArrayList> m = new TreeMap<>();
            for (int i = 0; i < labels.length; i++) {
                m.computeIfAbsent(labels[i], x -> new IntArrayList()).add(i);
            }
            return m;
        }

        @Override
        public String toString() {
            return "Case[n=" + labels.length + ", classes=" + byClass().size() + ", p=" + p + ", k=" + k
                    + ", seed=" + seed + ", shuffle=" + shuffle + ", mix=" + mix + ", power=" + power
                    + ", progressive=" + progressive + ", minSize=" + minSize + ", labels="
                    + Arrays.toString(labels) + "]";
        }
    }

    private static final int[] ODD_LABELS = {-5, 7, 1_000_000, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1};

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<int[]> sizes = Arbitraries.integers().between(1, 12).array(int[].class).ofMinSize(1).ofMaxSize(12);
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(sizes, seeds, Arbitraries.integers().between(1, 7),
                        Arbitraries.integers().between(1, 12), Arbitraries.of(true, true, false),
                        Arbitraries.of(false, false, true))
                .as((classSizes, seed, k, pRaw, shuffle, mix) -> {
                    int classes = classSizes.length;
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    int[] values = new int[classes];
                    Set<Integer> used = new HashSet<>();
                    for (int c = 0; c < classes; c++) {
                        int v;
                        do {
                            v = r.nextInt(4) == 0 ? ODD_LABELS[r.nextInt(ODD_LABELS.length)] : r.nextInt(-50, 50);
                        } while (!used.add(v));
                        values[c] = v;
                    }
                    int n = Arrays.stream(classSizes).sum();
                    int[] labels = new int[n];
                    for (int c = 0, i = 0; c < classes; c++) {
                        for (int j = 0; j < classSizes[c]; j++) {
                            labels[i++] = values[c];
                        }
                    }
                    for (int i = n - 1; i > 0; i--) { // rows of a class are scattered through the data set
                        int j = r.nextInt(i + 1);
                        int t = labels[i];
                        labels[i] = labels[j];
                        labels[j] = t;
                    }
                    int p = 1 + (pRaw - 1) % classes;
                    return new Case(labels, p, k, seed, shuffle, mix);
                });
    }

    /** §1.1: P distinct classes, K of each, every index's label is its class; grouped unless mixed. */
    @Property(tries = 300)
    void composition(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        for (int[] batch : Batches.take(s, 0, 0, s.batchesPerEpoch() * 2 + 1)) {
            assertEquals(c.p() * c.k(), batch.length, c::toString);
            int[] l = Batches.labelsOf(batch, c.labels());
            Map<Integer, Integer> counts = new HashMap<>();
            for (int v : l) {
                counts.merge(v, 1, Integer::sum);
            }
            assertEquals(c.p(), counts.size(), () -> "distinct classes in " + Arrays.toString(l) + " " + c);
            counts.values().forEach(n -> assertEquals(c.k(), n, () -> "per-class count in " + Arrays.toString(l) + " " + c));
            if (!c.mix()) {
                for (int i = 0; i < l.length; i++) {
                    assertEquals(l[i - i % c.k()], l[i], () -> "class blocks in " + Arrays.toString(l) + " " + c);
                }
            }
        }
    }

    /** §1.2: no repeated index for classes of at least K; even over-sampling for smaller ones. */
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
                assertEquals(Math.min(n, c.k()), counts.size(), () -> "distinct rows of class " + label + " in "
                        + Arrays.toString(batch) + " " + c);
                counts.values().forEach(m -> assertTrue(m >= lo && m <= hi, () -> "row repeated " + m
                        + " times, expected " + lo + ".." + hi + " in " + Arrays.toString(batch) + " " + c));
            });
        }
    }

    /**
     * §1.3: inside a class, every run of n consecutive draws (passes aligned to the epoch start) holds
     * each of the class's n rows once; with mixed layout, counts differ by at most 1 after each batch.
     */
    @Property(tries = 300)
    void coverageWithoutReplacement(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        TreeMap<Integer, IntArrayList> byClass = c.byClass();
        for (int e = 0; e < 2; e++) {
            Map<Integer, IntArrayList> draws = new HashMap<>();
            Map<Integer, Int2IntOpenHashMap> counts = new HashMap<>();
            for (int[] batch : Batches.epoch(s, e)) {
                for (int row : batch) {
                    int label = c.labels()[row];
                    draws.computeIfAbsent(label, x -> new IntArrayList()).add(row);
                    counts.computeIfAbsent(label, x -> new Int2IntOpenHashMap()).addTo(row, 1);
                }
                counts.forEach((label, m) -> {
                    int n = byClass.get(label).size();
                    int min = m.size() < n ? 0 : m.values().intStream().min().orElseThrow();
                    int max = m.values().intStream().max().orElseThrow();
                    assertTrue(max - min <= 1, () -> "class " + label + " counts " + m + " " + c);
                });
            }
            if (c.mix()) {
                continue;
            }
            draws.forEach((label, seq) -> {
                int[] rows = byClass.get(label).toIntArray();
                int n = rows.length;
                for (int from = 0; from + n <= seq.size(); from += n) {
                    int[] pass = Arrays.copyOfRange(seq.toIntArray(), from, from + n);
                    assertArrayEquals(rows, Batches.sorted(pass), () -> "pass of class " + label + ": " + seq + " " + c);
                }
                int rest = seq.size() % n;
                int[] tail = Arrays.copyOfRange(seq.toIntArray(), seq.size() - rest, seq.size());
                assertEquals(rest, Arrays.stream(tail).distinct().count(), () -> "partial pass " + seq + " " + c);
            });
        }
    }

    /** §1.4: within an epoch, the numbers of batches in which two classes appear differ by at most 1. */
    @Property(tries = 300)
    void fairClassChoice(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int classes = c.byClass().size();
        for (int e = 0; e < 3; e++) {
            Map<Integer, Integer> appearances = new HashMap<>();
            for (int[] batch : Batches.epoch(s, e)) {
                Arrays.stream(Batches.labelsOf(batch, c.labels())).distinct()
                        .forEach(label -> appearances.merge(label, 1, Integer::sum));
                int max = appearances.values().stream().max(Integer::compare).orElseThrow();
                int min = appearances.size() < classes ? 0 : appearances.values().stream().min(Integer::compare).orElseThrow();
                assertTrue(max - min <= 1, () -> "appearances " + appearances + " " + c);
            }
        }
    }

    /** §1.5: without shuffling, classes go round-robin in label order and rows in data-set order. */
    @Property(tries = 200)
    void noShuffleIsRoundRobinInOrder(@ForAll("cases") Case c) {
        Case ordered = new Case(c.labels(), c.p(), c.k(), c.seed(), false, false);
        BalancedBatchSampler s = ordered.sampler();
        List<IntArrayList> rows = new ArrayList<>(ordered.byClass().values());
        int[] next = new int[rows.size()];
        int deal = 0;
        for (int[] batch : Batches.take(s, 0, 0, s.batchesPerEpoch())) {
            int[] expected = new int[batch.length];
            for (int i = 0; i < c.p(); i++) {
                int cls = deal++ % rows.size();
                for (int j = 0; j < c.k(); j++) {
                    IntArrayList r = rows.get(cls);
                    expected[i * c.k() + j] = r.getInt(next[cls]++ % r.size());
                }
            }
            assertArrayEquals(expected, batch, ordered::toString);
        }
    }

    /** §1.6: the mixed layout is a permutation of the grouped batch, on the same seed. */
    @Property(tries = 200)
    void mixedIsAPermutationOfGrouped(@ForAll("cases") Case c) {
        Case grouped = c.with(c.shuffle(), false);
        Case mixed = c.with(c.shuffle(), true);
        int[][] g = Batches.take(grouped.sampler(), 1, 0, 5);
        int[][] m = Batches.take(mixed.sampler(), 1, 0, 5);
        for (int b = 0; b < g.length; b++) {
            assertArrayEquals(Batches.sorted(g[b]), Batches.sorted(m[b]), c::toString);
        }
    }

    /** §1.7, §1.9: epoch e alone, and a resume at (e, b), equal the endless stream's batches. */
    @Property(tries = 200)
    void epochsAndResumeMatchTheStream(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int per = s.batchesPerEpoch();
        int[][] stream = Batches.take(s, 0, 0, per * 3);
        for (int e = 2; e >= 0; e--) { // any order
            int[][] alone = Batches.epoch(s, e);
            for (int b = 0; b < per; b++) {
                assertArrayEquals(stream[e * per + b], alone[b], c::toString);
            }
        }
        java.util.SplittableRandom r = new java.util.SplittableRandom(c.seed());
        for (int t = 0; t < 3; t++) {
            int e = r.nextInt(2);
            int b = r.nextInt(per);
            int[][] resumed = Batches.take(s, e, b, per + 1);
            for (int i = 0; i < resumed.length; i++) {
                assertArrayEquals(stream[e * per + b + i], resumed[i], () -> "resume at " + c);
            }
        }
    }

    /** §1.10: ranks hold disjoint classes and together form the P*W single-process batch. */
    @Property(tries = 200)
    void shardsUnionToTheWideBatch(@ForAll("cases") Case c) {
        int classes = c.eligible();
        for (int w = 2; w <= 3; w++) {
            if (c.p() * w > classes) {
                return;
            }
            BalancedBatchSampler wide = c.builder().classesPerBatch(c.p() * w).samplesPerClass(c.k()).build();
            int steps = wide.batchesPerEpoch() + 2;
            int[][] expected = Batches.take(wide, 0, 0, steps);
            int[][][] shards = new int[w][][];
            for (int r = 0; r < w; r++) {
                BalancedBatchSampler s = c.builder().classesPerBatch(c.p()).samplesPerClass(c.k()).shard(r, w).build();
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
                        mine.add(label);
                    }
                    assertEquals(c.p(), mine.size());
                    for (int label : mine) {
                        assertTrue(seen.add(label), () -> "two ranks share class " + label + " " + c);
                    }
                    union = concat(union, part);
                }
                if (c.mix()) {
                    assertArrayEquals(Batches.sorted(expected[step]), Batches.sorted(union), c::toString);
                } else {
                    assertArrayEquals(expected[step], union, c::toString);
                }
            }
        }
    }

    /** §1.8: the same inputs and seed give the same batches from independent samplers. */
    @Property(tries = 100)
    void deterministic(@ForAll("cases") Case c) {
        int[][] a = Batches.take(c.sampler(), 0, 0, 7);
        int[][] b = Batches.take(c.sampler(), 0, 0, 7);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(a[i], b[i], c::toString);
        }
    }

    // ---- Class-choice strategies (SPEC §5) ----

    /**
     * Long-tailed label sets (Zipf-like sizes with a random exponent, some classes of 1-2 samples)
     * under a random strategy: power q in {0.3, 0.5, 1}, or progressive balancing over T in 1..4
     * epochs, each with a minimum class size of 1..3 half of the time.
     */
    @Provide
    Arbitrary<Case> strategyCases() {
        Arbitrary<Long> seeds = Arbitraries.longs();
        return Combinators.combine(Arbitraries.integers().between(2, 25), seeds, Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(1, 6), Arbitraries.of(true, true, true, false),
                        Arbitraries.of(false, false, true), Arbitraries.of(0.3, 0.5, 1.0, -1.0, -2.0, -3.0, -4.0),
                        Arbitraries.of(1, 1, 2, 3))
                .as((classes, seed, k, pRaw, shuffle, mix, strategy, minRaw) -> {
                    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
                    double exponent = 0.5 + 1.5 * r.nextDouble();
                    int largest = 2 + r.nextInt(80);
                    int[] sizes = new int[classes];
                    for (int c = 0; c < classes; c++) {
                        sizes[c] = Math.max(1, (int) (largest / Math.pow(c + 1, exponent)));
                    }
                    int minSize = r.nextBoolean() ? 1 : minRaw;
                    int[] labels = scatter(sizes, r);
                    double power = strategy > 0 ? strategy : 0;
                    int progressive = strategy > 0 ? 0 : (int) -strategy;
                    Case c = new Case(labels, 1, k, seed, shuffle, mix, power, progressive, minSize);
                    int eligible = c.eligible();
                    if (eligible == 0) { // every class too small: drop the minimum
                        return new Case(labels, 1 + (pRaw - 1) % classes, k, seed, shuffle, mix, power, progressive, 1);
                    }
                    return new Case(labels, 1 + (pRaw - 1) % eligible, k, seed, shuffle, mix, power, progressive, minSize);
                });
    }

    /** Labels 0 .. C-1 with the given class sizes, scattered through the data set. */
    private static int[] scatter(int[] sizes, java.util.SplittableRandom r) {
        int[] labels = new int[Arrays.stream(sizes).sum()];
        for (int c = 0, i = 0; c < sizes.length; c++) {
            for (int j = 0; j < sizes[c]; j++) {
                labels[i++] = c * 7 - 20; // not dense from 0, to keep labels and ordinals apart
            }
        }
        for (int i = labels.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = labels[i];
            labels[i] = labels[j];
            labels[j] = t;
        }
        return labels;
    }

    /**
     * The targets of SPEC §5, computed independently: exact decimal arithmetic and the textbook
     * iterative water-filling (cap every class over B, share the rest again, until none is over).
     * Returns label -> target number of appearances in epoch {@code e}; left-out classes are absent.
     */
    static Map<Integer, BigDecimal> expectedTargets(Case c, int batches, int e) {
        MathContext mc = MathContext.DECIMAL128;
        TreeMap<Integer, Integer> sizes = new TreeMap<>();
        c.byClass().forEach((label, rows) -> {
            if (rows.size() >= c.minSize()) {
                sizes.put(label, rows.size());
            }
        });
        BigDecimal n = BigDecimal.valueOf(sizes.values().stream().mapToLong(Integer::longValue).sum());
        BigDecimal classes = BigDecimal.valueOf(sizes.size());
        Map<Integer, BigDecimal> weight = new HashMap<>();
        for (var entry : sizes.entrySet()) {
            BigDecimal size = BigDecimal.valueOf(entry.getValue());
            BigDecimal w;
            if (c.power() > 0) {
                w = new BigDecimal(Math.pow(entry.getValue(), c.power()));
            } else if (c.progressive() > 0 && e < c.progressive()) {
                BigDecimal a = BigDecimal.valueOf(e).divide(BigDecimal.valueOf(c.progressive()), mc);
                w = BigDecimal.ONE.subtract(a).multiply(size.divide(n, mc), mc).add(a.divide(classes, mc), mc);
            } else {
                w = BigDecimal.ONE;
            }
            weight.put(entry.getKey(), w);
        }
        BigDecimal cap = BigDecimal.valueOf(batches);
        BigDecimal slots = BigDecimal.valueOf((long) c.p() * batches);
        Map<Integer, BigDecimal> target = new HashMap<>();
        Set<Integer> capped = new HashSet<>();
        boolean changed = true;
        while (changed) {
            changed = false;
            BigDecimal rest = slots.subtract(cap.multiply(BigDecimal.valueOf(capped.size())));
            BigDecimal sum = BigDecimal.ZERO;
            for (int label : sizes.keySet()) {
                if (!capped.contains(label)) {
                    sum = sum.add(weight.get(label));
                }
            }
            for (int label : sizes.keySet()) {
                if (capped.contains(label)) {
                    target.put(label, cap);
                } else {
                    BigDecimal t = rest.multiply(weight.get(label), mc).divide(sum, mc);
                    target.put(label, t);
                    if (t.compareTo(cap) > 0) {
                        capped.add(label);
                        changed = true;
                    }
                }
            }
        }
        return target;
    }

    /**
     * §5.1-3: in every epoch each class appears within 1 of its independently computed target (the
     * class-balanced epochs of progressive balancing included), and classes below the minimum size
     * never appear.
     */
    @Property(tries = 400)
    void quotasWithinOneOfTargets(@ForAll("strategyCases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int batches = s.batchesPerEpoch();
        for (int e = 0; e <= Math.max(2, c.progressive() + 1); e++) {
            Map<Integer, Integer> appearances = appearances(Batches.epoch(s, e), c);
            Map<Integer, BigDecimal> target = expectedTargets(c, batches, e);
            for (int label : appearances.keySet()) {
                assertTrue(target.containsKey(label), () -> "class " + label + " is below the minimum size " + c);
            }
            BigDecimal sum = BigDecimal.ZERO;
            for (var entry : target.entrySet()) {
                int got = appearances.getOrDefault(entry.getKey(), 0);
                double diff = Math.abs(got - entry.getValue().doubleValue());
                int epoch = e;
                assertTrue(diff < 1 + 1e-9, () -> "epoch " + epoch + ": class " + entry.getKey() + " appears " + got
                        + " times, target " + entry.getValue() + " " + c);
                sum = sum.add(entry.getValue());
            }
            BigDecimal filled = sum;
            assertTrue(sum.subtract(BigDecimal.valueOf((long) c.p() * batches)).abs().compareTo(new BigDecimal("1e-20")) < 0,
                    () -> "targets sum to " + filled + ", not the slots " + c);
            double[] shares = s.targetShares(e);
            for (var entry : target.entrySet()) {
                double share = shares[s.classes().ordinalOf(entry.getKey())];
                double expected = entry.getValue().doubleValue() / ((double) c.p() * batches);
                assertEquals(expected, share, 1e-9, c::toString);
            }
        }
    }

    /**
     * §5: a class's appearances are spread over the epoch: the cyclic gaps (in batches) between
     * its consecutive appearances are below 3 B / q_c.
     */
    @Property(tries = 300)
    void appearancesAreSpread(@ForAll("strategyCases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int batches = s.batchesPerEpoch();
        for (int e = 0; e < 2; e++) {
            int[][] epoch = Batches.epoch(s, e);
            Map<Integer, IntArrayList> where = new HashMap<>();
            for (int b = 0; b < batches; b++) {
                int batch = b;
                Arrays.stream(Batches.labelsOf(epoch[b], c.labels())).distinct()
                        .forEach(label -> where.computeIfAbsent(label, x -> new IntArrayList()).add(batch));
            }
            if (!c.shuffle() || s.quotas().uniform(e)) {
                continue; // the deck deals class-balanced epochs (one appearance per pass of it)
            }
            int ep = e;
            where.forEach((label, at) -> {
                int q = at.size();
                for (int i = 0; i < q; i++) {
                    int gap = i + 1 < q ? at.getInt(i + 1) - at.getInt(i) : at.getInt(0) + batches - at.getInt(i);
                    assertTrue(gap < 3.0 * batches / q, () -> "epoch " + ep + ": class " + label + " at batches " + at
                            + " of " + batches + " " + c);
                }
            });
        }
    }

    /** q = 0 and a minimum size of 1, set explicitly, give exactly the default batches (which never set them). */
    @Property(tries = 150)
    void zeroPowerIsTheDefault(@ForAll("cases") Case c) {
        int[][] expected = Batches.take(c.sampler(), 0, 0, c.sampler().batchesPerEpoch() * 2 + 1);
        BalancedBatchSampler zero = BalancedBatchSampler.builder(ClassIndex.of(c.labels())).classesPerBatch(c.p())
                .samplesPerClass(c.k()).seed(c.seed()).shuffle(c.shuffle()).mix(c.mix()).classWeightPower(0)
                .minSamplesPerClass(1).build();
        int[][] got = Batches.take(zero, 0, 0, expected.length);
        for (int b = 0; b < expected.length; b++) {
            assertArrayEquals(expected[b], got[b], c::toString);
        }
    }

    /** §5.2: from epoch T on, progressive balancing is the default's class-balanced epochs exactly. */
    @Property(tries = 150)
    void progressiveEndsInTheDefault(@ForAll("cases") Case c) {
        int t = 1 + (int) Math.floorMod(c.seed(), 3L);
        BalancedBatchSampler progressive = BalancedBatchSampler.builder(ClassIndex.of(c.labels())).classesPerBatch(c.p())
                .samplesPerClass(c.k()).seed(c.seed()).shuffle(c.shuffle()).mix(c.mix()).progressiveEpochs(t).build();
        for (int e = t; e <= t + 1; e++) {
            int[][] expected = Batches.epoch(c.sampler(), e);
            int[][] got = Batches.epoch(progressive, e);
            for (int b = 0; b < expected.length; b++) {
                assertArrayEquals(expected[b], got[b], c::toString);
            }
        }
    }

    /**
     * §5.3 alone (no weighting): classes below the minimum never appear, and the others keep the
     * default's fairness (§1.4) among themselves.
     */
    @Property(tries = 200)
    void minimumSizeAloneKeepsFairClassChoice(@ForAll("cases") Case c) {
        int minSize = 2 + (int) Math.floorMod(c.seed(), 3L);
        Case probe = new Case(c.labels(), 1, c.k(), c.seed(), c.shuffle(), c.mix(), 0, 0, minSize);
        int eligible = probe.eligible();
        if (eligible == 0) {
            return;
        }
        Case m = new Case(c.labels(), 1 + (c.p() - 1) % eligible, c.k(), c.seed(), c.shuffle(), c.mix(), 0, 0, minSize);
        BalancedBatchSampler s = m.sampler();
        Map<Integer, Integer> size = new HashMap<>();
        m.byClass().forEach((label, rows) -> size.put(label, rows.size()));
        for (int e = 0; e < 2; e++) {
            Map<Integer, Integer> appearances = new HashMap<>();
            for (int[] batch : Batches.epoch(s, e)) {
                for (int label : Batches.labelsOf(batch, m.labels())) {
                    assertTrue(size.get(label) >= minSize, () -> "class " + label + " is below " + minSize + " " + m);
                }
                Arrays.stream(Batches.labelsOf(batch, m.labels())).distinct()
                        .forEach(label -> appearances.merge(label, 1, Integer::sum));
                int max = appearances.values().stream().max(Integer::compare).orElseThrow();
                int min = appearances.size() < eligible ? 0 : appearances.values().stream().min(Integer::compare).orElseThrow();
                assertTrue(max - min <= 1, () -> "appearances " + appearances + " " + m);
            }
        }
    }

    /** §5.4: the §1 properties hold under every strategy. */
    @Property(tries = 200)
    void compositionUnderStrategies(@ForAll("strategyCases") Case c) {
        composition(c);
    }

    @Property(tries = 200)
    void noAvoidableDuplicatesUnderStrategies(@ForAll("strategyCases") Case c) {
        noAvoidableDuplicates(c);
    }

    @Property(tries = 200)
    void coverageUnderStrategies(@ForAll("strategyCases") Case c) {
        coverageWithoutReplacement(c);
    }

    @Property(tries = 150)
    void mixedIsAPermutationOfGroupedUnderStrategies(@ForAll("strategyCases") Case c) {
        mixedIsAPermutationOfGrouped(c);
    }

    @Property(tries = 200)
    void epochsAndResumeUnderStrategies(@ForAll("strategyCases") Case c) {
        epochsAndResumeMatchTheStream(c);
    }

    @Property(tries = 200)
    void shardsUnderStrategies(@ForAll("strategyCases") Case c) {
        shardsUnionToTheWideBatch(c);
    }

    @Property(tries = 100)
    void deterministicUnderStrategies(@ForAll("strategyCases") Case c) {
        deterministic(c);
    }

    /** Label -> number of batches of {@code epoch} in which it appears. */
    private static Map<Integer, Integer> appearances(int[][] epoch, Case c) {
        Map<Integer, Integer> count = new HashMap<>();
        for (int[] batch : epoch) {
            Arrays.stream(Batches.labelsOf(batch, c.labels())).distinct().forEach(label -> count.merge(label, 1, Integer::sum));
        }
        return count;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
