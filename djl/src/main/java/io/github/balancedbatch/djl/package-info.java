/**
 * DJL adapters: {@link io.github.balancedbatch.djl.BalancedSampler}, a DJL {@code Sampler} of P x K
 * index batches for any {@code RandomAccessDataset}, and {@link io.github.balancedbatch.djl.BalancedDataset},
 * a DJL {@code Dataset} whose batches come from the background {@code BatchPipeline}, the one path by
 * which batches are assembled.
 *
 * <p><b>Zero copy, and who owns the memory.</b> DJL's PyTorch engine builds an NDArray over a direct
 * {@code ByteBuffer} in place ({@code torch::from_blob}), but copies any other buffer, a
 * {@code FloatBuffer} view included. The dataset therefore hands the engine each pipeline slot's
 * bytes, and the slot stays with the batch until DJL closes the batch: the pipeline cannot refill
 * memory that a live NDArray reads. On a GPU, or when a trainer splits a batch across several devices,
 * the engine copies the slot's memory to each device, so the slot is read only until the copies exist
 * but is still held until the batch closes.
 *
 * <p>Only {@code ai.djl:api} is needed at compile and run time; the engine is the user's choice.
 */
package io.github.balancedbatch.djl;
