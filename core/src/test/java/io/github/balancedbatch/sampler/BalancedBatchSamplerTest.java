package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.nio.IntBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

class BalancedBatchSamplerTest {

    private static BalancedBatchSampler.Builder builder(int[] labels) {
        return BalancedBatchSampler.builder(ClassIndex.of(labels));
    }

    @Test
    void validatesParametersWithMessagesThatNameThem() {
        int[] labels = SyntheticLabels.balanced(100, 10, 1);
        assertEquals("classesPerBatch=11 exceeds the 10 classes in the labels", assertThrows(IllegalArgumentException.class,
                () -> builder(labels).classesPerBatch(11).samplesPerClass(2).build()).getMessage());
        assertEquals("classesPerBatch=4 x worldSize=3 = 12 exceeds the 10 classes in the labels",
                assertThrows(IllegalArgumentException.class,
                        () -> builder(labels).classesPerBatch(4).samplesPerClass(2).shard(0, 3).build()).getMessage());
        assertEquals("samplesPerClass must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> builder(labels).classesPerBatch(2).samplesPerClass(0).build()).getMessage());
        assertEquals("classesPerBatch is required", assertThrows(IllegalArgumentException.class,
                () -> builder(labels).samplesPerClass(2).build()).getMessage());
        assertEquals("rank must be in [0, 2), got 2", assertThrows(IllegalArgumentException.class,
                () -> builder(labels).classesPerBatch(2).samplesPerClass(2).shard(2, 2).build()).getMessage());
        assertEquals("batchesPerEpoch must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> builder(labels).batchesPerEpoch(0)).getMessage());
        BalancedBatchSampler s = builder(labels).classesPerBatch(2).samplesPerClass(2).build();
        assertEquals("batch must be in [0, 25) for an epoch of 25 batches, got 25",
                assertThrows(IllegalArgumentException.class, () -> s.cursor(0, 25)).getMessage());
        assertEquals("epoch must be at least 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> s.cursor(-1, 0)).getMessage());
    }

    /** §5: strategy parameters are checked at the builder, before any work, with exact messages. */
    @Test
    void validatesStrategiesWithMessagesThatNameThem() {
        int[] labels = SyntheticLabels.zipf(200, 10, 1, 3);
        for (double bad : new double[] {Double.NaN, -0.1, 1.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertEquals("classWeightPower must be in [0, 1], got " + bad, assertThrows(IllegalArgumentException.class,
                    () -> builder(labels).classWeightPower(bad)).getMessage());
        }
        assertEquals("progressiveEpochs must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> builder(labels).progressiveEpochs(0)).getMessage());
        assertEquals("minSamplesPerClass must be at least 1, got 0", assertThrows(IllegalArgumentException.class,
                () -> builder(labels).minSamplesPerClass(0)).getMessage());
        assertEquals("classWeightPower=0.5 and progressiveEpochs=3 cannot be combined: choose one strategy",
                assertThrows(IllegalArgumentException.class, () -> builder(labels).classesPerBatch(2).samplesPerClass(2)
                        .classWeightPower(0.5).progressiveEpochs(3).build()).getMessage());
        int[] sizes = new int[10];
        for (int i = 0; i < labels.length; i++) {
            sizes[labels[i]]++;
        }
        int atLeast20 = (int) Arrays.stream(sizes).filter(n -> n >= 20).count();
        assertEquals("classesPerBatch=" + (atLeast20 + 1) + " exceeds the " + atLeast20
                        + " classes with at least minSamplesPerClass=20 samples (" + (10 - atLeast20) + " smaller classes left out)",
                assertThrows(IllegalArgumentException.class, () -> builder(labels).classesPerBatch(atLeast20 + 1)
                        .samplesPerClass(2).minSamplesPerClass(20).build()).getMessage());
        assertEquals("classesPerBatch=" + atLeast20 + " x worldSize=2 = " + 2 * atLeast20 + " exceeds the " + atLeast20
                        + " classes with at least minSamplesPerClass=20 samples (" + (10 - atLeast20) + " smaller classes left out)",
                assertThrows(IllegalArgumentException.class, () -> builder(labels).classesPerBatch(atLeast20)
                        .samplesPerClass(2).minSamplesPerClass(20).shard(0, 2).build()).getMessage());
        BalancedBatchSampler ok = builder(labels).classesPerBatch(atLeast20).samplesPerClass(2).minSamplesPerClass(20)
                .classWeightPower(1).build();
        assertEquals(atLeast20, ok.eligibleClassCount());
        assertEquals(1.0, Arrays.stream(ok.targetShares(0)).sum(), 1e-12);
        assertEquals("epoch must be at least 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> ok.targetShares(-1)).getMessage());
    }

    /**
     * §5.1 water-filling by hand: one class holds 900 of 1,000 samples; with q = 1 it is capped at
     * one appearance per batch (B = 50 of the 150 slots), and the other 100 slots go to the nine
     * small classes in proportion to their sizes (n_c x 100 / 100 = n_c appearances).
     */
    @Test
    void instanceBalancedCapsTheLargestClassAtEveryBatch() {
        int[] labels = new int[1_000];
        int[] small = {5, 5, 10, 10, 10, 10, 15, 15, 20}; // 100 samples
        for (int i = 0, c = 0, left = small[0]; i < 100; i++) {
            labels[i] = 1 + c;
            if (--left == 0 && ++c < small.length) {
                left = small[c];
            }
        }
        BalancedBatchSampler s = builder(labels).classesPerBatch(3).samplesPerClass(2).batchesPerEpoch(50)
                .classWeightPower(1).seed(6).build();
        double[] share = s.targetShares(0);
        assertEquals(50 / 150.0, share[0], 1e-15);
        for (int c = 0; c < small.length; c++) {
            assertEquals(small[c] / 150.0, share[1 + c], 1e-15);
        }
        for (int e = 0; e < 3; e++) {
            int[] appearances = new int[10];
            for (int[] batch : Batches.epoch(s, e)) {
                Arrays.stream(Batches.labelsOf(batch, labels)).distinct().forEach(l -> appearances[l]++);
            }
            assertEquals(50, appearances[0], "epoch " + e);
            for (int c = 0; c < small.length; c++) {
                assertEquals(small[c], appearances[1 + c], "epoch " + e + ", class " + (1 + c)); // integer targets: exact
            }
        }
        // progressive balancing starts instance-balanced and ends class-balanced
        BalancedBatchSampler p = builder(labels).classesPerBatch(3).samplesPerClass(2).batchesPerEpoch(50)
                .progressiveEpochs(4).seed(6).build();
        assertArrayEquals(share, p.targetShares(0), 1e-15);
        double[] half = p.targetShares(2); // (1/2) n_c / N + (1/2) / 10, then the cap
        assertEquals(50 / 150.0, half[0], 1e-15);
        for (int e = 4; e < 6; e++) {
            for (double v : p.targetShares(e)) {
                assertEquals(0.1, v, 1e-15);
            }
        }
    }

    /** The strategies' batches are pinned too: targets, rounding, stride and shuffle are the same on every JDK. */
    @Test
    void strategyOutputIsPinnedAcrossJdks() {
        int[] labels = SyntheticLabels.zipf(20_000, 300, 2, 11);
        assertEquals(PINNED_SQRT, checksum(builder(labels).classesPerBatch(16).samplesPerClass(5).seed(42)
                .classWeightPower(0.5).build(), 300));
        assertEquals(PINNED_PROGRESSIVE, checksum(builder(labels).classesPerBatch(8).samplesPerClass(3).seed(-7).mix(true)
                .progressiveEpochs(4).minSamplesPerClass(3).shard(1, 2).batchesPerEpoch(50).build(), 300));
    }

    private static final long PINNED_SQRT = 0x5d8b9db8L;
    private static final long PINNED_PROGRESSIVE = 0x178bdf1cL;

    @Test
    void defaultEpochLengthIsCeilOfSamplesOverBatchSize() {
        int[] labels = SyntheticLabels.balanced(101, 10, 1);
        assertEquals(6, builder(labels).classesPerBatch(4).samplesPerClass(5).build().batchesPerEpoch());
        assertEquals(3, builder(labels).classesPerBatch(4).samplesPerClass(5).shard(1, 2).build().batchesPerEpoch());
        assertEquals(9, builder(labels).classesPerBatch(4).samplesPerClass(5).batchesPerEpoch(9).build().batchesPerEpoch());
    }

    /** §1.11: one-hot columns without rows are never chosen, yet keep their ordinal. */
    @Test
    void emptyOneHotClassesAreNeverChosen() {
        int[] columns = new int[60];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = (i % 3) * 2; // columns 0, 2, 4 used; 1, 3, 5 empty
        }
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.ofColumns(columns, 6))
                .classesPerBatch(3).samplesPerClass(2).seed(5).build();
        BatchCursor cursor = s.cursor(0, 0);
        int[] rows = new int[6];
        int[] classes = new int[6];
        for (int b = 0; b < 50; b++) {
            cursor.next(rows, classes);
            for (int i = 0; i < 6; i++) {
                assertEquals(0, classes[i] % 2, "empty class chosen");
                assertEquals(columns[rows[i]], classes[i]);
            }
        }
        assertEquals("classesPerBatch=4 exceeds the 3 classes in the labels", assertThrows(IllegalArgumentException.class,
                () -> BalancedBatchSampler.builder(ClassIndex.ofColumns(columns, 6)).classesPerBatch(4).samplesPerClass(1).build())
                .getMessage());
    }

    /** §1.8: without a seed one is chosen at random, and reading it back replays the run. */
    @Test
    void chosenSeedReplays() {
        int[] labels = SyntheticLabels.zipf(500, 20, 2, 3);
        BalancedBatchSampler a = builder(labels).classesPerBatch(5).samplesPerClass(3).build();
        BalancedBatchSampler b = builder(labels).classesPerBatch(5).samplesPerClass(3).build();
        assertNotEquals(a.seed(), b.seed());
        BalancedBatchSampler replay = builder(labels).classesPerBatch(5).samplesPerClass(3).seed(a.seed()).build();
        int[][] x = Batches.take(a, 0, 0, 10);
        int[][] y = Batches.take(replay, 0, 0, 10);
        for (int i = 0; i < x.length; i++) {
            assertArrayEquals(x[i], y[i]);
        }
    }

    /**
     * §1.8: batches are byte-identical across runs, machines and JDKs. The checksum pins the exact
     * output of the algorithm; CI runs this test on JDK 17 and on a newer JDK.
     */
    @Test
    void outputIsPinnedAcrossJdks() {
        int[] labels = SyntheticLabels.zipf(20_000, 300, 2, 11);
        assertEquals(0xa3b0e4f6L, checksum(builder(labels).classesPerBatch(16).samplesPerClass(5).seed(42).build(), 300));
        assertEquals(0x93547716L, checksum(builder(labels).classesPerBatch(8).samplesPerClass(3).seed(-7).mix(true)
                .shard(1, 2).build(), 300));
    }

    static long checksum(BalancedBatchSampler s, int batches) {
        CRC32 crc = new CRC32();
        BatchCursor cursor = s.cursor(0, 0);
        int[] rows = new int[s.batchSize()];
        java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(rows.length * 4);
        for (int b = 0; b < batches; b++) {
            cursor.next(rows);
            bytes.clear();
            bytes.asIntBuffer().put(rows);
            crc.update(bytes.array());
        }
        return crc.getValue();
    }

    /** §1.5: with shuffle on, the class at the head of a batch is uniform (chi-square, tolerant). */
    @Test
    void shuffledClassOrderIsUniform() {
        int classes = 10;
        int[] labels = SyntheticLabels.balanced(1_000, classes, 2);
        long[] firstClass = new long[classes];
        int epochs = 4_000;
        BalancedBatchSampler s = builder(labels).classesPerBatch(3).samplesPerClass(2).seed(99).build();
        int[] rows = new int[6];
        for (int e = 0; e < epochs; e++) {
            s.cursor(e, 0).next(rows);
            firstClass[labels[rows[0]]]++;
        }
        double expected = epochs / (double) classes;
        double chi2 = Arrays.stream(firstClass).mapToDouble(o -> (o - expected) * (o - expected) / expected).sum();
        // 9 degrees of freedom: P(chi2 > 27.9) = 0.001
        assertTrue(chi2 < 27.9, "chi-square " + chi2 + " of first-class counts " + Arrays.toString(firstClass) + ", seed 99");
        assertTrue(Arrays.stream(firstClass).allMatch(o -> o > 0));
    }

    /** §1.5: with shuffle on, a class's rows come in random order, not data-set order. */
    @Test
    void shuffledRowsAreNotInDataSetOrder() {
        int[] labels = SyntheticLabels.balanced(1_000, 2, 2);
        BalancedBatchSampler s = builder(labels).classesPerBatch(1).samplesPerClass(50).seed(3).build();
        int[] rows = new int[50];
        s.cursor(0, 0).next(rows);
        int[] sorted = Batches.sorted(rows);
        assertFalse(Arrays.equals(sorted, rows), "rows came out sorted");
    }

    /** §1.6: mixing actually mixes: blocks of K are no longer all one class. */
    @Test
    void mixedBatchesAreNotGrouped() {
        int[] labels = SyntheticLabels.balanced(2_000, 20, 4);
        BalancedBatchSampler s = builder(labels).classesPerBatch(5).samplesPerClass(4).seed(8).mix(true).build();
        int grouped = 0;
        for (int[] batch : Batches.take(s, 0, 0, 50)) {
            int[] l = Batches.labelsOf(batch, labels);
            boolean blocks = true;
            for (int i = 0; i < l.length; i++) {
                blocks &= l[i] == l[i - i % 4];
            }
            grouped += blocks ? 1 : 0;
        }
        assertEquals(0, grouped);
    }

    @Test
    void cursorReportsPositionAndCrossesEpochs() {
        int[] labels = SyntheticLabels.balanced(100, 10, 1);
        BalancedBatchSampler s = builder(labels).classesPerBatch(2).samplesPerClass(5).seed(1).build();
        assertEquals(10, s.batchesPerEpoch());
        BatchCursor c = s.cursor(3, 9);
        assertEquals(3, c.epoch());
        assertEquals(9, c.batch());
        int[] rows = new int[10];
        c.next(rows);
        assertEquals(4, c.epoch());
        assertEquals(0, c.batch());
        int[] next = new int[10];
        c.next(next);
        assertArrayEquals(Batches.take(s, 4, 0, 1)[0], next);
        assertEquals(1, c.batch());
    }

    @Test
    void intBufferAndOffsetVariantsWriteTheSameBatches() {
        int[] labels = SyntheticLabels.zipf(3_000, 40, 2, 5);
        BalancedBatchSampler s = builder(labels).classesPerBatch(6).samplesPerClass(4).seed(12).build();
        int[][] expected = Batches.take(s, 0, 0, 3);
        IntBuffer buffer = IntBuffer.allocate(100);
        buffer.position(4);
        BatchCursor c = s.cursor(0, 0);
        c.next(buffer);
        assertEquals(28, buffer.position());
        int[] got = new int[24];
        buffer.get(4, got);
        assertArrayEquals(expected[0], got);
        int[] wide = new int[30];
        int[] classes = new int[30];
        c.next(wide, 3, classes, 5);
        assertArrayEquals(expected[1], Arrays.copyOfRange(wide, 3, 27));
        for (int i = 0; i < 24; i++) {
            assertEquals(labels[wide[3 + i]], s.classes().label(classes[5 + i]));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> c.next(new int[23]));
        assertThrows(java.nio.BufferOverflowException.class, () -> c.next(IntBuffer.allocate(23)));
    }

    /** The case that breaks a naive pass wrap: a class of K+1 samples drawn K at a time, and K > n. */
    @Test
    void classesNearAndBelowKStayEvenAcrossWraps() {
        int[] labels = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
        for (long seed = 0; seed < 200; seed++) {
            BalancedBatchSampler s = builder(labels).classesPerBatch(3).samplesPerClass(3).seed(seed).build();
            for (int[] batch : Batches.take(s, 0, 0, 20)) {
                assertEquals(9, Arrays.stream(batch).distinct().count(), "seed " + seed + " " + Arrays.toString(batch));
            }
            BalancedBatchSampler over = builder(labels).classesPerBatch(1).samplesPerClass(7).seed(seed).build();
            for (int[] batch : Batches.take(over, 0, 0, 20)) {
                int[] counts = new int[labels.length];
                for (int row : batch) {
                    counts[row]++;
                }
                int n = labels[batch[0]] == 2 ? 3 : 4;
                for (int row : batch) {
                    assertTrue(counts[row] == 7 / n || counts[row] == (7 + n - 1) / n, "seed " + seed + " " + Arrays.toString(batch));
                }
            }
        }
    }

    @Test
    void singleClassAndKOfOne() {
        int[] one = {9, 9, 9};
        BalancedBatchSampler s = builder(one).classesPerBatch(1).samplesPerClass(5).seed(1).build();
        int[] rows = Batches.take(s, 0, 0, 1)[0];
        assertEquals(5, rows.length);
        int[] perRow = new int[3];
        Arrays.stream(rows).forEach(r -> perRow[r]++);
        assertTrue(Arrays.stream(perRow).allMatch(c -> c == 1 || c == 2), Arrays.toString(perRow));
        int[] labels = SyntheticLabels.balanced(12, 4, 1);
        BalancedBatchSampler k1 = builder(labels).classesPerBatch(4).samplesPerClass(1).shuffle(false).build();
        assertEquals(3, k1.batchesPerEpoch());
        int[][] epoch = Batches.epoch(k1, 0);
        assertEquals(12, Arrays.stream(epoch).flatMapToInt(Arrays::stream).distinct().count());
    }

    /**
     * A huge class drawn a few times per epoch is restored at the next epoch by undoing its draws,
     * not by copying it whole: epochs reached through the stream must equal epochs computed alone.
     */
    @Test
    void hugeClassesRestoreExactlyBetweenEpochs() {
        int[] labels = new int[6_000 + 30];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 201 == 0 && i / 201 < 30 ? 1 + i / 201 % 10 : 0; // class 0: ~6,000 rows; 1..10: 3 rows each
        }
        for (boolean shuffle : new boolean[] {true, false}) {
            BalancedBatchSampler s = builder(labels).classesPerBatch(2).samplesPerClass(3).batchesPerEpoch(2).seed(21)
                    .shuffle(shuffle).build();
            int[][] stream = Batches.take(s, 0, 0, 2 * 40);
            for (int e = 39; e >= 0; e -= 3) {
                int[][] alone = Batches.epoch(s, e);
                assertArrayEquals(stream[2 * e], alone[0], "epoch " + e);
                assertArrayEquals(stream[2 * e + 1], alone[1], "epoch " + e);
            }
            for (int[] batch : stream) {
                assertEquals(6, Arrays.stream(batch).distinct().count(), Arrays.toString(batch));
            }
        }
    }

    /** Lemire draws are uniform, including bounds near 2^31. */
    @Test
    void boundedRandomIsUniform() {
        BoundedRandom r = new BoundedRandom(77);
        int bound = 7;
        long[] counts = new long[bound];
        int draws = 70_000;
        for (int i = 0; i < draws; i++) {
            counts[r.nextInt(bound)]++;
        }
        double expected = draws / (double) bound;
        double chi2 = Arrays.stream(counts).mapToDouble(o -> (o - expected) * (o - expected) / expected).sum();
        assertTrue(chi2 < 22.5, "chi-square " + chi2 + " " + Arrays.toString(counts) + ", seed 77"); // 6 dof, p = 0.001
        BoundedRandom big = new BoundedRandom(78);
        int hiHalf = 0;
        for (int i = 0; i < 10_000; i++) {
            int v = big.nextInt(Integer.MAX_VALUE);
            assertTrue(v >= 0);
            hiHalf += v >= Integer.MAX_VALUE / 2 ? 1 : 0;
        }
        assertTrue(Math.abs(hiHalf - 5_000) < 300, "upper half drawn " + hiHalf + " of 10000");
        assertEquals(0, new BoundedRandom(1).nextInt(1));
    }
}
