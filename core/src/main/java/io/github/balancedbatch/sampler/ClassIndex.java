package io.github.balancedbatch.sampler;

import io.github.balancedbatch.util.ArrayLimits;
import it.unimi.dsi.fastutil.ints.IntArrays;
import java.util.Arrays;

/**
 * The rows of a labelled data set grouped by class: built once, immutable afterwards.
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

    private ClassIndex(int[] rows, int[] offsets, int[] labels) {
        this.rows = rows;
        this.offsets = offsets;
        this.labels = labels;
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
        if (width < 1) {
            throw new IllegalArgumentException("one-hot width must be positive, got " + width);
        }
        if (width > ArrayLimits.MAX_ARRAY_LENGTH - 1) {
            throw new IllegalArgumentException("one-hot width " + width + " is more than the "
                    + (ArrayLimits.MAX_ARRAY_LENGTH - 1) + " classes an index holds");
        }
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

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    /** Number of samples (rows). */
    public int sampleCount() {
        return rows.length;
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
        return 4L * (rows.length + offsets.length + labels.length + active.length);
    }

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
