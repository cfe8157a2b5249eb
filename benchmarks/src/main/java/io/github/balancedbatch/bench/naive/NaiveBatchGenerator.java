package io.github.balancedbatch.bench.naive;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * A faithful, plain-Java port of the seed project's {@code BatchGenerator} (the Python/Keras
 * "n classes, m samples" balanced batch generator), kept <strong>only as a baseline for the JMH
 * benchmarks</strong>. It is not part of the library, is not optimised, and must not be used for
 * training: it does not meet the sampling contract of {@code BalancedBatchSampler} (for example it
 * restarts every class at its first sample in every batch).
 *
 * <p>What the port keeps from the seed, on purpose:
 * <ul>
 *   <li>per-class sample indices held as boxed {@code List<List<Integer>>};</li>
 *   <li>{@code class_monitoring}: a per-class count of how often each class was chosen;</li>
 *   <li>for every batch, class probabilities recomputed over <em>all</em> C classes as
 *       {@code p_c ~ max(count) - count_c + 1} (O(C)), then P distinct classes drawn without
 *       replacement by repeated weighted draws over the remaining classes (O(P*C), like numpy's
 *       {@code choice(replace=False, p=...)});</li>
 *   <li>per chosen class: with shuffle on, its sample list is shuffled in place and the first K
 *       taken; with shuffle off, the first K in data-set order; cycling when a class has fewer than
 *       K samples;</li>
 *   <li>a random slot order: each of the P*K slots takes the next sample of a class picked at random
 *       ({@code random.choice(pool)}) among the chosen classes that still need samples;</li>
 *   <li>fresh arrays for every batch: the indices, the labels and a {@code float[P*K][D]} copy of
 *       the rows.</li>
 * </ul>
 *
 * <p>Not thread-safe.
 */
public final class NaiveBatchGenerator {

    private final int[] labels;
    private final int[] classValues;
    private final List<List<Integer>> classIndices;
    private final int[] classMonitoring;
    private final int classesPerBatch;
    private final int samplesPerClass;
    private final boolean shuffle;
    private final Random random;

    private int[] lastIndices;
    private int[] lastLabels;

    /**
     * Groups the samples by label value (each distinct {@code int} is one class, classes in
     * ascending label order), like the seed's {@code __init__}.
     *
     * @param labels one label per sample, any {@code int} values; copied
     * @param classesPerBatch P, the number of distinct classes per batch
     * @param samplesPerClass K, the number of samples per class in a batch
     * @param shuffle whether each class's samples are shuffled before its first K are taken
     * @param seed seed of the {@link Random} used for every random choice
     * @throws IllegalArgumentException if {@code labels} is null or empty, P or K is below 1, P
     *     exceeds the number of classes, or P*K does not fit in one array
     */
    public NaiveBatchGenerator(int[] labels, int classesPerBatch, int samplesPerClass, boolean shuffle,
            long seed) {
        if (labels == null || labels.length == 0) {
            throw new IllegalArgumentException("labels are empty: at least one sample is needed");
        }
        if (classesPerBatch < 1) {
            throw new IllegalArgumentException("classesPerBatch must be at least 1, got " + classesPerBatch);
        }
        if (samplesPerClass < 1) {
            throw new IllegalArgumentException("samplesPerClass must be at least 1, got " + samplesPerClass);
        }
        TreeMap<Integer, List<Integer>> byValue = new TreeMap<>();
        for (int i = 0; i < labels.length; i++) {
            byValue.computeIfAbsent(labels[i], v -> new ArrayList<>()).add(i);
        }
        if (classesPerBatch > byValue.size()) {
            throw new IllegalArgumentException("classesPerBatch=" + classesPerBatch + " exceeds the "
                    + byValue.size() + " classes in the labels");
        }
        if ((long) classesPerBatch * samplesPerClass > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("classesPerBatch x samplesPerClass = "
                    + (long) classesPerBatch * samplesPerClass + " is too large for one batch");
        }
        this.labels = labels.clone();
        this.classValues = new int[byValue.size()];
        this.classIndices = new ArrayList<>(byValue.size());
        int c = 0;
        for (Map.Entry<Integer, List<Integer>> e : byValue.entrySet()) {
            classValues[c++] = e.getKey();
            classIndices.add(e.getValue());
        }
        this.classMonitoring = new int[classValues.length];
        this.classesPerBatch = classesPerBatch;
        this.samplesPerClass = samplesPerClass;
        this.shuffle = shuffle;
        this.random = new Random(seed);
    }

    /** The seed's {@code __len__}: {@code ceil(N / (P*K))}. */
    public int batchesPerEpoch() {
        long batch = (long) classesPerBatch * samplesPerClass;
        return (int) ((labels.length + batch - 1) / batch);
    }

    /**
     * Produces the next batch's row indices (the index part of the seed's {@code __getitem__}).
     * Allocates a fresh {@code int[P*K]} for the indices and one for their labels (see
     * {@link #lastLabels()}).
     *
     * @return a fresh array of P*K row indices: P distinct classes, K indices each, in random order
     */
    public int[] nextIndices() {
        int numClasses = classValues.length;

        // Class probabilities over all classes, recomputed for every batch: p_c ~ max - count_c + 1.
        int max = 0;
        for (int c = 0; c < numClasses; c++) {
            max = Math.max(max, classMonitoring[c]);
        }
        double[] probs = new double[numClasses];
        double sum = 0;
        for (int c = 0; c < numClasses; c++) {
            probs[c] = max - classMonitoring[c] + 1;
            sum += probs[c];
        }
        for (int c = 0; c < numClasses; c++) {
            probs[c] /= sum;
        }

        // P distinct classes without replacement: repeated weighted draws over the remaining classes.
        boolean[] taken = new boolean[numClasses];
        int[] chosen = new int[classesPerBatch];
        for (int j = 0; j < classesPerBatch; j++) {
            double remaining = 0;
            for (int c = 0; c < numClasses; c++) {
                if (!taken[c]) {
                    remaining += probs[c];
                }
            }
            double u = random.nextDouble() * remaining;
            int pick = -1;
            double acc = 0;
            for (int c = 0; c < numClasses; c++) {
                if (!taken[c]) {
                    pick = c; // the last remaining class absorbs rounding
                    acc += probs[c];
                    if (u < acc) {
                        break;
                    }
                }
            }
            taken[pick] = true;
            chosen[j] = pick;
        }
        for (int c : chosen) {
            classMonitoring[c]++;
        }

        // Each chosen class restarts at its first sample; with shuffle on, its list is shuffled first.
        if (shuffle) {
            for (int c : chosen) {
                Collections.shuffle(classIndices.get(c), random);
            }
        }

        // Fill the P*K slots: each slot takes the next sample of a random chosen class still short of K.
        int size = classesPerBatch * samplesPerClass;
        int[] indices = new int[size];
        int[] batchLabels = new int[size];
        int[] filled = new int[classesPerBatch];
        List<Integer> pool = new ArrayList<>(classesPerBatch);
        for (int j = 0; j < classesPerBatch; j++) {
            pool.add(j);
        }
        for (int s = 0; s < size; s++) {
            int p = random.nextInt(pool.size());
            int j = pool.get(p);
            int c = chosen[j];
            List<Integer> samples = classIndices.get(c);
            int row = samples.get(filled[j] % samples.size());
            indices[s] = row;
            batchLabels[s] = labels[row];
            if (++filled[j] == samplesPerClass) {
                pool.remove(p);
            }
        }
        lastIndices = indices;
        lastLabels = batchLabels;
        return indices;
    }

    /**
     * Produces the next batch (the seed's {@code __getitem__}): its indices, then a freshly allocated
     * {@code float[P*K][D]} filled with copies of the selected rows of {@code data}.
     *
     * @param data the data set, one row of D floats per sample (D = {@code data[0].length})
     * @return a fresh copy of the batch's rows, in slot order
     * @throws IllegalArgumentException if {@code data} does not have one row per label
     */
    public float[][] nextBatch(float[][] data) {
        if (data == null || data.length != labels.length) {
            throw new IllegalArgumentException("data must have one row per label (" + labels.length
                    + "), got " + (data == null ? "null" : data.length));
        }
        int[] indices = nextIndices();
        int d = data[0].length;
        float[][] batch = new float[indices.length][d];
        for (int s = 0; s < indices.length; s++) {
            System.arraycopy(data[indices[s]], 0, batch[s], 0, d);
        }
        return batch;
    }

    /**
     * The labels of the last batch's rows, in slot order: the array allocated while that batch was
     * made (a fresh array per batch, not copied again on each call).
     *
     * @throws IllegalStateException if no batch has been produced yet
     */
    public int[] lastLabels() {
        if (lastLabels == null) {
            throw new IllegalStateException("no batch has been produced yet");
        }
        return lastLabels;
    }

    /**
     * The row indices of the last batch: the same array {@link #nextIndices()} returned (also after
     * {@link #nextBatch(float[][])}).
     *
     * @throws IllegalStateException if no batch has been produced yet
     */
    public int[] lastIndices() {
        if (lastIndices == null) {
            throw new IllegalStateException("no batch has been produced yet");
        }
        return lastIndices;
    }

    /** The number of classes (distinct label values). */
    public int classCount() {
        return classValues.length;
    }
}
