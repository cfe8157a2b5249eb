/**
 * A background batch pipeline for training loops: a sampler thread and T gathering threads fill a
 * fixed ring of preallocated batch slots ahead of the consumer.
 *
 * <p>Batches come out in exactly the sampler's order. Slots are handed over with per-slot sequence
 * numbers (acquire/release), so no lock or queue node is allocated per batch; waiting threads spin
 * briefly and then park for at most 50 microseconds at a time (a missed wake-up costs latency,
 * never progress). {@code java.util.concurrent} and {@code LockSupport} are all it uses.
 */
package io.github.balancedbatch.pipeline;
