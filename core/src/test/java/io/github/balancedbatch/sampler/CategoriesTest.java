package io.github.balancedbatch.sampler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** Category-balanced batches: the category index, the builder's checks and the pinned output. */
class CategoriesTest {

    @Test
    void groupsClassesByCategoryValue() {
        //                          row: 0   1  2   3   4   5  6
        int[] labels = {7, -5, 7, 100, -5, 3, 3};
        int[] categories = {40, -2, 40, -2, -2, 40, 40};
        ClassIndex classes = ClassIndex.of(labels); // ordinals: -5 -> 0, 3 -> 1, 7 -> 2, 100 -> 3
        CategoryIndex index = CategoryIndex.of(classes, categories);
        assertEquals(2, index.categoryCount());
        assertEquals(-2, index.label(0));
        assertEquals(40, index.label(1));
        assertEquals(1, index.ordinalOf(40));
        assertEquals(-1, index.ordinalOf(41));
        assertArrayEquals(new int[] {0, 1, 1, 0}, new int[] {index.categoryOf(0), index.categoryOf(1), index.categoryOf(2),
            index.categoryOf(3)});
        assertEquals(2, index.classCount(0));
        assertArrayEquals(new int[] {0, 3}, new int[] {index.classOrdinal(0, 0), index.classOrdinal(0, 1)});
        assertArrayEquals(new int[] {1, 2}, new int[] {index.classOrdinal(1, 0), index.classOrdinal(1, 1)});
        assertEquals(1, index.eligibleClassCount(0, 2)); // class -5 has 2 samples, class 100 one
        assertEquals(2, index.eligibleClassCount(1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> index.classOrdinal(0, 2));
        assertEquals(classes, index.classes());
    }

    @Test
    void anEmptyOneHotColumnHasNoCategory() {
        ClassIndex classes = ClassIndex.ofColumns(new int[] {0, 2, 2, 0}, 3);
        CategoryIndex index = CategoryIndex.of(classes, new int[] {5, 6, 6, 5});
        assertArrayEquals(new int[] {0, -1, 1}, new int[] {index.categoryOf(0), index.categoryOf(1), index.categoryOf(2)});
        assertEquals(1, index.classCount(0));
        assertEquals(1, index.classCount(1));
    }

    @Test
    void refusesCategoriesOfAnotherLengthOrAClassInTwoCategories() {
        ClassIndex classes = ClassIndex.of(new int[] {7, 8, 8, 7});
        assertEquals("categories has 3 values but the labels have 4 samples: one category per sample is needed",
                assertThrows(IllegalArgumentException.class, () -> CategoryIndex.of(classes, new int[] {1, 1, 1})).getMessage());
        assertEquals("categories has 5 values but the labels have 4 samples: one category per sample is needed",
                assertThrows(IllegalArgumentException.class,
                        () -> BalancedBatchSampler.builder(classes).categories(new int[5])).getMessage());
        assertEquals("class 7 is in two categories, 1 (row 0) and -3 (row 3): every class must be in exactly one category",
                assertThrows(IllegalArgumentException.class,
                        () -> BalancedBatchSampler.builder(classes).categories(new int[] {1, 2, 2, -3})).getMessage());
    }

    /** 15 classes of 4 samples: categories 0-2 hold 4 classes each, category 3 two, category 4 one. */
    private static final int[] LABELS = new int[60];
    private static final int[] CATEGORIES = new int[60];

    static {
        int[] categoryOfClass = {0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4};
        for (int i = 0; i < 60; i++) {
            LABELS[i] = i % 15;
            CATEGORIES[i] = categoryOfClass[LABELS[i]];
        }
    }

    private static BalancedBatchSampler.Builder builder() {
        return BalancedBatchSampler.builder(ClassIndex.of(LABELS)).categories(CATEGORIES).samplesPerClass(2);
    }

    @Test
    void validatesCategoryParametersWithMessagesThatNameThem() {
        assertEquals("categoriesPerBatch must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> builder().categoriesPerBatch(0)).getMessage());
        assertEquals("categoriesPerBatch must be at least 1, got -2",
                assertThrows(IllegalArgumentException.class, () -> builder().categoriesPerBatch(-2)).getMessage());
        assertEquals("categoriesPerBatch is required with categories",
                assertThrows(IllegalArgumentException.class, () -> builder().classesPerBatch(4).build()).getMessage());
        assertEquals("categoriesPerBatch=2 needs categories", assertThrows(IllegalArgumentException.class,
                () -> BalancedBatchSampler.builder(ClassIndex.of(LABELS)).classesPerBatch(4).samplesPerClass(2)
                        .categoriesPerBatch(2).build()).getMessage());
        assertEquals("classesPerBatch=5 is not divisible by categoriesPerBatch=2: every category gives the same number"
                + " of classes to a batch", assertThrows(IllegalArgumentException.class,
                        () -> builder().classesPerBatch(5).categoriesPerBatch(2).build()).getMessage());
        assertEquals("categoriesPerBatch=4 exceeds the 3 categories with at least classesPerBatch / categoriesPerBatch = 3"
                + " classes (2 smaller categories left out)", assertThrows(IllegalArgumentException.class,
                        () -> builder().classesPerBatch(12).categoriesPerBatch(4).build()).getMessage());
        assertEquals("categoriesPerBatch=2 x worldSize=2 = 4 exceeds the 3 categories with at least classesPerBatch"
                + " / categoriesPerBatch = 3 classes (2 smaller categories left out)", assertThrows(IllegalArgumentException.class,
                        () -> builder().classesPerBatch(6).categoriesPerBatch(2).shard(1, 2).build()).getMessage());
        assertEquals("categoriesPerBatch=1 exceeds the 0 categories with at least classesPerBatch / categoriesPerBatch = 2"
                + " classes of at least minSamplesPerClass=6 samples (5 smaller categories left out)",
                assertThrows(IllegalArgumentException.class, () -> builder().classesPerBatch(2).categoriesPerBatch(1)
                        .minSamplesPerClass(6).build()).getMessage());
        BalancedBatchSampler ok = builder().classesPerBatch(6).categoriesPerBatch(3).build(); // J = 2: category 3 too
        assertEquals(4, ok.usableCategoryCount());
        assertEquals(14, ok.eligibleClassCount());
        assertEquals(3, ok.categoriesPerBatch());
        assertEquals(5, ok.categories().categoryCount());
        BalancedBatchSampler plain = BalancedBatchSampler.builder(ClassIndex.of(LABELS)).classesPerBatch(4).samplesPerClass(2)
                .build();
        assertNull(plain.categories());
        assertEquals(0, plain.categoriesPerBatch());
        assertEquals(0, plain.usableCategoryCount());
    }

    @Test
    void targetSharesSplitACategorysShareOverItsClasses() {
        BalancedBatchSampler s = builder().classesPerBatch(6).categoriesPerBatch(2).seed(3).build();
        double[] shares = s.targetShares(0);
        for (int c = 0; c < 12; c++) {
            assertEquals(1 / 12.0, shares[c], 1e-15, "class " + c); // 3 usable categories alike, 4 classes each
        }
        assertArrayEquals(new double[] {0, 0, 0}, Arrays.copyOfRange(shares, 12, 15));
        // with q = 1 the weights are the usable categories' samples, 16 each: the same shares
        assertArrayEquals(shares, builder().classesPerBatch(6).categoriesPerBatch(2).classWeightPower(1).build()
                .targetShares(0), 1e-15);
    }

    @Test
    void aCursorOfCategoriesAllocatesOnlyItsDecks() {
        BalancedBatchSampler s = builder().classesPerBatch(4).categoriesPerBatch(2).seed(3).build();
        BatchCursor cursor = s.cursor(0, 0);
        // sample pools (60 rows + 4 ints of header per class, bases) + class decks (14 classes of the 4 usable
        // categories + 4 per category, bases) + the category deck (4 + 4, one base) + the dealt categories, chosen
        // classes and scratch
        long expected = 4L * (60 + 4 * 15 + 15) + 4L * (14 + 4 * 4 + 4) + 4L * (4 + 4 + 1) + 4L * (2 + 4 + 8);
        assertEquals(expected, cursor.heapBytes());
    }

    /** Category-balanced output is pinned too, with a strategy, shards and mixing: the same on every JDK. */
    @Test
    void categoryOutputIsPinnedAcrossJdks() {
        int[] labels = SyntheticLabels.zipf(20_000, 300, 2, 11);
        int[] categories = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            categories[i] = labels[i] % 17 * 3 - 10; // 17 categories of 17-18 classes, each class in one
        }
        assertEquals(PINNED_CATEGORIES, BalancedBatchSamplerTest.checksum(BalancedBatchSampler.builder(ClassIndex.of(labels))
                .categories(categories).categoriesPerBatch(4).classesPerBatch(16).samplesPerClass(5).seed(42).build(), 300));
        assertEquals(PINNED_CATEGORIES_SQRT, BalancedBatchSamplerTest.checksum(BalancedBatchSampler.builder(
                ClassIndex.of(labels)).categories(categories).categoriesPerBatch(2).classesPerBatch(8).samplesPerClass(3)
                .seed(-7).mix(true).classWeightPower(0.5).minSamplesPerClass(3).shard(1, 2).build(), 300));
    }

    private static final long PINNED_CATEGORIES = 0x5bf1748fL;
    private static final long PINNED_CATEGORIES_SQRT = 0x6d675ea3L;
}
