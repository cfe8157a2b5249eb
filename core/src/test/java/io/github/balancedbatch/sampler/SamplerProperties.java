package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.unimi.dsi.fastutil.ints.Int2IntOpenHashMap;
import it.unimi.dsi.fastutil.ints.IntArrayList;
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

    /** A random labelled data set and sampler parameters. */
    record Case(int[] labels, int p, int k, long seed, boolean shuffle, boolean mix) {
        BalancedBatchSampler sampler() {
            return BalancedBatchSampler.builder(ClassIndex.of(labels))
                    .classesPerBatch(p).samplesPerClass(k).seed(seed).shuffle(shuffle).mix(mix).build();
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
                    + ", seed=" + seed + ", shuffle=" + shuffle + ", mix=" + mix + ", labels="
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
        Case grouped = new Case(c.labels(), c.p(), c.k(), c.seed(), c.shuffle(), false);
        Case mixed = new Case(c.labels(), c.p(), c.k(), c.seed(), c.shuffle(), true);
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
        int classes = c.byClass().size();
        for (int w = 2; w <= 3; w++) {
            if (c.p() * w > classes) {
                return;
            }
            BalancedBatchSampler wide = BalancedBatchSampler.builder(ClassIndex.of(c.labels()))
                    .classesPerBatch(c.p() * w).samplesPerClass(c.k()).seed(c.seed()).shuffle(c.shuffle())
                    .mix(c.mix()).build();
            int steps = wide.batchesPerEpoch() + 2;
            int[][] expected = Batches.take(wide, 0, 0, steps);
            int[][][] shards = new int[w][][];
            for (int r = 0; r < w; r++) {
                BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(c.labels()))
                        .classesPerBatch(c.p()).samplesPerClass(c.k()).seed(c.seed()).shuffle(c.shuffle())
                        .mix(c.mix()).shard(r, w).build();
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

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
