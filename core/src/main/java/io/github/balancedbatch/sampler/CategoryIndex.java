package io.github.balancedbatch.sampler;

import java.util.Arrays;

/**
 * The classes of a {@link ClassIndex} grouped into categories (super-classes): every class in
 * exactly one category. Built once from one category value per sample, immutable afterwards.
 *
 * <p>Categories are numbered by <em>ordinal</em> {@code 0 .. categoryCount() - 1} in ascending order
 * of category value (any {@code int} values, like labels); inside a category its classes are kept in
 * ascending class ordinal. An empty class (a one-hot column without rows) has no category.
 *
 * <p>Thread-safe (immutable). Building is O(N + C log C) and keeps about 3 ints per class; the
 * category array is not retained.
 */
public final class CategoryIndex {
    private final ClassIndex classes;
    /** Category value by category ordinal, ascending. */
    private final int[] values;
    /** Category ordinal of each class ordinal, -1 for an empty class. */
    private final int[] ofClass;
    /** Class ordinals grouped by category, ascending inside each. */
    private final int[] members;
    /** Category {@code g} holds {@code members[offsets[g] .. offsets[g + 1])}. */
    private final int[] offsets;

    private CategoryIndex(ClassIndex classes, int[] values, int[] ofClass, int[] members, int[] offsets) {
        this.classes = classes;
        this.values = values;
        this.ofClass = ofClass;
        this.members = members;
        this.offsets = offsets;
    }

    /**
     * Groups the classes of {@code classes} by category: sample {@code i} is in category
     * {@code categories[i]}, and all samples of one class must be in the same category.
     *
     * @throws IllegalArgumentException if {@code categories} does not have one value per sample, a
     *     class has samples in two categories (the message names the class, both categories and a
     *     row of each), or the classes are multi-label data ({@link ClassIndex#multiLabel()}, even
     *     if each sample happens to hold one label)
     */
    public static CategoryIndex of(ClassIndex classes, int[] categories) {
        java.util.Objects.requireNonNull(classes, "classes");
        if (classes.multiLabel()) {
            throw new IllegalArgumentException("categories cannot be combined with multi-label data (" + classes.sampleCount()
                    + " samples hold " + classes.rows().length + " labels): a category per sample does not say which"
                    + " category each of a sample's labels is in");
        }
        if (categories.length != classes.sampleCount()) {
            throw new IllegalArgumentException("categories has " + categories.length + " values but the labels have "
                    + classes.sampleCount() + " samples: one category per sample is needed");
        }
        int c = classes.classCount();
        int[] rows = classes.rows();
        int[] rowOffsets = classes.offsets();
        int[] valueOfClass = new int[c];
        int active = 0;
        for (int k = 0; k < c; k++) {
            int from = rowOffsets[k];
            int to = rowOffsets[k + 1];
            if (from == to) {
                continue;
            }
            int v = categories[rows[from]];
            for (int i = from + 1; i < to; i++) {
                if (categories[rows[i]] != v) {
                    throw spread(classes, k, rows[from], v, rows[i], categories[rows[i]]);
                }
            }
            valueOfClass[k] = v;
            active++;
        }
        int[] distinct = new int[active];
        for (int k = 0, i = 0; k < c; k++) {
            if (classes.size(k) > 0) {
                distinct[i++] = valueOfClass[k];
            }
        }
        Arrays.sort(distinct);
        int g = 0;
        for (int i = 0; i < distinct.length; i++) {
            if (i == 0 || distinct[i] != distinct[i - 1]) {
                distinct[g++] = distinct[i];
            }
        }
        int[] values = Arrays.copyOf(distinct, g);
        int[] ofClass = new int[c];
        int[] offsets = new int[g + 1];
        for (int k = 0; k < c; k++) {
            if (classes.size(k) == 0) {
                ofClass[k] = -1;
            } else {
                ofClass[k] = Arrays.binarySearch(values, valueOfClass[k]);
                offsets[ofClass[k] + 1]++;
            }
        }
        for (int i = 0; i < g; i++) {
            offsets[i + 1] += offsets[i];
        }
        int[] next = Arrays.copyOf(offsets, g);
        int[] members = new int[active];
        for (int k = 0; k < c; k++) { // ascending k: members ascending inside each category
            if (ofClass[k] >= 0) {
                members[next[ofClass[k]]++] = k;
            }
        }
        return new CategoryIndex(classes, values, ofClass, members, offsets);
    }

    private static IllegalArgumentException spread(ClassIndex classes, int ordinal, int row, int category,
            int otherRow, int otherCategory) {
        return new IllegalArgumentException("class " + classes.label(ordinal) + " is in two categories, " + category
                + " (row " + row + ") and " + otherCategory + " (row " + otherRow
                + "): every class must be in exactly one category");
    }

    /** The classes these categories group. */
    public ClassIndex classes() {
        return classes;
    }

    /** Number of categories (distinct category values). */
    public int categoryCount() {
        return values.length;
    }

    /** Category value of category {@code category} (an ordinal). */
    public int label(int category) {
        return values[category];
    }

    /** Ordinal of the category with value {@code value}, or -1 if no sample has it. */
    public int ordinalOf(int value) {
        int g = Arrays.binarySearch(values, value);
        return g >= 0 ? g : -1;
    }

    /** Category ordinal of class {@code ordinal}, or -1 for an empty class (no sample, so no category). */
    public int categoryOf(int ordinal) {
        return ofClass[ordinal];
    }

    /** Number of (non-empty) classes in category {@code category}. */
    public int classCount(int category) {
        return offsets[category + 1] - offsets[category];
    }

    /** Class ordinal {@code i} ({@code 0 <= i < classCount(category)}) of category {@code category}, ascending. */
    public int classOrdinal(int category, int i) {
        return members[offsets[category] + java.util.Objects.checkIndex(i, classCount(category))];
    }

    /**
     * Number of classes of category {@code category} with at least {@code minSamplesPerClass}
     * samples: the classes a batch can draw from it under that minimum (1: all of them).
     */
    public int eligibleClassCount(int category, int minSamplesPerClass) {
        int n = 0;
        for (int i = offsets[category]; i < offsets[category + 1]; i++) {
            n += classes.size(members[i]) >= minSamplesPerClass ? 1 : 0;
        }
        return n;
    }

    /** Heap bytes held by this index's own arrays (headers and the class index excluded). */
    public long heapBytes() {
        return 4L * (values.length + ofClass.length + members.length + offsets.length);
    }

    int[] members() {
        return members;
    }

    int[] offsets() {
        return offsets;
    }
}
