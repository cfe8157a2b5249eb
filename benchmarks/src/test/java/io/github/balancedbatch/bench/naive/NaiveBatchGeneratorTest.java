package io.github.balancedbatch.bench.naive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class NaiveBatchGeneratorTest {

    /** N = classes * perClass, label of row i = i % classes, times a scale to make labels sparse. */
    private static int[] roundRobin(int classes, int perClass, int scale) {
        int[] labels = new int[classes * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i % classes) * scale - 7;
        }
        return labels;
    }

    /** Row indices of each label value, in data-set order. */
    private static Map<Integer, List<Integer>> rowsByLabel(int[] labels) {
        Map<Integer, List<Integer>> rows = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            rows.computeIfAbsent(labels[i], v -> new ArrayList<>()).add(i);
        }
        return rows;
    }

    /** Asserts the seed's composition and returns label value -> indices of that class in the batch. */
    private static Map<Integer, List<Integer>> assertShape(int[] labels, int[] batch, int[] batchLabels,
            int p, int k) {
        assertEquals(p * k, batch.length);
        assertEquals(p * k, batchLabels.length);
        Map<Integer, List<Integer>> perClass = new HashMap<>();
        for (int s = 0; s < batch.length; s++) {
            assertTrue(batch[s] >= 0 && batch[s] < labels.length, "index in range");
            assertEquals(labels[batch[s]], batchLabels[s], "label matches the row");
            perClass.computeIfAbsent(labels[batch[s]], v -> new ArrayList<>()).add(batch[s]);
        }
        assertEquals(p, perClass.size(), "exactly P distinct classes");
        for (List<Integer> rows : perClass.values()) {
            assertEquals(k, rows.size(), "exactly K per class");
        }
        return perClass;
    }

    @Test
    void everyBatchHasPClassesOfKAndMatchingLabels() {
        int[] labels = roundRobin(12, 9, 1000);
        for (boolean shuffle : new boolean[] {true, false}) {
            NaiveBatchGenerator g = new NaiveBatchGenerator(labels, 4, 6, shuffle, 42);
            assertEquals(12, g.classCount());
            for (int b = 0; b < 200; b++) {
                int[] batch = g.nextIndices();
                assertArrayEquals(batch, g.lastIndices());
                Map<Integer, List<Integer>> perClass = assertShape(labels, batch, g.lastLabels(), 4, 6);
                for (List<Integer> rows : perClass.values()) {
                    assertEquals(rows.size(), rows.stream().distinct().count(),
                            "a class with at least K samples does not repeat inside a batch");
                }
            }
        }
    }

    @Test
    void classesSmallerThanKAreCycled() {
        // class 0: 2 samples, class 1: 3 samples, class 2: 1 sample; K = 7
        int[] labels = {0, 1, 1, 0, 2, 1};
        Map<Integer, List<Integer>> all = rowsByLabel(labels);
        for (boolean shuffle : new boolean[] {true, false}) {
            NaiveBatchGenerator g = new NaiveBatchGenerator(labels, 3, 7, shuffle, 3);
            for (int b = 0; b < 50; b++) {
                Map<Integer, List<Integer>> perClass =
                        assertShape(labels, g.nextIndices(), g.lastLabels(), 3, 7);
                for (Map.Entry<Integer, List<Integer>> e : perClass.entrySet()) {
                    List<Integer> classRows = all.get(e.getKey());
                    int n = classRows.size();
                    for (int row : classRows) {
                        long times = e.getValue().stream().filter(r -> r == row).count();
                        assertTrue(times == 7 / n || times == (7 + n - 1) / n,
                                "cycling: each sample floor(K/n) or ceil(K/n) times, got " + times);
                    }
                }
            }
        }
    }

    /**
     * The seed's class_monitoring weighting (p_c ~ max - count_c + 1) keeps the class counts close.
     * C = 20, P = 5, 400 batches: every class is expected in 100 batches. Under uniform, unweighted
     * choice each count would be Binomial(400, 0.25) (sd ~ 8.7) and the max - min range over 20
     * classes would be ~30. Simulated over 20,000 seeds, the weighted port gives a range of 4
     * typically and at most 10; 15 is a tolerant bound that still rejects unweighted choice.
     */
    @Test
    void classChoiceIsRoughlyBalanced() {
        int classes = 20;
        int[] labels = roundRobin(classes, 10, 1);
        for (long seed = 0; seed < 10; seed++) {
            NaiveBatchGenerator g = new NaiveBatchGenerator(labels, 5, 4, seed % 2 == 0, seed);
            int[] appearances = new int[classes];
            for (int b = 0; b < 400; b++) {
                g.nextIndices();
                Arrays.stream(g.lastLabels()).distinct().forEach(c -> appearances[c + 7]++); // roundRobin labels start at -7
            }
            assertEquals(400 * 5, Arrays.stream(appearances).sum());
            int spread = Arrays.stream(appearances).max().getAsInt()
                    - Arrays.stream(appearances).min().getAsInt();
            assertTrue(spread <= 15, "seed " + seed + ": max - min appearances = " + spread
                    + ", counts " + Arrays.toString(appearances));
        }
    }

    @Test
    void withoutShuffleAClassAlwaysYieldsItsFirstKSamples() {
        // class sizes 10, 10, ...; the seed restarts each class at its first sample in every batch
        int[] labels = roundRobin(6, 10, 5);
        Map<Integer, List<Integer>> all = rowsByLabel(labels);
        NaiveBatchGenerator g = new NaiveBatchGenerator(labels, 3, 4, false, 9);
        for (int b = 0; b < 100; b++) {
            Map<Integer, List<Integer>> perClass = assertShape(labels, g.nextIndices(), g.lastLabels(), 3, 4);
            for (Map.Entry<Integer, List<Integer>> e : perClass.entrySet()) {
                List<Integer> got = new ArrayList<>(e.getValue());
                got.sort(null);
                assertEquals(all.get(e.getKey()).subList(0, 4), got, "first K samples in data-set order");
            }
        }
    }

    @Test
    void withShuffleSamplesBeyondTheFirstKAreReached() {
        int[] labels = roundRobin(6, 10, 1);
        NaiveBatchGenerator g = new NaiveBatchGenerator(labels, 3, 4, true, 9);
        boolean[] seen = new boolean[labels.length];
        for (int b = 0; b < 200; b++) {
            for (int row : g.nextIndices()) {
                seen[row] = true;
            }
        }
        for (int i = 0; i < seen.length; i++) {
            assertTrue(seen[i], "row " + i + " reached with shuffle on");
        }
    }

    @Test
    void batchCopiesTheSelectedRows() {
        int[] labels = roundRobin(8, 7, 1);
        int d = 5;
        float[][] data = new float[labels.length][d];
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < d; j++) {
                data[i][j] = i * 100 + j + 0.5f;
            }
        }
        NaiveBatchGenerator g = new NaiveBatchGenerator(labels, 3, 3, true, 1);
        for (int b = 0; b < 20; b++) {
            float[][] batch = g.nextBatch(data);
            int[] indices = g.lastIndices();
            assertShape(labels, indices, g.lastLabels(), 3, 3);
            assertEquals(9, batch.length);
            for (int s = 0; s < batch.length; s++) {
                assertArrayEquals(data[indices[s]], batch[s]);
                assertNotSame(data[indices[s]], batch[s], "rows are copied, not shared");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> g.nextBatch(new float[3][d]));
    }

    @Test
    void sameSeedSameBatches() {
        int[] labels = roundRobin(15, 6, 3);
        for (boolean shuffle : new boolean[] {true, false}) {
            NaiveBatchGenerator a = new NaiveBatchGenerator(labels, 5, 3, shuffle, 77);
            NaiveBatchGenerator b = new NaiveBatchGenerator(labels, 5, 3, shuffle, 77);
            NaiveBatchGenerator c = new NaiveBatchGenerator(labels, 5, 3, shuffle, 78);
            boolean differs = false;
            for (int i = 0; i < 50; i++) {
                int[] x = a.nextIndices();
                assertArrayEquals(x, b.nextIndices());
                assertArrayEquals(a.lastLabels(), b.lastLabels());
                differs |= !Arrays.equals(x, c.nextIndices());
            }
            assertTrue(differs, "another seed gives other batches");
        }
    }

    @Test
    void freshArraysPerBatch() {
        NaiveBatchGenerator g = new NaiveBatchGenerator(roundRobin(4, 4, 1), 2, 2, true, 5);
        int[] first = g.nextIndices();
        int[] firstLabels = g.lastLabels();
        int[] second = g.nextIndices();
        assertNotSame(first, second);
        assertNotSame(firstLabels, g.lastLabels());
    }

    @Test
    void batchesPerEpochIsCeilNOverPK() {
        assertEquals(5, new NaiveBatchGenerator(roundRobin(10, 10, 1), 4, 5, true, 0).batchesPerEpoch());
        assertEquals(6, new NaiveBatchGenerator(roundRobin(10, 11, 1), 4, 5, true, 0).batchesPerEpoch());
        assertEquals(1, new NaiveBatchGenerator(new int[] {1, 2}, 2, 8, true, 0).batchesPerEpoch());
    }

    @Test
    void rejectsInvalidArguments() {
        int[] labels = roundRobin(3, 4, 1);
        assertThrows(IllegalArgumentException.class, () -> new NaiveBatchGenerator(new int[0], 1, 1, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new NaiveBatchGenerator(null, 1, 1, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new NaiveBatchGenerator(labels, 0, 1, true, 0));
        assertThrows(IllegalArgumentException.class, () -> new NaiveBatchGenerator(labels, 1, 0, true, 0));
        IllegalArgumentException tooMany =
                assertThrows(IllegalArgumentException.class, () -> new NaiveBatchGenerator(labels, 4, 1, true, 0));
        assertTrue(tooMany.getMessage().contains("classesPerBatch"));
        assertThrows(IllegalArgumentException.class,
                () -> new NaiveBatchGenerator(labels, 2, Integer.MAX_VALUE, true, 0));
        NaiveBatchGenerator fresh = new NaiveBatchGenerator(labels, 3, 1, true, 0);
        assertThrows(IllegalStateException.class, fresh::lastLabels);
        assertThrows(IllegalStateException.class, fresh::lastIndices);
        assertFalse(fresh.batchesPerEpoch() < 1);
    }
}
