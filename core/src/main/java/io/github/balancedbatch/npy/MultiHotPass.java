package io.github.balancedbatch.npy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * One pass of {@link MultiLabels#readNpy} over the data of a multi-hot matrix, read in chunks of at
 * most {@link NpyLabels#CHUNK_BYTES}. Without a labels array it validates every value and writes the
 * running label count after each row into the offsets; with one, it writes each row's columns where
 * the offsets say, and checks the file still agrees with the first pass. Not thread-safe; one
 * instance per pass.
 */
final class MultiHotPass {
    private final Path file;
    private final NpyType type;
    private final int width;
    private final int[] offsets;
    private final int[] out;
    private int row;
    private int col;
    private int count;
    private int next;

    MultiHotPass(Path file, NpyType type, int width, int[] offsets, int[] out) {
        this.file = file;
        this.type = type;
        this.width = width;
        this.offsets = offsets;
        this.out = out;
    }

    void run(FileChannel ch, NpyHeader h) throws IOException {
        int cap = (int) Math.min(NpyLabels.CHUNK_BYTES, h.dataBytes());
        ByteBuffer buf = ByteBuffer.allocate(cap).order(ByteOrder.LITTLE_ENDIAN);
        byte[] a = buf.array();
        long pos = h.dataOffset();
        long remaining = h.dataBytes();
        while (remaining > 0) {
            buf.clear();
            buf.limit((int) Math.min(cap, remaining));
            NpyHeader.readFully(file, ch, buf, pos);
            buf.flip();
            int n = buf.limit();
            pos += n;
            remaining -= n;
            switch (type) {
                case UINT8:
                    for (int i = 0; i < n; i++) {
                        cell(a[i] & 0xff);
                    }
                    break;
                case INT8:
                    for (int i = 0; i < n; i++) {
                        cell(a[i]);
                    }
                    break;
                case INT16:
                    while (buf.hasRemaining()) {
                        cell(buf.getShort());
                    }
                    break;
                case INT32:
                    while (buf.hasRemaining()) {
                        cell(buf.getInt());
                    }
                    break;
                case INT64:
                    while (buf.hasRemaining()) {
                        long v = buf.getLong();
                        if (v != 0 && v != 1) {
                            throw badValue(Long.toString(v));
                        }
                        cell((int) v);
                    }
                    break;
                case FLOAT32:
                    while (buf.hasRemaining()) {
                        float v = buf.getFloat();
                        if (v == 0) {
                            cell(0);
                        } else if (v == 1) {
                            cell(1);
                        } else {
                            throw badValue(Float.toString(v));
                        }
                    }
                    break;
                default:
                    throw new AssertionError(type);
            }
        }
    }

    private void cell(int value) throws NpyException {
        if (value == 1) {
            if (out != null) {
                if (next == offsets[row + 1]) {
                    throw changed();
                }
                out[next++] = col;
            }
            count++;
        } else if (value != 0) {
            throw badValue(Integer.toString(value));
        }
        if (++col == width) {
            endRow();
        }
    }

    private void endRow() throws NpyException {
        if (count == 0) {
            throw new NpyException(file, "sample " + row + " holds no label (row " + row
                    + " of the multi-hot matrix is all zeros)");
        }
        if (out == null) {
            if (count > MultiLabels.MAX_LABELS - next) {
                throw new NpyException(file, "row " + row + ": the multi-hot matrix holds more than "
                        + MultiLabels.MAX_LABELS + " ones in all; at most that many labels are supported");
            }
            next += count;
            offsets[row + 1] = next;
        } else if (next != offsets[row + 1]) {
            throw changed();
        }
        row++;
        col = 0;
        count = 0;
    }

    private NpyException badValue(String shown) {
        return new NpyException(file, "row " + row + ", column " + col
                + " of the multi-hot matrix is " + shown + "; expected 0 or 1");
    }

    private NpyException changed() {
        return new NpyException(file, "row " + row + ": the file changed while it was being read");
    }
}
