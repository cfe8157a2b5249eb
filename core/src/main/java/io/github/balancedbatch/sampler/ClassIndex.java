package io.github.balancedbatch.sampler;

import io.github.balancedbatch.util.ArrayLimits;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.Arrays;

/**
 * The rows of a labelled data set grouped by class: built once, immutable afterwards.
 *
 * <p>Single-label data ({@link #of}, {@link #ofColumns}) gives every sample one class. Multi-label
 * data ({@link #ofMultiLabel}, {@link #ofMultiHot}) lets a sample hold several labels: the sample is
 * then a member of each of its labels' classes, and {@link #rows()} holds every <em>membership</em>,
 * grouped by class, so that a class's size is its label's frequency ({@link #membershipCount()}
 * memberships in all, {@link #sampleCount()} samples). A multi-label index also keeps each sample's
 * class ordinals (CSR form, 4 bytes per membership and per sample more).
 *
 * <p>Classes are numbered by <em>ordinal</em> {@code 0 .. classCount() - 1} in ascending order of
 * label value (for one-hot input: by column). Internally one {@code int} array holds every row index
 * grouped by class, in data-set order inside a class, plus one offset per class: 4 bytes per sample
 * and a few ints per class.
 *
 * <p>Thread-safe (immutable). Building is O(N): a counting sort when the label values are dense
 * (range at most about 2N), else a stable radix sort of the row numbers; up to 8 bytes per sample
 * of temporary memory besides the index.
 */
public final class ClassIndex {
    private final int[] rows;
    private final int[] offsets;
    private final int[] labels;
    private final int[] active;
    private final int samples;
    /** Multi-label only: sample {@code i} holds the class ordinals {@code ordinals[sampleOffsets[i] .. sampleOffsets[i + 1])}. */
    private final int[] sampleOffsets;
    private final int[] ordinals;
    /** Single-label only: the class ordinal of each row, built at the first {@link #labelOrdinal} call. */
    private volatile int[] classOfRow;

    private ClassIndex(int[] rows, int[] offsets, int[] labels) {
        this(rows, offsets, labels, rows.length, null, null);
    }

    private ClassIndex(int[] rows, int[] offsets, int[] labels, int samples, int[] sampleOffsets, int[] ordinals) {
        this.rows = rows;
        this.offsets = offsets;
        this.labels = labels;
        this.samples = samples;
        this.sampleOffsets = sampleOffsets;
        this.ordinals = ordinals;
        int count = 0;
        for (int c = 0; c < labels.length; c++) {
            if (offsets[c + 1] > offsets[c]) {
                count++;
            }
        }
        int[] a = new int[count];
        for (int c = 0, i = 0; c < labels.length; c++) {
            if (offsets[c + 1] > offsets[c]) {
                a[i++] = c;
            }
        }
        this.active = a;
    }

    /**
     * Groups rows by label value: row {@code i} has label {@code labels[i]}. Any {@code int} values
     * are allowed; each distinct value is one class. The array is not retained.
     *
     * @throws IllegalArgumentException if {@code labels} is empty
     */
    public static ClassIndex of(int[] labels) {
        if (labels.length == 0) {
            throw new IllegalArgumentException("labels are empty: at least one sample is needed");
        }
        int n = labels.length;
        int min = labels[0];
        int max = labels[0];
        for (int v : labels) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        long range = (long) max - min + 1;
        int[] rows;
        int[] values;
        int[] offsets;
        if (range <= Math.min(2L * n + 1024, ArrayLimits.MAX_ARRAY_LENGTH)) { // dense labels: a counting sort, O(N + range)
            int[] counts = new int[(int) range + 1];
            for (int v : labels) {
                counts[v - min + 1]++;
            }
            int distinct = 0;
            for (int i = 1; i <= range; i++) {
                distinct += counts[i] > 0 ? 1 : 0;
            }
            values = new int[distinct];
            offsets = new int[distinct + 1];
            for (int i = 1, c = 0; i <= range; i++) {
                if (counts[i] > 0) {
                    values[c] = (int) (min + i - 1L);
                    offsets[c + 1] = offsets[c] + counts[i];
                    c++;
                }
                counts[i] += counts[i - 1]; // counts[i] = first slot of label min + i
            }
            rows = new int[n];
            for (int i = 0; i < n; i++) {
                rows[counts[labels[i] - min]++] = i;
            }
        } else { // sparse labels: a stable radix sort of the row numbers by label
            rows = identity(n);
            IntArrays.radixSortIndirect(rows, labels, true);
            int distinct = 1;
            for (int i = 1; i < n; i++) {
                distinct += labels[rows[i]] != labels[rows[i - 1]] ? 1 : 0;
            }
            values = new int[distinct];
            offsets = new int[distinct + 1];
            values[0] = labels[rows[0]];
            for (int i = 1, c = 0; i < n; i++) {
                if (labels[rows[i]] != labels[rows[i - 1]]) {
                    c++;
                    values[c] = labels[rows[i]];
                    offsets[c] = i;
                }
            }
            offsets[distinct] = n;
        }
        return new ClassIndex(rows, offsets, values);
    }

    /**
     * Groups rows by one-hot column: row {@code i} belongs to class {@code columns[i]}, a column of a
     * binary class matrix {@code width} columns wide. Columns without rows are empty classes: they
     * keep their ordinal (and their place in categorical output) but are never chosen.
     *
     * @throws IllegalArgumentException if {@code columns} is empty, {@code width} is below 1 or
     *     above {@code ArrayLimits.MAX_ARRAY_LENGTH - 1}, or a column is outside {@code [0, width)}
     */
    public static ClassIndex ofColumns(int[] columns, int width) {
        if (columns.length == 0) {
            throw new IllegalArgumentException("labels are empty: at least one sample is needed");
        }
        checkWidth(width);
        int[] offsets = new int[width + 1];
        for (int i = 0; i < columns.length; i++) {
            int c = columns[i];
            if (c < 0 || c >= width) {
                throw new IllegalArgumentException(
                        "row " + i + ": column " + c + " is outside the one-hot width " + width);
            }
            offsets[c + 1]++;
        }
        for (int c = 0; c < width; c++) {
            offsets[c + 1] += offsets[c];
        }
        int[] next = Arrays.copyOf(offsets, width);
        int[] rows = new int[columns.length];
        for (int i = 0; i < columns.length; i++) {
            rows[next[columns[i]]++] = i;
        }
        return new ClassIndex(rows, offsets, identity(width));
    }

    /**
     * Groups multi-label samples by label value: sample {@code i} holds the label values
     * {@code labels[sampleOffsets[i] .. sampleOffsets[i + 1])} (CSR form, N = sampleOffsets.length - 1
     * samples) and is a member of each of their classes. Any {@code int} values are allowed; each
     * distinct value is one class, classes ordered by ascending value as in {@link #of}. A value
     * repeated within one sample counts once. The arrays are not retained. O(N + M) for M labels in
     * all, plus the sort of {@link #of} over the M values.
     *
     * @throws IllegalArgumentException if there is no sample, {@code sampleOffsets} is not a valid CSR
     *     offset array over {@code labels} (first 0, non-decreasing, last {@code labels.length}), or a
     *     sample holds no label (the message names its row)
     */
    public static ClassIndex ofMultiLabel(int[] sampleOffsets, int[] labels) {
        int n = checkOffsets(sampleOffsets, labels.length);
        ClassIndex flat = of(labels); // the label values grouped by position, ascending positions inside each class
        int c = flat.classCount();
        int[] cls = new int[labels.length];
        for (int k = 0; k < c; k++) {
            for (int i = flat.offsets[k]; i < flat.offsets[k + 1]; i++) {
                cls[flat.rows[i]] = k;
            }
        }
        return grouped(sampleOffsets, n, cls, flat.labels);
    }

    /**
     * Groups the rows of a multi-hot class matrix {@code width} columns wide: row {@code i} has ones
     * in the columns {@code columns[sampleOffsets[i] .. sampleOffsets[i + 1])} (CSR form) and is a
     * member of each of their classes; class ordinal = column. Columns without rows are empty classes
     * kept for the width, as in {@link #ofColumns}. A column repeated within one row counts once. The
     * arrays are not retained.
     *
     * @throws IllegalArgumentException if there is no sample, {@code sampleOffsets} is not a valid CSR
     *     offset array over {@code columns}, {@code width} is out of range (see {@link #ofColumns}), a
     *     row holds no column or a column outside {@code [0, width)} (the message names the row)
     */
    public static ClassIndex ofMultiHot(int[] sampleOffsets, int[] columns, int width) {
        int n = checkOffsets(sampleOffsets, columns.length);
        checkWidth(width);
        for (int i = 0; i < n; i++) {
            for (int p = sampleOffsets[i]; p < sampleOffsets[i + 1]; p++) {
                int col = columns[p];
                if (col < 0 || col >= width) {
                    throw new IllegalArgumentException(
                            "row " + i + ": column " + col + " is outside the multi-hot width " + width);
                }
            }
        }
        return grouped(sampleOffsets, n, columns, identity(width));
    }

    /** Checks a CSR offset array over {@code total} values and every row's non-emptiness; returns N. */
    private static int checkOffsets(int[] sampleOffsets, int total) {
        if (sampleOffsets.length < 2) {
            throw new IllegalArgumentException("labels are empty: at least one sample is needed");
        }
        if (sampleOffsets[0] != 0) {
            throw new IllegalArgumentException("sampleOffsets[0] must be 0, got " + sampleOffsets[0]);
        }
        int n = sampleOffsets.length - 1;
        for (int i = 0; i < n; i++) {
            if (sampleOffsets[i + 1] < sampleOffsets[i]) {
                throw new IllegalArgumentException("sampleOffsets must be non-decreasing: sampleOffsets[" + (i + 1) + "] = "
                        + sampleOffsets[i + 1] + " < sampleOffsets[" + i + "] = " + sampleOffsets[i]);
            }
        }
        if (sampleOffsets[n] != total) {
            throw new IllegalArgumentException("sampleOffsets ends at " + sampleOffsets[n] + " but there are " + total
                    + " labels: the last offset must be the number of labels");
        }
        for (int i = 0; i < n; i++) {
            if (sampleOffsets[i + 1] == sampleOffsets[i]) {
                throw new IllegalArgumentException("row " + i + " holds no label: every sample needs at least one");
            }
        }
        return n;
    }

    private static void checkWidth(int width) {
        if (width < 1) {
            throw new IllegalArgumentException("one-hot width must be positive, got " + width);
        }
        if (width > ArrayLimits.MAX_ARRAY_LENGTH - 1) {
            throw new IllegalArgumentException("one-hot width " + width + " is more than the "
                    + (ArrayLimits.MAX_ARRAY_LENGTH - 1) + " classes an index holds");
        }
    }

    /**
     * The multi-label index of N samples whose memberships are {@code cls} (class ordinals in
     * {@code [0, values.length)}, CSR over {@code sampleOffsets}): a counting sort of the samples by
     * class (ascending samples inside a class), repeats within one sample dropped.
     */
    private static ClassIndex grouped(int[] sampleOffsets, int n, int[] cls, int[] values) {
        int c = values.length;
        int[] offsets = new int[c + 1];
        for (int v : cls) {
            offsets[v + 1]++;
        }
        for (int k = 0; k < c; k++) {
            offsets[k + 1] += offsets[k];
        }
        int[] next = Arrays.copyOf(offsets, c);
        int[] rows = new int[cls.length];
        for (int i = 0; i < n; i++) {
            for (int p = sampleOffsets[i]; p < sampleOffsets[i + 1]; p++) {
                rows[next[cls[p]]++] = i;
            }
        }
        // drop repeats: a sample holding a label twice sits twice in a row inside the class
        int m = 0;
        for (int k = 0, from = 0; k < c; k++) {
            int to = offsets[k + 1];
            offsets[k] = m;
            for (int i = from; i < to; i++) {
                if (i == from || rows[i] != rows[i - 1]) {
                    rows[m++] = rows[i];
                }
            }
            from = to;
        }
        offsets[c] = m;
        if (m < rows.length) {
            rows = Arrays.copyOf(rows, m);
        }
        int[] perSample = new int[n + 1];
        for (int i = 0; i < m; i++) {
            perSample[rows[i] + 1]++;
        }
        for (int i = 0; i < n; i++) {
            perSample[i + 1] += perSample[i];
        }
        int[] fill = Arrays.copyOf(perSample, n);
        int[] ordinals = new int[m];
        for (int k = 0; k < c; k++) { // ascending k: each sample's ordinals ascending
            for (int i = offsets[k]; i < offsets[k + 1]; i++) {
                ordinals[fill[rows[i]]++] = k;
            }
        }
        return new ClassIndex(rows, offsets, values, n, perSample, ordinals);
    }

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Number of samples (rows), N. */
    public int sampleCount() {
        return samples;
    }

    /**
     * Number of memberships: the sum over samples of their label counts (the sum of the class sizes);
     * {@link #sampleCount()} for single-label data.
     */
    public long membershipCount() {
        return rows.length;
    }

    /**
     * True for an index of multi-label data (built by {@link #ofMultiLabel} or {@link #ofMultiHot}),
     * even if every sample happens to hold one label. Batches of a multi-label index never repeat a
     * sample across the classes of one batch when it can be avoided (see {@link BatchCursor}).
     */
    public boolean multiLabel() {
        return ordinals != null;
    }

    /** Number of classes that sample {@code row} belongs to: 1 for single-label data. */
    public int labelCount(int row) {
        java.util.Objects.checkIndex(row, samples);
        return ordinals == null ? 1 : sampleOffsets[row + 1] - sampleOffsets[row];
    }

    /**
     * Class ordinal {@code j} ({@code 0 <= j < labelCount(row)}) of sample {@code row}, ascending in
     * {@code j} (for multi-hot input, its columns). For single-label data the first call builds a
     * row-to-class table of 4 bytes per sample (counted by {@link #heapBytes()} from then on).
     */
    public int labelOrdinal(int row, int j) {
        java.util.Objects.checkIndex(j, labelCount(row));
        if (ordinals != null) {
            return ordinals[sampleOffsets[row] + j];
        }
        int[] t = classOfRow;
        if (t == null) {
            t = new int[samples];
            for (int c = 0; c < labels.length; c++) {
                for (int i = offsets[c]; i < offsets[c + 1]; i++) {
                    t[rows[i]] = c;
                }
            }
            classOfRow = t;
        }
        return t[row];
    }

    /** Number of classes, counting empty one-hot columns. */
    public int classCount() {
        return labels.length;
    }

    /** Number of classes with at least one sample: the classes a batch can draw from. */
    public int activeClassCount() {
        return active.length;
    }

    /** Label value of class {@code ordinal} (for one-hot input, its column). */
    public int label(int ordinal) {
        return labels[ordinal];
    }

    /** Number of samples of class {@code ordinal}. */
    public int size(int ordinal) {
        return offsets[ordinal + 1] - offsets[ordinal];
    }

    /** Ordinal of the class with label value {@code label}, or -1 if no sample has it. */
    public int ordinalOf(int label) {
        int c = Arrays.binarySearch(labels, label);
        return c >= 0 ? c : -1;
    }

    /** Row index {@code i} ({@code 0 <= i < size(ordinal)}) of class {@code ordinal}, in data-set order. */
    public int row(int ordinal, int i) {
        return rows[offsets[ordinal] + java.util.Objects.checkIndex(i, size(ordinal))];
    }

    /** Heap bytes held by this index's arrays (headers excluded). */
    public long heapBytes() {
        int[] t = classOfRow;
        return 4L * (rows.length + offsets.length + labels.length + active.length
                + (ordinals == null ? 0 : ordinals.length + sampleOffsets.length) + (t == null ? 0 : t.length));
    }

    /** Every membership's row, grouped by class, ascending inside each class (length {@link #membershipCount()}). */
    int[] rows() {
        return rows;
    }

    int[] offsets() {
        return offsets;
    }

    int[] activeClasses() {
        return active;
    }
}
