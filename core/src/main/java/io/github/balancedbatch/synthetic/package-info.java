/**
 * Deterministic synthetic label sets for the demo, the tests and the benchmarks; not training data.
 *
 * <p>{@link io.github.balancedbatch.synthetic.SyntheticLabels} makes balanced or long-tailed
 * (Zipf-like) labels, scattered by a {@link java.util.SplittableRandom} with a fixed seed: the same
 * arguments give the same labels on every JVM, which is what the pinned checksums of the tests and
 * the benchmark workloads rely on.
 */
package io.github.balancedbatch.synthetic;
