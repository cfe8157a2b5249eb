package io.github.balancedbatch.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyLabels;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureMatrixTest {
    private static final Path FIXTURES = Path.of("src/test/resources/npy");

    @TempDir
    Path dir;

    /** The rows we gather equal the rows numpy selects with fancy indexing (fixture written by numpy). */
    @Test
    void gatherMatchesNumpyIndexing() throws IOException {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_gather.npy"));
        assertEquals(40, m.rows());
        assertArrayEquals(new int[] {3, 5}, m.sampleShape());
        assertEquals(15, m.width());
        int[] indices = NpyLabels.read(FIXTURES.resolve("indices_gather.npy")).labels();
        FloatBuffer dst = BatchBuffers.floats(indices.length * 15);
        m.gather(indices, 0, indices.length, dst);
        assertEquals(indices.length * 15, dst.position());
        float[] expected = floats(FIXTURES.resolve("expected_gather.npy"), 12 * 15);
        float[] got = new float[expected.length];
        dst.get(0, got);
        assertArrayEquals(expected, got);
    }

    @Test
    void rowViewsAreZeroCopyAndRepositioned() throws IOException {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_f4_6x4.npy"));
        FloatBuffer r2 = m.row(2);
        assertEquals(4, r2.remaining());
        assertEquals(2f, r2.get(r2.position())); // (np.arange(24) * 0.25).reshape(6, 4)
        assertTrue(r2.isDirect());
        FloatBuffer r5 = m.row(5);
        assertSame(r2, r5, "the view is reused");
        float[] row = new float[4];
        r5.get(row);
        assertArrayEquals(new float[] {5, 5.25f, 5.5f, 5.75f}, row);
        FeatureMatrix.RowViews other = m.views();
        assertEquals(0f, other.row(0).get());
        r5 = m.row(5);
        FloatBuffer r0 = other.row(0);
        assertEquals(20, r5.position(), "views of another thread do not disturb this one");
        assertEquals(24, r5.limit());
        assertEquals(0, r0.position());
        assertThrows(IndexOutOfBoundsException.class, () -> m.row(6));
    }

    /**
     * Two threads each take a view of their own row, and read it only once both have taken theirs:
     * with one view shared by the threads, the later call would have moved the earlier thread's view
     * onto the other row, so one of them would read the wrong values.
     */
    @Test
    void rowViewsOfTwoThreadsAreTheirOwn() throws Exception {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_f4_6x4.npy"));
        CyclicBarrier bothTaken = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 100; round++) {
                int r1 = round % 6;
                int r2 = (round + 3) % 6;
                Future<float[]> a = pool.submit(() -> readOnceBothTaken(m, r1, bothTaken));
                Future<float[]> b = pool.submit(() -> readOnceBothTaken(m, r2, bothTaken));
                // (np.arange(24) * 0.25).reshape(6, 4)
                assertArrayEquals(new float[] {r1, r1 + 0.25f, r1 + 0.5f, r1 + 0.75f},
                        a.get(10, TimeUnit.SECONDS), "round " + round);
                assertArrayEquals(new float[] {r2, r2 + 0.25f, r2 + 0.5f, r2 + 0.75f},
                        b.get(10, TimeUnit.SECONDS), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Takes the view of row {@code r}, waits until the other thread has taken its view, reads it. */
    private static float[] readOnceBothTaken(FeatureMatrix m, int r, CyclicBarrier bothTaken) throws Exception {
        FloatBuffer v = m.row(r);
        bothTaken.await(10, TimeUnit.SECONDS);
        float[] got = new float[v.remaining()];
        v.get(v.position(), got);
        return got;
    }

    @Test
    void copiesAndWrapsKeepTheSampleShape() {
        float[] data = new float[4 * 6];
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0.5f;
        }
        FeatureMatrix a = FeatureMatrix.copyOf(data, 4, 2, 3);
        assertEquals(4, a.rows());
        assertArrayEquals(new int[] {2, 3}, a.sampleShape());
        assertEquals(6f, a.row(2).get(a.row(2).position()));
        FeatureMatrix b = FeatureMatrix.copyOf(new float[][] {{1, 2}, {3, 4}, {5, 6}});
        FloatBuffer dst = FloatBuffer.allocate(6);
        b.gather(new int[] {2, 0, 2}, 0, 3, dst);
        assertArrayEquals(new float[] {5, 6, 1, 2, 5, 6}, dst.array());

        ByteBuffer raw = ByteBuffer.allocateDirect(4 + 3 * 2 * 4).order(ByteOrder.nativeOrder());
        for (int i = 0; i < 6; i++) {
            raw.putFloat(4 + i * 4, i + 10);
        }
        raw.position(4);
        FeatureMatrix w = FeatureMatrix.wrap(raw, 3, 2);
        assertEquals(4, raw.position(), "the caller's buffer is left alone");
        assertEquals(14f, w.row(2).get());
        assertEquals("row 1 has 1 floats, row 0 has 2", assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.copyOf(new float[][] {{1, 2}, {3}})).getMessage());
        assertEquals("data holds 7 floats, 2 rows of [3] floats need 6 (the number of rows comes first, then the sample shape)",
                assertThrows(IllegalArgumentException.class, () -> FeatureMatrix.copyOf(new float[7], 2, 3)).getMessage());
        assertEquals("buffer must be direct (off-heap)", assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.wrap(ByteBuffer.allocate(64), 2, 2)).getMessage());
        assertEquals("buffer holds 24 bytes, 4 rows of [2] floats need 32", assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.wrap(raw, 4, 2)).getMessage());
    }

    @Test
    void gatherChecksIndicesAndRoom() {
        FeatureMatrix m = FeatureMatrix.copyOf(new float[][] {{1, 2}, {3, 4}});
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(new int[] {0, 2}, 0, 2, FloatBuffer.allocate(4)));
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(new int[] {0, -1}, 0, 2, FloatBuffer.allocate(4)));
        assertThrows(java.nio.BufferOverflowException.class, () -> m.gather(new int[] {0, 1}, 0, 2, FloatBuffer.allocate(3)));
        FloatBuffer dst = FloatBuffer.allocate(4);
        m.gather(new int[] {9, 1, 9}, 1, 1, dst);
        assertEquals(2, dst.position());
    }

    /** Regions hold whole rows: a matrix split into many small regions reads every row correctly. */
    @Test
    void regionsNeverSplitARow() throws IOException {
        Path file = dir.resolve("f.npy");
        int rows = 37;
        int d = 7;
        writeNpyHeader(file, "(" + rows + ", " + d + ")", (long) rows * d * 4);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < rows * d; i++) {
                f.seek(128 + 4L * i);
                f.write(le(i));
            }
        }
        FeatureMatrix m = Storage.map(file, 3 * d * 4 + 5); // 3 rows per region
        int[] all = new int[rows];
        for (int i = 0; i < rows; i++) {
            all[i] = rows - 1 - i;
            FloatBuffer r = m.row(i);
            for (int j = 0; j < d; j++) {
                assertEquals(i * d + j, r.get(r.position() + j));
            }
        }
        FloatBuffer dst = BatchBuffers.floats(rows * d);
        m.gather(all, 0, rows, dst);
        for (int i = 0; i < rows; i++) {
            assertEquals((rows - 1 - i) * d, dst.get(i * d));
        }
        assertEquals("one row is 28 bytes, more than a buffer region holds (27)",
                assertThrows(NpyException.class, () -> Storage.map(file, 27)).problem());
    }

    /** Over 2 GiB: a sparse file with known rows near the end and around the region boundary. */
    @Test
    void readsFilesLargerThanTwoGibFromASparseFile() throws IOException {
        Path file = dir.resolve("big.npy");
        int d = 1000;
        long rows = 600_000; // 2.4 GB of float32
        long dataBytes = rows * d * 4;
        writeNpyHeader(file, "(" + rows + ", " + d + ")", dataBytes);
        long perRegion = Integer.MAX_VALUE / (d * 4L);
        long[] known = {0, perRegion - 1, perRegion, perRegion + 1, rows - 2, rows - 1};
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            for (long r : known) {
                f.seek(128 + r * d * 4);
                f.write(le((float) r));
                f.seek(128 + r * d * 4 + (d - 1) * 4L);
                f.write(le(-(float) r));
            }
        }
        assertTrue(Files.size(file) > (1L << 31));
        FeatureMatrix m = FeatureMatrix.map(file);
        assertEquals(rows, m.rows());
        for (long r : known) {
            FloatBuffer v = m.row((int) r);
            assertEquals((float) r, v.get(v.position()), "row " + r);
            assertEquals(-(float) r, v.get(v.position() + d - 1), "row " + r);
        }
        int[] batch = {(int) (rows - 1), (int) perRegion, 0, (int) (perRegion - 1)};
        FloatBuffer dst = BatchBuffers.floats(4 * d);
        m.gather(batch, 0, 4, dst);
        for (int i = 0; i < 4; i++) {
            assertEquals((float) batch[i], dst.get(i * d));
            assertEquals(-(float) batch[i], dst.get(i * d + d - 1));
        }
    }

    @Test
    void refusesFeaturesThatAreNotFloat32Rows() {
        assertEquals("features must be float32, float16, uint8 or int8 ('<f4', '<f2', '|u1', '|i1'), got '<i4'",
                assertThrows(NpyException.class, () -> FeatureMatrix.map(FIXTURES.resolve("labels_i4.npy"))).problem());
        NpyException e = assertThrows(NpyException.class, () -> FeatureMatrix.map(FIXTURES.resolve("fortran_f4.npy")));
        assertTrue(e.getMessage().contains("fortran_f4.npy") && e.problem().contains("Fortran"), e.getMessage());
        assertTrue(assertThrows(NpyException.class, () -> FeatureMatrix.map(FIXTURES.resolve("scalar_0d.npy")))
                .getMessage().contains("scalar_0d.npy"));
    }

    @Test
    void loadPrefaultsAMappingAndPretouchLeavesBuffersAlone() throws IOException {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_f4_5x2x3.npy"));
        assertSame(m, m.load());
        assertEquals(-0.5f, m.row(1).get()); // ((np.arange(30) - 7) * 0.5).reshape(5, 2, 3)
        ByteBuffer b = ByteBuffer.allocateDirect(3 * 4096 + 10);
        b.put(8192, (byte) 5);
        b.position(7).limit(100);
        BatchBuffers.pretouch(b);
        assertEquals(7, b.position());
        assertEquals(100, b.limit());
        assertEquals(0, b.duplicate().clear().get(8192));
        FloatBuffer f = BatchBuffers.floats(10);
        assertTrue(f.isDirect());
        assertEquals(ByteOrder.nativeOrder(), f.order());
    }

    static void writeNpyHeader(Path file, String shape, long dataBytes) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 128 != 0) {
            h.append(' ');
        }
        h.append('\n');
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), (byte) (h.length() >> 8)});
            f.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            f.setLength(128 + dataBytes);
        }
    }

    private static byte[] le(float v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putFloat(v).array();
    }

    private static float[] floats(Path npy, int count) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        FloatBuffer f = ByteBuffer.wrap(all, all.length - count * 4, count * 4).slice().order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] out = new float[count];
        f.get(out);
        return out;
    }
}
