/**
 * A batch pipeline for training loops: a sampler thread and T gathering threads fill a fixed ring
 * of preallocated batch slots ahead of the consumer; with {@code prefetch(0)} the same code runs
 * synchronously in the consumer's thread. It is the one path by which batches are assembled.
 *
 * <p>Batches come out in exactly the sampler's order. Slots are handed over with per-slot sequence
 * numbers (a slot is sampled, then gathered, then taken, then freed; each step publishes with a
 * volatile store that the next step's volatile load acquires: the edges are commented where they
 * are made), so no lock or queue node is allocated per batch. Waiting threads spin briefly, then
 * park without a timeout; every publication unparks the one thread waiting for it (the consumer,
 * the sampler, or the gathering thread that owns the batch), so an idle pipeline costs no CPU.
 * {@code java.util.concurrent} and {@code LockSupport} are all it uses.
 *
 * <p>Tests: {@code HandOffTest} checks every value of every batch against the data and scribbles
 * over each slot before it goes back, so a broken hand-off shows as a wrong value;
 * {@code PipelineStressTest} runs hundreds of pipelines with failures, interrupts and early stops.
 * A jcstress harness would probe the orderings themselves; its artifacts are not on the registry
 * this project builds from.
 */
package io.github.balancedbatch.pipeline;
