package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The sampling contract on multi-label data (samples holding several labels), checked over many
 * small random data sets: every check below works from the test's own copy of the labels.
 */
class MultiLabelProperties {

    /**
     * A random multi-label data set in CSR form (label values may repeat within a sample, as the
     * input allows) and sampler parameters; {@code power}, {@code progressive} and {@code minSize}
     * are the class-choice strategy (0, 0, 1: the default); {@code multiHot}: the data set is given as
     * columns 0 .. width - 1 of a multi-hot matrix.
     */
    record Case(int[] offsets, int[] values, boolean multiHot, int width, int p, int k, long seed, boolean shuffle,
                boolean mix, double power, int progressive, int minSize) {

        ClassIndex index() {
            return multiHot ? ClassIndex.ofMultiHot(offsets, values, width) : ClassIndex.ofMultiLabel(offsets, values);
        }

        int samples() {
            return offsets.length - 1;
        }

        /** The distinct label values of sample {@code i}. */
        Set<Integer> labelsOf(int i) {
            Set<Integer> s = new TreeSet<>();
            for (int j = offsets[i]; j < offsets[i + 1]; j++) {
                s.add(values[j]);
            }
            return s;
        }

        /** Label value -> its samples, ascending. */
        TreeMap<Integer, List<Integer>> byLabel() {
            TreeMap<Integer, List<Integer>> m = new TreeMap<>();
            for (int i = 0; i < samples(); i++) {
                for (int v : labelsOf(i)) {
                    m.computeIfAbsent(v, x -> new ArrayList<>()).add(i);
                }
            }
            return m;
        }

        long memberships() {
            return byLabel().values().stream().mapToLong(List::size).sum();
        }

        int eligible() {
            return (int) byLabel().values().stream().filter(r -> r.size() >= minSize).count();
        }

        BalancedBatchSampler.Builder builder() {
            BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(index()).seed(seed).shuffle(shuffle).mix(mix);
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

        Case with(boolean shuffle, boolean mix) {
            return new Case(offsets, values, multiHot, width, p, k, seed, shuffle, mix, power, progressive, minSize);
        }

        @Override
        public String toString() {
            return "Case[n=" + samples() + ", labels=" + byLabel().size() + ", p=" + p + ", k=" + k + ", seed=" + seed
                    + ", shuffle=" + shuffle + ", mix=" + mix + ", multiHot=" + multiHot + ", power=" + power
                    + ", progressive=" + progressive + ", minSize=" + minSize + ", offsets=" + Arrays.toString(offsets)
                    + ", values=" + Arrays.toString(values) + "]";
        }
    }

    private static final int[] ODD_LABELS = {-5, 7, 1_000_000, Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1};

    /** N samples holding 1 to 3 labels each (sometimes one label twice), among C label values. */
    private static Case generate(long seed, int n, int classes, int k, int pRaw, boolean shuffle, boolean mix,
            double power, int progressive, int minSize) {
        SplittableRandom r = new SplittableRandom(seed);
        boolean multiHot = r.nextInt(3) == 0;
        int width = classes + (multiHot ? r.nextInt(3) : 0); // a few empty columns
        int[] pool = new int[classes];
        Set<Integer> used = new HashSet<>();
        for (int c = 0; c < classes; c++) {
            int v;
            do {
                v = multiHot ? r.nextInt(width) : r.nextInt(4) == 0 ? ODD_LABELS[r.nextInt(ODD_LABELS.length)]
                        : r.nextInt(-30, 30);
            } while (!used.add(v));
            pool[c] = v;
        }
        double skew = 0.3 + 1.5 * r.nextDouble(); // long-tailed label frequencies
        int[] offsets = new int[n + 1];
        List<Integer> values = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int count = 1 + (r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0);
            for (int j = 0; j < count; j++) {
                int c = (int) (classes * Math.pow(r.nextDouble(), 1 + skew));
                values.add(pool[Math.min(classes - 1, c)]);
            }
            if (r.nextInt(10) == 0) {
                values.add(values.get(values.size() - 1)); // the same label twice: counts once
            }
            offsets[i + 1] = values.size();
        }
        int[] v = values.stream().mapToInt(Integer::intValue).toArray();
        Case c = new Case(offsets, v, multiHot, width, 1, k, seed, shuffle, mix, power, progressive, minSize);
        int eligible = c.eligible();
        if (eligible == 0) {
            c = new Case(offsets, v, multiHot, width, 1, k, seed, shuffle, mix, power, progressive, 1);
            eligible = c.eligible();
        }
        return new Case(offsets, v, multiHot, width, 1 + (pRaw - 1) % eligible, k, seed, shuffle, mix, power, progressive,
                c.minSize());
    }

    @Provide
    Arbitrary<Case> cases() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(1, 40),
                        Arbitraries.integers().between(1, 9), Arbitraries.integers().between(1, 6),
                        Arbitraries.integers().between(1, 8), Arbitraries.of(true, true, true, false),
                        Arbitraries.of(false, false, true))
                .as((seed, n, classes, k, p, shuffle, mix) -> generate(seed, n, classes, k, p, shuffle, mix, 0, 0, 1));
    }

    @Provide
    Arbitrary<Case> strategyCases() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.integers().between(4, 40),
                        Arbitraries.integers().between(2, 9), Arbitraries.integers().between(1, 5),
                        Arbitraries.integers().between(1, 5), Arbitraries.of(true, true, true, false),
                        Arbitraries.of(0.3, 0.5, 1.0, -1.0, -2.0, -3.0), Arbitraries.of(1, 1, 2, 3))
                .as((seed, n, classes, k, p, shuffle, strategy, min) -> generate(seed, n, classes, k, p, shuffle, false,
                        strategy > 0 ? strategy : 0, strategy > 0 ? 0 : (int) -strategy, min));
    }

    /** A step's rows and each entry's anchor class ordinal, for {@code count} steps from (epoch, first). */
    private static int[][][] take(BalancedBatchSampler s, int epoch, int first, int count) {
        BatchCursor cursor = s.cursor(epoch, first);
        int[][][] out = new int[count][2][s.batchSize()];
        for (int b = 0; b < count; b++) {
            cursor.next(out[b][0], out[b][1]);
        }
        return out;
    }

    /**
     * Composition: P distinct anchors, K consecutive entries each (unless mixed: K entries each), and
     * every entry's sample holds its anchor label; the index's own view of each sample agrees.
     */
    @Property(tries = 300)
    void composition(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        ClassIndex index = s.classes();
        assertTrue(index.multiLabel());
        assertEquals(c.samples(), index.sampleCount());
        assertEquals(c.memberships(), index.membershipCount());
        for (int i = 0; i < c.samples(); i++) {
            Set<Integer> mine = new TreeSet<>();
            for (int j = 0; j < index.labelCount(i); j++) {
                mine.add(index.label(index.labelOrdinal(i, j)));
                assertTrue(j == 0 || index.labelOrdinal(i, j) > index.labelOrdinal(i, j - 1));
            }
            assertEquals(c.labelsOf(i), mine, c::toString);
        }
        for (int[][] step : take(s, 0, 0, s.batchesPerEpoch() + 2)) {
            int[] rows = step[0];
            int[] classes = step[1];
            Map<Integer, Integer> perAnchor = new HashMap<>();
            for (int i = 0; i < rows.length; i++) {
                int anchor = index.label(classes[i]);
                assertTrue(c.labelsOf(rows[i]).contains(anchor), () -> "entry's sample lacks its anchor " + c);
                perAnchor.merge(classes[i], 1, Integer::sum);
                if (!c.mix()) {
                    assertEquals(classes[i - i % c.k()], classes[i], c::toString);
                }
            }
            assertEquals(c.p(), perAnchor.size(), c::toString);
            for (int n : perAnchor.values()) {
                assertEquals(c.k(), n, c::toString);
            }
        }
    }

    /**
     * No duplicates when avoidable, over the global batch of a step (W = 1, 2, 3 alike): with A = the
     * anchor's samples not taken for an anchor before it in the step, an anchor with |A| &gt;= K takes
     * K distinct samples of A; with 0 &lt; |A| &lt; K it takes only samples of A, each floor(K/|A|) or
     * ceil(K/|A|) times; with A empty, each of its n samples floor(K/n) or ceil(K/n) times. In
     * particular a batch repeats no sample when every anchor has K samples outside the earlier ones.
     */
    @Property(tries = 300)
    void noAvoidableDuplicates(@ForAll("cases") Case c) {
        Case grouped = c.with(c.shuffle(), false);
        BalancedBatchSampler s = grouped.sampler();
        TreeMap<Integer, List<Integer>> byLabel = c.byLabel();
        for (int[][] step : take(s, 0, 0, s.batchesPerEpoch() + 2)) {
            checkDuplicates(step[0], step[1], s, byLabel, c);
        }
    }

    private static void checkDuplicates(int[] rows, int[] classes, BalancedBatchSampler s,
            TreeMap<Integer, List<Integer>> byLabel, Case c) {
        int k = c.k();
        Set<Integer> earlier = new HashSet<>();
        for (int a = 0; a < rows.length / k; a++) {
            List<Integer> mine = byLabel.get(s.classes().label(classes[a * k]));
            Set<Integer> allowed = new TreeSet<>(mine);
            allowed.removeAll(earlier);
            Map<Integer, Integer> counts = new HashMap<>();
            for (int i = a * k; i < (a + 1) * k; i++) {
                counts.merge(rows[i], 1, Integer::sum);
            }
            Set<Integer> pool = allowed.isEmpty() ? new TreeSet<>(mine) : allowed;
            int m = Math.min(k, pool.size());
            for (var e : counts.entrySet()) {
                assertTrue(pool.contains(e.getKey()), () -> "anchor took a sample it could avoid " + c);
                assertTrue(e.getValue() == k / m || e.getValue() == (k + m - 1) / m,
                        () -> "uneven over-sampling " + counts + " of " + pool + " " + c);
            }
            assertEquals(m, counts.size(), c::toString);
            for (int i = a * k; i < (a + 1) * k; i++) {
                earlier.add(rows[i]);
            }
        }
    }

    /**
     * Coverage within an epoch, per label L, in each anchor's draw order (grouped layout, W = 1). An
     * entry counts as a <em>draw</em> for L when its sample is not already among the step's earlier
     * entries (repeats inside an over-sampled anchor and samples taken for an earlier anchor are not
     * draws). Draws of L are split into passes: a pass ends just before a draw of a sample it already
     * drew. Checked: a pass ends only when every sample of L it did not draw is already in the step's
     * batch (the in-batch deferral; without it, only once it drew all of L). So a sample of L is
     * drawn for L a second time only when each other sample of L was drawn for L, or was in the
     * batch at that moment.
     */
    @Property(tries = 400)
    void coverageWithoutReplacement(@ForAll("cases") Case c) {
        Case grouped = c.with(c.shuffle(), false);
        BalancedBatchSampler s = grouped.sampler();
        TreeMap<Integer, List<Integer>> byLabel = c.byLabel();
        int k = c.k();
        for (int e = 0; e < 3; e++) {
            Map<Integer, Set<Integer>> pass = new HashMap<>();
            for (int[][] step : take(s, e, 0, s.batchesPerEpoch())) {
                int[] rows = step[0];
                Set<Integer> inBatch = new HashSet<>();
                for (int i = 0; i < rows.length; i++) {
                    int label = s.classes().label(step[1][i]);
                    int row = rows[i];
                    if (inBatch.add(row)) {
                        Set<Integer> drawn = pass.computeIfAbsent(label, x -> new HashSet<>());
                        if (!drawn.add(row)) {
                            for (int other : byLabel.get(label)) {
                                int epoch = e;
                                assertTrue(drawn.contains(other) || inBatch.contains(other), () -> "epoch " + epoch
                                        + ": label " + label + " drew " + row + " again before " + other + " " + c);
                            }
                            drawn.clear();
                            drawn.add(row);
                        }
                    }
                }
            }
        }
    }

    /** Fair anchor choice: within an epoch, two labels' anchor counts differ by at most 1. */
    @Property(tries = 300)
    void fairAnchors(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        for (int e = 0; e < 2; e++) {
            Map<Integer, Integer> counts = anchorCounts(take(s, e, 0, s.batchesPerEpoch()), s, c.k());
            for (int label : c.byLabel().keySet()) {
                counts.putIfAbsent(label, 0);
            }
            int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
            int min = counts.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
            assertTrue(max - min <= 1, () -> counts + " " + c);
        }
    }

    private static Map<Integer, Integer> anchorCounts(int[][][] epoch, BalancedBatchSampler s, int k) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (int[][] step : epoch) {
            Set<Integer> anchors = new HashSet<>();
            for (int i = 0; i < step[1].length; i++) {
                anchors.add(s.classes().label(step[1][i]));
            }
            for (int a : anchors) {
                counts.merge(a, 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Without shuffling, each epoch deals anchors round-robin in label order from the first label. */
    @Property(tries = 150)
    void noShuffleDealsAnchorsRoundRobin(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.with(false, false).sampler();
        int[] labels = c.byLabel().keySet().stream().mapToInt(Integer::intValue).toArray();
        for (int e = 0; e < 2; e++) {
            int next = 0;
            for (int[][] step : take(s, e, 0, s.batchesPerEpoch())) {
                for (int i = 0; i < step[1].length; i += c.k()) {
                    assertEquals(labels[next], s.classes().label(step[1][i]), c::toString);
                    next = (next + 1) % labels.length;
                }
            }
        }
    }

    /** Default epoch length: ceil(memberships / (P * W * K)). */
    @Property(tries = 200)
    void defaultEpochLength(@ForAll("cases") Case c) {
        long m = c.memberships();
        assertEquals((m + (long) c.p() * c.k() - 1) / ((long) c.p() * c.k()), c.sampler().batchesPerEpoch(), c::toString);
        if (c.p() * 2 <= c.eligible()) {
            long g = 2L * c.p() * c.k();
            assertEquals((m + g - 1) / g, c.builder().classesPerBatch(c.p()).samplesPerClass(c.k()).shard(1, 2).build()
                    .batchesPerEpoch(), c::toString);
        }
    }

    /**
     * Epochs are pure and resumable: cursor(e, b) gives the b-th batch of epoch e as a cursor started
     * at (e, 0) and a stream from (0, 0) do; two samplers with the same inputs agree.
     */
    @Property(tries = 200)
    void epochsAndResumeMatchTheStream(@ForAll("cases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int b = s.batchesPerEpoch();
        int[][][] stream = take(s, 0, 0, 3 * b);
        int[][][] again = take(c.sampler(), 0, 0, 3 * b);
        for (int e = 2; e >= 0; e--) {
            int[][][] epoch = take(s, e, 0, b);
            for (int i = 0; i < b; i++) {
                assertArrayEquals(stream[e * b + i][0], epoch[i][0], c::toString);
                assertArrayEquals(stream[e * b + i][1], epoch[i][1], c::toString);
                assertArrayEquals(stream[e * b + i][0], again[e * b + i][0], c::toString);
            }
            for (int first = b - 1; first >= 0; first -= Math.max(1, b / 3)) {
                int[][][] resumed = take(s, e, first, b - first);
                for (int i = 0; i < resumed.length; i++) {
                    assertArrayEquals(stream[e * b + first + i][0], resumed[i][0], c::toString);
                    assertArrayEquals(stream[e * b + first + i][1], resumed[i][1], c::toString);
                }
            }
        }
    }

    /**
     * Shards (W = 2, 3): rank r's batches concatenated in rank order equal the batch of one process
     * with P * W anchors (rows and anchors), no two ranks share an anchor, and the exclusions hold
     * over the whole global batch.
     */
    @Property(tries = 200)
    void shardsConcatenateToTheWideBatch(@ForAll("cases") Case c) {
        for (int w = 2; w <= 3; w++) {
            if (c.p() * w > c.eligible()) {
                return;
            }
            BalancedBatchSampler wide = c.builder().classesPerBatch(c.p() * w).samplesPerClass(c.k()).build();
            int steps = wide.batchesPerEpoch() + 2;
            int[][][] expected = take(wide, 0, 0, steps);
            int[][][][] shards = new int[w][][][];
            for (int r = 0; r < w; r++) {
                BalancedBatchSampler s = c.builder().classesPerBatch(c.p()).samplesPerClass(c.k()).shard(r, w).build();
                assertEquals(wide.batchesPerEpoch(), s.batchesPerEpoch());
                shards[r] = take(s, 0, 0, steps);
            }
            for (int step = 0; step < steps; step++) {
                int[] rows = new int[0];
                int[] classes = new int[0];
                Set<Integer> seen = new HashSet<>();
                for (int r = 0; r < w; r++) {
                    Set<Integer> mine = new HashSet<>();
                    for (int a : shards[r][step][1]) {
                        mine.add(a);
                    }
                    for (int a : mine) {
                        assertTrue(seen.add(a), c::toString);
                    }
                    rows = concat(rows, shards[r][step][0]);
                    classes = concat(classes, shards[r][step][1]);
                }
                if (c.mix()) {
                    assertArrayEquals(Batches.sorted(expected[step][0]), Batches.sorted(rows), c::toString);
                } else {
                    assertArrayEquals(expected[step][0], rows, c::toString);
                    assertArrayEquals(expected[step][1], classes, c::toString);
                    checkDuplicates(rows, classes, wide, c.byLabel(), c);
                }
            }
        }
    }

    /** Mixing permutes each grouped batch (with its anchors) and changes nothing else. */
    @Property(tries = 150)
    void mixedIsAPermutationOfGrouped(@ForAll("cases") Case c) {
        BalancedBatchSampler grouped = c.with(c.shuffle(), false).sampler();
        BalancedBatchSampler mixed = c.with(c.shuffle(), true).sampler();
        int[][][] g = take(grouped, 1, 0, grouped.batchesPerEpoch());
        int[][][] m = take(mixed, 1, 0, mixed.batchesPerEpoch());
        for (int b = 0; b < g.length; b++) {
            assertEquals(pairs(g[b]), pairs(m[b]), c::toString);
        }
    }

    private static Map<Long, Integer> pairs(int[][] step) {
        Map<Long, Integer> m = new TreeMap<>();
        for (int i = 0; i < step[0].length; i++) {
            m.merge(((long) step[0][i] << 32) | step[1][i], 1, Integer::sum);
        }
        return m;
    }

    /**
     * A multi-label index whose samples each hold one label gives the single-label batches when no
     * class is smaller than K (the exclusion never triggers; smaller classes over-sample differently:
     * by repeating the anchor's own draws instead of drawing further passes).
     */
    @Property(tries = 200)
    void oneLabelEachIsTheSingleLabelSampler(@ForAll("cases") Case c) {
        int n = c.samples();
        int[] labels = new int[n];
        int[] offsets = new int[n + 1];
        for (int i = 0; i < n; i++) {
            labels[i] = c.values()[c.offsets()[i]];
            offsets[i + 1] = i + 1;
        }
        ClassIndex multi = ClassIndex.ofMultiLabel(offsets, labels);
        ClassIndex single = ClassIndex.of(labels);
        assertTrue(multi.multiLabel());
        assertTrue(!single.multiLabel());
        int p = 1 + (c.p() - 1) % single.activeClassCount();
        int min = Integer.MAX_VALUE;
        for (int a : single.activeClasses()) {
            min = Math.min(min, single.size(a));
        }
        int k = Math.min(c.k(), min);
        BalancedBatchSampler sm = BalancedBatchSampler.builder(multi).classesPerBatch(p).samplesPerClass(k).seed(c.seed())
                .shuffle(c.shuffle()).mix(c.mix()).build();
        BalancedBatchSampler ss = BalancedBatchSampler.builder(single).classesPerBatch(p).samplesPerClass(k).seed(c.seed())
                .shuffle(c.shuffle()).mix(c.mix()).build();
        assertEquals(ss.batchesPerEpoch(), sm.batchesPerEpoch());
        int[][][] a = take(sm, 0, 0, 2 * sm.batchesPerEpoch() + 1);
        int[][][] b = take(ss, 0, 0, 2 * ss.batchesPerEpoch() + 1);
        for (int i = 0; i < a.length; i++) {
            assertArrayEquals(b[i][0], a[i][0], c::toString);
            assertArrayEquals(b[i][1], a[i][1], c::toString);
        }
    }

    /**
     * Strategies weigh labels by their frequency (their number of samples): each label's anchor count
     * is within 1 of the target that the single-label rules give a class of that many samples,
     * labels below the minimum size are never anchors, and composition and the duplicate rule hold.
     */
    @Property(tries = 300)
    void strategiesWeighByLabelFrequency(@ForAll("strategyCases") Case c) {
        BalancedBatchSampler s = c.sampler();
        int batches = s.batchesPerEpoch();
        TreeMap<Integer, List<Integer>> byLabel = c.byLabel();
        int[] sizes = byLabel.values().stream().mapToInt(List::size).toArray();
        int[] labels = byLabel.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[] flat = new int[Arrays.stream(sizes).sum()];
        for (int i = 0, at = 0; i < sizes.length; i++) {
            Arrays.fill(flat, at, at + sizes[i], labels[i]);
            at += sizes[i];
        }
        SamplerProperties.Case single = new SamplerProperties.Case(flat, c.p(), c.k(), c.seed(), c.shuffle(), false,
                c.power(), c.progressive(), c.minSize());
        for (int e = 0; e <= Math.max(1, c.progressive() + 1); e++) {
            int[][][] epoch = take(s, e, 0, batches);
            Map<Integer, Integer> counts = anchorCounts(epoch, s, c.k());
            Map<Integer, BigDecimal> target = SamplerProperties.expectedTargets(single, batches, e);
            for (int label : counts.keySet()) {
                assertTrue(target.containsKey(label), () -> "label " + label + " is below the minimum size " + c);
            }
            double[] shares = s.targetShares(e);
            for (var t : target.entrySet()) {
                int got = counts.getOrDefault(t.getKey(), 0);
                int epochNumber = e;
                assertTrue(Math.abs(got - t.getValue().doubleValue()) < 1 + 1e-9, () -> "epoch " + epochNumber + ": label "
                        + t.getKey() + " is anchor " + got + " times, target " + t.getValue() + " " + c);
                assertEquals(t.getValue().doubleValue() / ((double) c.p() * batches),
                        shares[s.classes().ordinalOf(t.getKey())], 1e-9, c::toString);
            }
            for (int[][] step : epoch) {
                checkDuplicates(step[0], step[1], s, byLabel, c);
            }
        }
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
