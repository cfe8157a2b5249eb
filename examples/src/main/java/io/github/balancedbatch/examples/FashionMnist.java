package io.github.balancedbatch.examples;

import io.github.balancedbatch.data.BatchBuffers;
import io.github.balancedbatch.data.FeatureMatrix;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Fashion-MNIST read from its four gzipped IDX files (uint8 images, uint8 labels) into off-heap
 * float32 pixels scaled to [0, 1].
 */
final class FashionMnist {
    static final int SIDE = 28;
    static final String[] CLASS_NAMES = {
        "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle-boot"};
    static final String TRAIN_IMAGES = "train-images-idx3-ubyte.gz";
    static final String TRAIN_LABELS = "train-labels-idx1-ubyte.gz";
    static final String TEST_IMAGES = "t10k-images-idx3-ubyte.gz";
    static final String TEST_LABELS = "t10k-labels-idx1-ubyte.gz";

    /** One split: N images of 28 x 28 float32 (the bytes are shared by {@link #images}) and N labels. */
    static final class Split {
        final ByteBuffer bytes;
        final FeatureMatrix images;
        final int[] labels;

        Split(ByteBuffer bytes, int[] labels) {
            this.bytes = bytes;
            this.labels = labels;
            this.images = FeatureMatrix.wrap(bytes, labels.length, SIDE, SIDE);
        }

        int size() {
            return labels.length;
        }

        /** The rows {@code rows} as a new split, in that order (one gather, off-heap). */
        Split subset(int[] rows) {
            ByteBuffer out = BatchBuffers.bytes(Math.multiplyExact(rows.length, SIDE * SIDE * Float.BYTES));
            images.gather(rows, 0, rows.length, out.asFloatBuffer());
            int[] l = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                l[i] = labels[rows[i]];
            }
            return new Split(out, l);
        }
    }

    final Split train;
    final Split test;

    private FashionMnist(Split train, Split test) {
        this.train = train;
        this.test = test;
    }

    /**
     * Reads the four files from {@code dir}.
     *
     * @throws MissingDataException if a file is missing
     * @throws IOException if a file cannot be read or is not the IDX it should be
     */
    static FashionMnist read(Path dir) throws IOException {
        for (String f : new String[] {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new MissingDataException(dir.resolve(f));
            }
        }
        return new FashionMnist(split(dir, TRAIN_IMAGES, TRAIN_LABELS), split(dir, TEST_IMAGES, TEST_LABELS));
    }

    private static Split split(Path dir, String imageFile, String labelFile) throws IOException {
        int[] labels = labels(dir.resolve(labelFile));
        return new Split(images(dir.resolve(imageFile), labels.length), labels);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            return new DataInputStream(new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16));
        } catch (IOException e) {
            in.close();
            throw new IOException(file + ": not a gzip file (" + e.getMessage() + ")", e);
        }
    }

    private static int[] labels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in.readInt(), 0x801);
            int n = in.readInt();
            byte[] raw = new byte[n];
            in.readFully(raw);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = raw[i] & 0xff;
            }
            return labels;
        } catch (EOFException e) {
            throw new IOException(file + ": truncated", e);
        }
    }

    private static ByteBuffer images(Path file, int expected) throws IOException {
        try (DataInputStream in = open(file)) {
            checkMagic(file, in.readInt(), 0x803);
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            if (n != expected || rows != SIDE || cols != SIDE) {
                throw new IOException(file + ": expected " + expected + " images of 28 x 28, got " + n + " of " + rows
                        + " x " + cols);
            }
            ByteBuffer out = BatchBuffers.bytes(Math.multiplyExact(n, SIDE * SIDE * Float.BYTES));
            byte[] image = new byte[SIDE * SIDE];
            for (int i = 0; i < n; i++) {
                in.readFully(image);
                for (int p = 0; p < image.length; p++) {
                    out.putFloat((image[p] & 0xff) / 255f);
                }
            }
            return out.flip();
        } catch (EOFException e) {
            throw new IOException(file + ": truncated", e);
        }
    }

    private static void checkMagic(Path file, int magic, int expected) throws IOException {
        if (magic != expected) {
            throw new IOException(file + ": not an IDX file of this kind: magic number expected 0x"
                    + Integer.toHexString(expected) + ", got 0x" + Integer.toHexString(magic));
        }
    }

    /** A data file that is not there. */
    static final class MissingDataException extends IOException {
        private static final long serialVersionUID = 1L;

        MissingDataException(Path file) {
            super(file + " not found: install Fashion-MNIST with `apt-get install dataset-fashion-mnist`"
                    + " or pass --data DIR (a folder with the four .gz IDX files)");
        }
    }
}
