package io.github.balancedbatch.bench;

import io.github.balancedbatch.sampler.ClassIndex;

/**
 * A benchmark's labels and their {@link ClassIndex}, grouped once in a {@code Scope.Benchmark}
 * setup: the first step of labels -> index -> sampler -> cursor. Immutable, so every thread of a
 * trial shares one; the state that holds it drops it in its {@code @TearDown}.
 */
final class GroupedLabels {
    /** The labels, one per sample; read only. */
    final int[] labels;
    final ClassIndex index;

    GroupedLabels(int[] labels) {
        this.labels = labels;
        this.index = ClassIndex.of(labels);
    }
}
