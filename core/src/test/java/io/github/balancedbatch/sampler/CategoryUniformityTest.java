package io.github.balancedbatch.sampler;

import static io.github.balancedbatch.sampler.ShuffleUniformityTest.assertUniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The two random paths of the category deal against the distributions they must have (chi-square,
 * p below 0.001 fails, fixed seeds): the category deck and each category's class deck, carried over
 * from one appearance of the category to the next. Expected tables are derived by hand.
 */
class CategoryUniformityTest {

    /**
     * 13 classes of 2 samples; classes 0-11 in categories 0-3 (three each), class 12 alone in
     * category 9. Q = 2, J = 2, K = 1, 4 batches per epoch: category 9 (one class) is never chosen,
     * the 8 category slots of an epoch are two passes of the 4-category deck, so its first 4 slots
     * are a uniform permutation. Category 0's first appearance takes 2 of its 3 classes, uniformly;
     * its second takes the class left over first, then one of the first two, each with probability
     * 1/2.
     */
    @Test
    void categoriesAndTheClassesInsideAreDealtUniformly() {
        int[] labels = new int[26];
        int[] categories = new int[26];
        for (int i = 0; i < 26; i++) {
            labels[i] = i % 13;
            categories[i] = labels[i] == 12 ? 9 : labels[i] / 3;
        }
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(labels)).categories(categories)
                .categoriesPerBatch(2).classesPerBatch(4).samplesPerClass(1).batchesPerEpoch(4).seed(21).build();
        assertEquals(4, s.usableCategoryCount());
        int epochs = 20_000;
        long[][] deck = new long[4][4];
        long[][] first = new long[2][3];
        long[][] second = new long[1][2];
        BatchCursor cursor = s.cursor(0, 0);
        int[] rows = new int[4];
        int[] classes = new int[4];
        int[] slots = new int[8];
        int[] drawn = new int[4];
        for (int e = 0; e < epochs; e++) {
            int appearances = 0;
            for (int b = 0; b < 4; b++) {
                cursor.next(rows, classes);
                for (int g = 0; g < 2; g++) {
                    int category = s.categories().categoryOf(classes[2 * g]);
                    slots[b * 2 + g] = category;
                    if (category == 0) {
                        drawn[2 * appearances] = classes[2 * g];
                        drawn[2 * appearances + 1] = classes[2 * g + 1];
                        appearances++;
                    }
                }
            }
            for (int p = 0; p < 4; p++) {
                deck[p][slots[p]]++;
            }
            assertEquals(2, appearances, "epoch " + e); // two passes of the deck: once in each
            first[0][drawn[0]]++;
            first[1][drawn[1]]++;
            int left = 3 - drawn[0] - drawn[1]; // classes 0, 1, 2: the one the first appearance left
            assertEquals(left, drawn[2], "epoch " + e + ": the class left over comes first");
            second[0][drawn[3] == drawn[0] ? 0 : 1]++;
        }
        double[] quarter = new double[4];
        Arrays.fill(quarter, 0.25);
        assertUniform(deck, new double[][] {quarter, quarter, quarter, quarter}, "category slots of a pass, seed 21");
        double[] third = {1 / 3.0, 1 / 3.0, 1 / 3.0};
        assertUniform(first, new double[][] {third, third}, "classes of category 0 at its first appearance, seed 21");
        assertUniform(second, new double[][] {{0.5, 0.5}}, "class reopening category 0's deck, seed 21");
    }
}
