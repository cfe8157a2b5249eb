/**
 * Reading and writing numpy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>{@link io.github.balancedbatch.npy.NpyHeader} parses and validates a header;
 * {@link io.github.balancedbatch.npy.NpyLabels} reads class labels from a 1-D integer array or a
 * 2-D one-hot matrix; {@link io.github.balancedbatch.npy.MultiLabels} reads several labels per
 * sample from a 2-D multi-hot matrix (or text, one line per sample);
 * {@link io.github.balancedbatch.npy.NpyWriter} streams an INT32 or FLOAT32
 * array to a temporary file and publishes it atomically.
 *
 * <p>Only C-ordered, little-endian numeric arrays of the {@link io.github.balancedbatch.npy.NpyType}
 * element types are read. Refused with an {@link io.github.balancedbatch.npy.NpyException} naming
 * the problem: Fortran order, big-endian or native-order dtypes, bool (except for a multi-hot
 * matrix, which {@code MultiLabels} reads), float16, complex, uint64,
 * strings, objects (pickles) and structured dtypes, malformed or oversized headers, negative or
 * overflowing shapes, and files whose length differs from what the header describes (truncated or
 * with trailing bytes). Headers are parsed by a small dedicated parser, never evaluated.
 *
 * <p>Validation happens before any allocation sized by the file's claims, so a corrupt or
 * hostile file cannot trigger a huge allocation. Data is read through a
 * {@link java.nio.channels.FileChannel} in bounded chunks (1 MiB) instead of being memory-mapped:
 * memory use stays constant regardless of file size, and no mapping outlives the call (an
 * unreleased mapping would keep the file locked on some platforms).
 */
package io.github.balancedbatch.npy;
