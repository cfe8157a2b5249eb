package io.github.balancedbatch.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.npy.NpyException;
import io.github.balancedbatch.npy.NpyHeader;
import io.github.balancedbatch.npy.NpyLabels;
import io.github.balancedbatch.npy.NpyType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Storage types float16, uint8 and int8 against numpy's answers (make_compact_fixtures.py). */
class CompactFeaturesTest {
    private static final Path FIXTURES = Path.of("src/test/resources/npy");

    @TempDir
    Path dir;

    /** Every one of the 65,536 float16 bit patterns converts to the float32 bits numpy gives. */
    @Test
    void everyFloat16BitPatternConvertsLikeNumpy() throws IOException {
        int[] expected = ints(data(FIXTURES.resolve("float16_all_f4.npy")));
        assertEquals(65536, expected.length);
        for (int h = 0; h < 65536; h++) {
            int got = Float.floatToRawIntBits(Convert.halfToFloat(h));
            if (got != expected[h]) {
                assertEquals(Integer.toHexString(expected[h]), Integer.toHexString(got), "float16 bits " + Integer.toHexString(h));
            }
        }
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("float16_all.npy"));
        assertEquals(NpyType.FLOAT16, m.type());
        assertEquals(4096, m.rows());
        assertEquals(32, m.bytesPerRow());
        int[] all = new int[4096];
        Arrays.setAll(all, i -> i);
        FloatBuffer dst = BatchBuffers.floats(65536);
        m.gather(all, 0, all.length, dst);
        assertEquals(65536, dst.position());
        for (int i = 0; i < 65536; i++) {
            int got = Float.floatToRawIntBits(dst.get(i));
            if (got != expected[i]) {
                assertEquals(Integer.toHexString(expected[i]), Integer.toHexString(got), "gathered float16 bits " + Integer.toHexString(i));
            }
        }
    }

    /** Float gathers, raw-byte gathers and scaled gathers equal numpy's, bit for bit, for every type. */
    @ParameterizedTest
    @CsvSource({"f2, FLOAT16", "u1, UINT8", "i1, INT8"})
    void gathersLikeNumpy(String name, NpyType type) throws IOException {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_" + name + "_gather.npy"));
        assertEquals(type, m.type());
        assertArrayEquals(new int[] {3, 5}, m.sampleShape());
        assertEquals(15 * type.size(), m.bytesPerRow());
        int[] indices = NpyLabels.read(FIXTURES.resolve("indices_gather.npy")).labels();
        int n = indices.length * 15;

        FloatBuffer floats = BatchBuffers.floats(n);
        m.gather(indices, 0, indices.length, floats);
        assertEquals(n, floats.position());
        assertArrayEquals(ints(data(FIXTURES.resolve("expected_" + name + "_f4.npy"))), bits(floats, n));

        ByteBuffer raw = BatchBuffers.bytes(n * type.size());
        m.gather(indices, 0, indices.length, raw);
        assertEquals(raw.capacity(), raw.position());
        assertArrayEquals(data(FIXTURES.resolve("expected_" + name + "_raw.npy")), bytes(raw));

        FeatureMatrix scaled = m.scaled(1 / 255f, -0.5f);
        FloatBuffer s = BatchBuffers.floats(n);
        scaled.gather(indices, 0, indices.length, s);
        assertArrayEquals(ints(data(FIXTURES.resolve("expected_" + name + "_scaled.npy"))), bits(s, n));
        raw.clear();
        scaled.gather(indices, 0, indices.length, raw);
        assertArrayEquals(data(FIXTURES.resolve("expected_" + name + "_raw.npy")), bytes(raw), "bytes are never scaled");

        // the same bytes copied from the heap, or wrapped, gather the same values
        byte[] stored = data(FIXTURES.resolve("features_" + name + "_gather.npy"));
        FeatureMatrix copy = FeatureMatrix.copyOf(stored, type, 40, 3, 5);
        assertEquals(40, copy.rows());
        floats.clear();
        copy.gather(indices, 0, indices.length, floats);
        assertArrayEquals(ints(data(FIXTURES.resolve("expected_" + name + "_f4.npy"))), bits(floats, n));
        ByteBuffer direct = ByteBuffer.allocateDirect(stored.length + 3).order(ByteOrder.LITTLE_ENDIAN);
        direct.position(3);
        direct.put(stored).position(3);
        FeatureMatrix wrapped = FeatureMatrix.wrap(direct, type, 40, 3, 5);
        assertEquals(3, direct.position(), "the caller's buffer is left alone");
        floats.clear();
        wrapped.gather(indices, 0, indices.length, floats);
        assertArrayEquals(ints(data(FIXTURES.resolve("expected_" + name + "_f4.npy"))), bits(floats, n));
    }

    @Test
    void scaledFloat32LikeNumpy() throws IOException {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_gather.npy")).scaled(1 / 255f, -0.5f);
        int[] indices = NpyLabels.read(FIXTURES.resolve("indices_gather.npy")).labels();
        FloatBuffer dst = BatchBuffers.floats(indices.length * 15);
        m.gather(indices, 0, indices.length, dst);
        assertArrayEquals(ints(data(FIXTURES.resolve("expected_f4_scaled.npy"))), bits(dst, indices.length * 15));
    }

    /** A scaled view shares the storage, computes x * scale + offset without fusing, and keeps nothing else. */
    @Test
    void scaledIsAViewWithAnUnfusedAffineMap() {
        ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 200).put(1, (byte) 3);
        FeatureMatrix m = FeatureMatrix.wrap(b, NpyType.UINT8, 4, 2);
        FeatureMatrix s = m.scaled(0.1f, 1e8f);
        assertTrue(s.isScaled());
        assertFalse(m.isScaled());
        assertEquals(0.1f, s.scale());
        assertEquals(1e8f, s.offset());
        FloatBuffer dst = FloatBuffer.allocate(2);
        s.gather(new int[] {0}, 0, 1, dst);
        assertEquals(200 * 0.1f + 1e8f, dst.get(0));
        b.put(0, (byte) 7); // no copy: the view sees the storage
        FeatureMatrix third = m.scaled(1 / 3f, 0.25f);
        dst.clear();
        third.gather(new int[] {0}, 0, 1, dst);
        float x = 7;
        float unfused = x * (1 / 3f) + 0.25f;
        assertEquals(Float.floatToRawIntBits(unfused), Float.floatToRawIntBits(dst.get(0)));
        // the map replaces an earlier one instead of composing
        dst.clear();
        s.scaled(2f, 0f).gather(new int[] {0}, 0, 1, dst);
        assertEquals(14f, dst.get(0));

        // (1, 0) is still a map: -0 becomes +0, while the unscaled matrix keeps -0
        FeatureMatrix negZero = FeatureMatrix.copyOf(new float[] {-0f, 1f}, 1, 2);
        dst.clear();
        negZero.gather(new int[] {0}, 0, 1, dst);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(dst.get(0)));
        dst.clear();
        negZero.scaled(1f, 0f).gather(new int[] {0}, 0, 1, dst);
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(dst.get(0)));
        assertEquals("row views show stored values, and this matrix is scaled: gather it, or use rowBytes",
                assertThrows(IllegalStateException.class, () -> negZero.scaled(2, 0).row(0)).getMessage());
    }

    @Test
    void rowByteViewsForEveryTypeFloatViewsForFloat32() throws IOException {
        FeatureMatrix m = FeatureMatrix.map(FIXTURES.resolve("features_f2_gather.npy"));
        byte[] stored = data(FIXTURES.resolve("features_f2_gather.npy"));
        ByteBuffer r = m.rowBytes(17);
        assertEquals(30, r.remaining());
        assertTrue(r.isReadOnly());
        assertEquals(ByteOrder.LITTLE_ENDIAN, r.order());
        byte[] row = new byte[30];
        r.get(r.position(), row);
        assertArrayEquals(Arrays.copyOfRange(stored, 17 * 30, 18 * 30), row);
        assertEquals(Short.toUnsignedInt(r.getShort(r.position() + 10)), 0x7c00); // +inf
        FeatureMatrix.RowViews other = m.views();
        assertEquals(0, other.rowBytes(0).position());
        assertEquals(17 * 30, m.rowBytes(17).position(), "views of another thread do not disturb this one");
        assertEquals("float row views exist for float32 storage, this matrix is FLOAT16: use rowBytes",
                assertThrows(IllegalStateException.class, () -> m.row(0)).getMessage());
        FeatureMatrix f = FeatureMatrix.copyOf(new float[][] {{1, 2}, {3, 4}});
        assertEquals(3f, f.row(1).get());
        assertEquals(4f, f.rowBytes(1).getFloat(12));
        assertThrows(IndexOutOfBoundsException.class, () -> m.rowBytes(40));
    }

    /** A bad index ahead of the copy is refused only when its turn comes: the rows before it are copied. */
    @Test
    void badIndexInsideTheTouchedWindow() {
        int w = 512;
        byte[] data = new byte[10 * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / w * 10 + i % w);
        }
        FeatureMatrix m = FeatureMatrix.copyOf(data, NpyType.INT8, 10, w);
        int[] idx = {9, 8, 7, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        FloatBuffer dst = FloatBuffer.allocate(idx.length * w);
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(idx, 0, idx.length, dst));
        assertEquals(0, dst.position());
        assertArrayEquals(new float[] {90, 91, 80, 81, 70, 71, 0}, new float[] {dst.get(0), dst.get(1), dst.get(w),
            dst.get(w + 1), dst.get(2 * w), dst.get(2 * w + 1), dst.get(3 * w)});
        ByteBuffer raw = ByteBuffer.allocate(idx.length * w);
        int[] late = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 10};
        assertThrows(IndexOutOfBoundsException.class, () -> m.gather(late, 0, late.length, raw));
        assertEquals(0, raw.position());
        assertEquals(10, raw.get(w));
        assertEquals(0, raw.get(10 * w + 1) - 1, "row 0 again, its second value");
        assertThrows(java.nio.BufferOverflowException.class, () -> m.gather(late, 0, 3, ByteBuffer.allocate(5)));
        assertEquals("features must be FLOAT32, FLOAT16, UINT8 or INT8, got INT32", assertThrows(
                IllegalArgumentException.class, () -> FeatureMatrix.copyOf(new byte[8], NpyType.INT32, 4, 2)).getMessage());
        assertEquals("data holds 7 bytes, 2 rows of [2] float16 values need 8 (the number of rows comes first, then the"
                + " sample shape)", assertThrows(IllegalArgumentException.class,
                        () -> FeatureMatrix.copyOf(new byte[7], NpyType.FLOAT16, 2, 2)).getMessage());
        assertEquals("buffer holds 8 bytes, 3 rows of [2] float16 values need 12", assertThrows(IllegalArgumentException.class,
                () -> FeatureMatrix.wrap(ByteBuffer.allocateDirect(8), NpyType.FLOAT16, 3, 2)).getMessage());
    }

    /**
     * The two uint8/int8 kernels (the table of JDK 17 and the bulk loops of JDK 21+, {@link Convert#WIDE})
     * give the same bits for every byte, scaled or not, at any offset and length, a chunk at a time
     * included; both run on whichever JDK runs the tests.
     */
    @Test
    void theTableAndTheWideKernelGiveTheSameBits() {
        byte[] data = new byte[3 * 256 + 11];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + (i >> 8));
        }
        ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        float[][] maps = {{1f, 0f}, {1 / 255f, 0f}, {0.0078125f, -1f}, {-3.7f, 1e-3f}, {1e30f, 5f}};
        for (NpyType type : new NpyType[] {NpyType.UINT8, NpyType.INT8}) {
            for (float[] map : maps) {
                boolean affine = map[0] != 1f || map[1] != 0f;
                float[] table = Convert.byteValues(type, affine, map[0], map[1]);
                for (int[] span : new int[][] {{0, data.length}, {5, 300}, {1, 7}, {13, 0}}) {
                    float[] want = new float[span[1] + 3];
                    float[] got = new float[span[1] + 3];
                    Convert.bytes(le, span[0], span[1], table, want, 3);
                    Convert.bytesWide(le, span[0], span[1], type == NpyType.UINT8, affine, map[0], map[1], new byte[64], got, 3);
                    for (int j = 0; j < want.length; j++) {
                        assertEquals(Float.floatToRawIntBits(want[j]), Float.floatToRawIntBits(got[j]),
                                type + " x " + map[0] + " + " + map[1] + ", span " + Arrays.toString(span) + ", value " + j);
                    }
                }
            }
        }
    }

    /** Rows wider than one conversion tile convert every value, for every type, scaled or not. */
    @Test
    void rowsWiderThanAChunkConvertEveryValue() {
        int d = Gathers.TILE * 2 + 37;
        byte[] data = new byte[3 * d * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37 + (i >> 9));
        }
        ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int[] rows = {2, 0, 1, 2};
        for (NpyType type : new NpyType[] {NpyType.FLOAT32, NpyType.FLOAT16, NpyType.UINT8, NpyType.INT8}) {
            byte[] stored = Arrays.copyOf(data, 3 * d * type.size());
            FeatureMatrix m = FeatureMatrix.copyOf(stored, type, 3, d);
            for (boolean scaled : new boolean[] {false, true}) {
                FeatureMatrix g = scaled ? m.scaled(0.75f, -3f) : m;
                FloatBuffer dst = BatchBuffers.floats(rows.length * d);
                g.gather(rows, 0, rows.length, dst);
                for (int i = 0; i < rows.length; i++) {
                    for (int j = 0; j < d; j++) {
                        int e = rows[i] * d + j;
                        float x = type == NpyType.FLOAT32 ? le.getFloat(e * 4)
                                : type == NpyType.FLOAT16 ? Convert.halfToFloat(le.getShort(e * 2))
                                : type == NpyType.UINT8 ? data[e] & 0xff : data[e];
                        float want = scaled ? x * 0.75f + -3f : x;
                        if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(dst.get(i * d + j))) {
                            assertEquals(want, dst.get(i * d + j), type + (scaled ? " scaled" : "") + ", entry " + i + ", value " + j);
                        }
                    }
                }
            }
        }
    }

    @Test
    void refusesOtherStoredTypes() {
        assertEquals("features must be float32, float16, uint8 or int8 ('<f4', '<f2', '|u1', '|i1'), got '<i4'",
                assertThrows(NpyException.class, () -> FeatureMatrix.map(FIXTURES.resolve("labels_i4.npy"))).problem());
    }

    /** Over 2 GiB of uint8: a sparse file with known rows around the region boundary and at the end. */
    @Test
    void readsUint8FilesLargerThanTwoGibFromASparseFile() throws IOException {
        Path file = dir.resolve("big_u1.npy");
        int d = 1000;
        long rows = 2_400_000; // 2.4 GB of uint8
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + rows + ", " + d + "), }";
        StringBuilder h = new StringBuilder(dict);
        while ((10 + h.length() + 1) % 128 != 0) {
            h.append(' ');
        }
        h.append('\n');
        long perRegion = Integer.MAX_VALUE / d;
        long[] known = {0, perRegion - 1, perRegion, perRegion + 1, rows - 2, rows - 1};
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length(), (byte) (h.length() >> 8)});
            f.write(h.toString().getBytes(StandardCharsets.US_ASCII));
            f.setLength(128 + rows * d);
            for (long r : known) {
                f.seek(128 + r * d);
                f.write((int) (r % 251) + 1);
                f.seek(128 + r * d + d - 1);
                f.write(255 - (int) (r % 251));
            }
        }
        assertTrue(Files.size(file) > (1L << 31));
        FeatureMatrix m = FeatureMatrix.map(file);
        assertEquals(rows, m.rows());
        assertEquals(rows * d, m.byteSize());
        for (long r : known) {
            ByteBuffer v = m.rowBytes((int) r);
            assertEquals((r % 251) + 1, v.get(v.position()) & 0xff, "row " + r);
            assertEquals(255 - (r % 251), v.get(v.position() + d - 1) & 0xff, "row " + r);
        }
        int[] batch = {(int) (rows - 1), (int) perRegion, 0, (int) (perRegion - 1), (int) perRegion + 1};
        FloatBuffer dst = BatchBuffers.floats(batch.length * d);
        ByteBuffer raw = BatchBuffers.bytes(batch.length * d);
        m.scaled(0.5f, 0f).gather(batch, 0, batch.length, dst);
        m.gather(batch, 0, batch.length, raw);
        for (int i = 0; i < batch.length; i++) {
            assertEquals(((batch[i] % 251) + 1) * 0.5f, dst.get(i * d), "row " + batch[i]);
            assertEquals((255 - (batch[i] % 251)) * 0.5f, dst.get(i * d + d - 1), "row " + batch[i]);
            assertEquals(0f, dst.get(i * d + 1));
            assertEquals((batch[i] % 251) + 1, raw.get(i * d) & 0xff);
            assertEquals(255 - (batch[i] % 251), raw.get(i * d + d - 1) & 0xff);
        }
    }

    /** The data bytes of a .npy file (after its header). */
    static byte[] data(Path npy) throws IOException {
        byte[] all = Files.readAllBytes(npy);
        int off = (int) NpyHeader.read(npy).dataOffset();
        return Arrays.copyOfRange(all, off, all.length);
    }

    private static int[] ints(byte[] le) {
        int[] out = new int[le.length / 4];
        ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }

    private static int[] bits(FloatBuffer b, int n) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Float.floatToRawIntBits(b.get(i));
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.position()];
        b.get(0, out);
        return out;
    }
}
