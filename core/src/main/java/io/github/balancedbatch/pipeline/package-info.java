/**
 * A background batch pipeline for training loops: a sampler thread and T gathering threads fill a
 * fixed ring of preallocated batch slots ahead of the consumer.
 *
 * <p>Batches come out in exactly the sampler's order. Slots are handed over with per-slot sequence
 * numbers (acquire/release), so no lock or queue node is allocated per batch; waiting threads spin
 * briefly and then park; every publication unparks the one thread waiting for it (the consumer,
 * the sampler, or the gathering thread that owns the batch), and parking times out after 10 ms as
 * a safety net, so idle threads cost no CPU. {@code java.util.concurrent} and {@code LockSupport} are all it uses.
 */
package io.github.balancedbatch.pipeline;
