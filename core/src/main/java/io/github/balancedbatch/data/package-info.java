/**
 * Off-heap feature data: matrices of N rows x D values (float32, float16, uint8 or int8, kept in
 * their stored type) in direct or memory-mapped buffers, zero-copy row views, and batch gathers into
 * caller-owned buffers.
 *
 * <h2>Ownership</h2>
 * <ul>
 *   <li>A {@link io.github.balancedbatch.data.FeatureMatrix} owns its storage (or, when wrapping,
 *       shares the caller's buffer and never writes it, nor changes its position, limit or order).
 *       Storage is split into regions of whole rows of at most 2 GiB - 1 bytes, so larger files map
 *       fine and a row never straddles two regions.</li>
 *   <li>Batch buffers belong to the caller: gathers write at the buffer's position and advance it.
 *       {@link io.github.balancedbatch.data.BatchBuffers} makes them direct, native-order and
 *       pre-touched, which is what ONNX Runtime and DJL take without a copy.</li>
 * </ul>
 *
 * <h2>Cost</h2>
 * A float32 gather is one bulk copy per row (the JDK's absolute {@code FloatBuffer.put(int,
 * FloatBuffer, int, int)}, a plain memory copy when both sides are in native order); a byte gather
 * is one bulk {@code ByteBuffer} copy per row; a compact type converts each row in chunks through
 * a per-thread heap array (bulk in, a loop over arrays, bulk out). For rows of 512 bytes or more,
 * before copying row i a gather reads one byte of row i + 8, so that about eight rows' cache misses
 * are in flight together instead of one after another (narrower rows measured slower with it).
 * Gathers allocate nothing per batch. On
 * small virtual machines the first touch of a 4 KiB page costs about 12 microseconds, so a cold
 * mapping gathers far below memory speed: call {@code load()} on the matrix before a
 * latency-sensitive loop.
 */
package io.github.balancedbatch.data;
