package io.github.balancedbatch.npy;

import static io.github.balancedbatch.npy.NpyTestFiles.bytes;
import static io.github.balancedbatch.npy.NpyTestFiles.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NpyWriterTest {
    @TempDir
    Path dir;

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }

    private static int[] readInts(Path f, NpyHeader h) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) h.dataOffset());
        int[] out = new int[(int) h.elementCount()];
        b.asIntBuffer().get(out);
        return out;
    }

    private static float[] readFloats(Path f, NpyHeader h) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        b.position((int) h.dataOffset());
        float[] out = new float[(int) h.elementCount()];
        b.asFloatBuffer().get(out);
        return out;
    }

    // ---- byte-identical to numpy

    @Test
    void int32MatrixIsByteIdenticalToNumpy() throws IOException {
        int[] v = new int[12];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 3 - 5; // arange_i4_3x4.npy
        }
        Path f = dir.resolve("a.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, 3, 4)) {
            w.write(v, 0, 5);
            w.write(v, 5, 7);
            w.commit();
        }
        assertArrayEquals(bytes(fixture("arange_i4_3x4.npy")), bytes(f));
    }

    @Test
    void float32FilesAreByteIdenticalToNumpy() throws IOException {
        float[] a = new float[24];
        for (int i = 0; i < a.length; i++) {
            a[i] = i * 0.25f; // features_f4_6x4.npy
        }
        Path f = dir.resolve("f.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.FLOAT32, 6, 4)) {
            w.write(FloatBuffer.wrap(a));
            w.commit();
        }
        assertArrayEquals(bytes(fixture("features_f4_6x4.npy")), bytes(f));

        float[] b = new float[30];
        for (int i = 0; i < b.length; i++) {
            b[i] = (i - 7) * 0.5f; // features_f4_5x2x3.npy
        }
        Path g = dir.resolve("g.npy");
        try (NpyWriter w = NpyWriter.create(g, NpyType.FLOAT32, 5, 2, 3)) {
            w.write(b, 0, b.length);
            w.commit();
        }
        assertArrayEquals(bytes(fixture("features_f4_5x2x3.npy")), bytes(g));
    }

    @Test
    void fixtureValuesMatchTheirFormulas() throws IOException {
        Path f = fixture("features_f4_5x2x3.npy");
        float[] got = readFloats(f, NpyHeader.read(f));
        for (int i = 0; i < got.length; i++) {
            assertEquals((i - 7) * 0.5f, got[i]);
        }
        Path g = fixture("arange_i4_3x4.npy");
        int[] ints = readInts(g, NpyHeader.read(g));
        for (int i = 0; i < ints.length; i++) {
            assertEquals(i * 3 - 5, ints[i]);
        }
    }

    @Test
    void headerTextIsNumpys() {
        byte[] h = NpyWriter.header(NpyType.INT32, new long[] {3, 4});
        String text = new String(h, 10, h.length - 10, java.nio.charset.StandardCharsets.US_ASCII);
        assertTrue(text.startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (3, 4), } "), text);
        assertTrue(text.endsWith(" \n"));
        assertTrue(new String(NpyWriter.header(NpyType.FLOAT32, new long[] {5}), java.nio.charset.StandardCharsets.US_ASCII)
                .contains("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }"));
        assertTrue(new String(NpyWriter.header(NpyType.INT32, new long[0]), java.nio.charset.StandardCharsets.US_ASCII)
                .contains("'shape': (), }"));
    }

    // ---- round trips

    @Test
    void roundTripsShapesAndAlignsData() throws IOException {
        long[][] shapes = {{}, {0}, {1}, {5}, {3, 4}, {2, 3, 5}, {0, 7}, {1, 1, 1, 1, 1, 1, 1, 1},
            {123456789012345L, 0}};
        for (long[] shape : shapes) {
            Path f = dir.resolve("s.npy");
            NpyHeader h;
            try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, shape)) {
                long n = 1;
                for (long d : shape) {
                    n *= d;
                }
                int[] v = new int[(int) n];
                for (int i = 0; i < v.length; i++) {
                    v[i] = -i * 7;
                }
                w.write(v, 0, v.length);
                assertEquals(n, w.written());
                w.commit();
                h = NpyHeader.read(f);
                assertArrayEquals(v, readInts(f, h));
            }
            assertArrayEquals(shape, h.shape());
            assertEquals(NpyType.INT32, h.type());
            assertEquals(1, h.majorVersion());
            assertEquals(0, h.dataOffset() % 64, () -> h.toString());
        }
    }

    @Test
    void roundTripsThroughBuffersLargerThanTheInternalBuffer() throws IOException {
        int n = NpyWriter.BUFFER_BYTES / 4 * 3 + 17;
        IntBuffer src = ByteBuffer.allocateDirect(n * 4 + 8).order(ByteOrder.BIG_ENDIAN).asIntBuffer();
        for (int i = 0; i < src.capacity(); i++) {
            src.put(i, i ^ 0x5a5a5a5a);
        }
        src.position(1).limit(n + 1);
        Path f = dir.resolve("b.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, n)) {
            w.write(src);
            assertEquals(n + 1, src.position());
            assertEquals(n + 1, src.limit());
            w.commit();
        }
        NpyHeader h = NpyHeader.read(f);
        int[] got = readInts(f, h);
        for (int i = 0; i < n; i++) {
            assertEquals((i + 1) ^ 0x5a5a5a5a, got[i]);
        }
        assertArrayEquals(got, NpyLabels.read(f).labels());
    }

    @Test
    void float32RoundTripMixingArraysAndBuffers() throws IOException {
        float[] v = new float[2 * 3 * 5];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.sin(i) * 1e6f;
        }
        v[3] = Float.NaN;
        v[4] = Float.NEGATIVE_INFINITY;
        Path f = dir.resolve("m.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.FLOAT32, 2, 3, 5)) {
            w.write(v, 0, 10);
            FloatBuffer mid = FloatBuffer.wrap(v, 10, 10);
            w.write(mid);
            assertFalse(mid.hasRemaining());
            w.write(v, 20, 10);
            w.commit();
        }
        NpyHeader h = NpyHeader.read(f);
        assertArrayEquals(new long[] {2, 3, 5}, h.shape());
        assertArrayEquals(v, readFloats(f, h));
    }

    @Test
    void hugeRankSwitchesToVersion2() throws IOException {
        long[] shape = new long[30000];
        java.util.Arrays.fill(shape, 1);
        Path f = dir.resolve("v2.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, shape)) {
            w.write(new int[] {42}, 0, 1);
            w.commit();
        }
        NpyHeader h = NpyHeader.read(f);
        assertEquals(2, h.majorVersion());
        assertEquals(30000, h.rank());
        assertEquals(0, h.dataOffset() % 64);
        assertTrue(h.dataOffset() > 65535);
    }

    // ---- misuse

    /** Stored bytes of any type make the file numpy writes for them, byte for byte. */
    @ParameterizedTest
    @CsvSource({"f2, FLOAT16", "u1, UINT8", "i1, INT8"})
    void writesStoredBytesOfAnyTypeLikeNumpy(String name, NpyType type) throws IOException {
        Path expected = NpyTestFiles.fixture("expected_" + name + "_raw.npy");
        NpyHeader h = NpyHeader.read(expected);
        byte[] all = Files.readAllBytes(expected);
        Path f = dir.resolve("x.npy");
        try (NpyWriter w = NpyWriter.create(f, type, 12, 3, 5)) {
            ByteBuffer data = ByteBuffer.allocateDirect(all.length - (int) h.dataOffset());
            data.put(0, all, (int) h.dataOffset(), data.capacity());
            data.limit(30 * type.size());
            w.write(data);
            assertEquals(data.limit(), data.position());
            data.limit(data.capacity());
            w.write(data);
            assertThrows(IllegalStateException.class, () -> w.write(new float[1], 0, 1));
            w.commit();
        }
        assertArrayEquals(all, Files.readAllBytes(f));
        try (NpyWriter w = NpyWriter.create(dir.resolve("y.npy"), NpyType.FLOAT16, 2)) {
            assertEquals("3 bytes are not whole FLOAT16 elements of 2 bytes",
                    assertThrows(IllegalArgumentException.class, () -> w.write(ByteBuffer.allocate(3))).getMessage());
            assertThrows(IllegalStateException.class, () -> w.write(ByteBuffer.allocate(6)));
            assertEquals(0, w.written());
        }
    }

    @Test
    void refusesBadShapes() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.create(dir.resolve("x.npy"), NpyType.INT32, 3, -1));
        assertTrue(e.getMessage().contains("negative dimension -1"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.create(dir.resolve("x.npy"), NpyType.INT32, 1L << 32, 1L << 32));
        assertThrows(IllegalArgumentException.class,
                () -> NpyWriter.create(dir.resolve("x.npy"), NpyType.FLOAT32, 1L << 62));
        assertEquals(List.of(), listing());
    }

    @Test
    void typeMismatchIsIllegalState() throws IOException {
        try (NpyWriter w = NpyWriter.create(dir.resolve("i.npy"), NpyType.INT32, 4)) {
            assertThrows(IllegalStateException.class, () -> w.write(new float[4], 0, 4));
            assertThrows(IllegalStateException.class, () -> w.write(FloatBuffer.allocate(4)));
            assertEquals(0, w.written());
        }
        try (NpyWriter w = NpyWriter.create(dir.resolve("f.npy"), NpyType.FLOAT32, 4)) {
            assertThrows(IllegalStateException.class, () -> w.write(new int[4], 0, 4));
            assertThrows(IllegalStateException.class, () -> w.write(IntBuffer.allocate(4)));
        }
    }

    @Test
    void writingPastTheShapeIsIllegalStateAndWritesNothing() throws IOException {
        try (NpyWriter w = NpyWriter.create(dir.resolve("i.npy"), NpyType.INT32, 2, 2)) {
            w.write(new int[3], 0, 3);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> w.write(new int[2], 0, 2));
            assertTrue(e.getMessage().contains("holds 4"), e.getMessage());
            IntBuffer two = IntBuffer.allocate(2);
            assertThrows(IllegalStateException.class, () -> w.write(two));
            assertEquals(0, two.position());
            assertEquals(3, w.written());
            w.write(new int[] {9}, 0, 1);
            w.commit();
        }
    }

    @Test
    void badArrayRangeIsIndexOutOfBounds() throws IOException {
        try (NpyWriter w = NpyWriter.create(dir.resolve("i.npy"), NpyType.INT32, 10)) {
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(new int[3], 2, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> w.write(new int[3], -1, 1));
            assertEquals(0, w.written());
        }
    }

    @Test
    void usingACommittedOrClosedWriterIsIllegalState() throws IOException {
        NpyWriter w = NpyWriter.create(dir.resolve("i.npy"), NpyType.INT32, 1);
        w.write(new int[1], 0, 1);
        w.commit();
        assertThrows(IllegalStateException.class, () -> w.write(new int[1], 0, 0));
        assertThrows(IllegalStateException.class, w::commit);
        w.close();
        NpyWriter v = NpyWriter.create(dir.resolve("j.npy"), NpyType.INT32, 1);
        v.close();
        assertThrows(IllegalStateException.class, () -> v.write(new int[1], 0, 1));
        assertThrows(IllegalStateException.class, v::commit);
    }

    // ---- atomicity

    @Test
    void commitReplacesAnExistingFileAndLeavesNoTempFile() throws IOException {
        Path f = dir.resolve("t.npy");
        Files.writeString(f, "old content");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, 2)) {
            assertEquals(2, listing().size()); // target + temp
            w.write(new int[] {1, 2}, 0, 2);
            assertEquals("old content", Files.readString(f));
            w.commit();
        }
        assertArrayEquals(new int[] {1, 2}, NpyLabels.read(f).labels());
        assertEquals(List.of("t.npy"), listing());
    }

    @Test
    void closeWithoutCommitLeavesExistingTargetByteIdentical() throws IOException {
        Path f = dir.resolve("t.npy");
        byte[] before = bytes(fixture("labels_i4.npy"));
        Files.write(f, before);
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, 1000)) {
            w.write(new int[999], 0, 999);
        }
        assertArrayEquals(before, bytes(f));
        assertEquals(List.of("t.npy"), listing());
    }

    @Test
    void closeWithoutCommitLeavesAbsentTargetAbsent() throws IOException {
        Path f = dir.resolve("t.npy");
        NpyWriter w = NpyWriter.create(f, NpyType.FLOAT32, 3);
        w.write(new float[3], 0, 3);
        w.close();
        w.close(); // twice is safe
        assertFalse(Files.exists(f));
        assertEquals(List.of(), listing());
    }

    @Test
    void failedCommitLeavesNoTargetAndNoTempFile() throws IOException {
        Path f = dir.resolve("t.npy");
        NpyWriter w = NpyWriter.create(f, NpyType.INT32, 3, 4);
        w.write(new int[11], 0, 11);
        IOException e = assertThrows(IOException.class, w::commit);
        assertTrue(e.getMessage().contains("expected 12 elements for shape (3, 4), but 11 were written"),
                e.getMessage());
        assertFalse(Files.exists(f));
        assertEquals(List.of(), listing());
        assertDoesNotThrow(w::close);
    }

    @Test
    void failedCommitLeavesExistingTargetUntouched() throws IOException {
        Path f = dir.resolve("t.npy");
        Files.writeString(f, "keep me");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, 3)) {
            assertThrows(IOException.class, w::commit);
        }
        assertEquals("keep me", Files.readString(f));
        assertEquals(List.of("t.npy"), listing());
    }

    @Test
    void readersNeverSeeAPartialFile() throws IOException {
        Path f = dir.resolve("t.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, NpyWriter.BUFFER_BYTES)) {
            int[] chunk = new int[NpyWriter.BUFFER_BYTES / 2];
            w.write(chunk, 0, chunk.length);
            assertFalse(Files.exists(f));
            w.write(chunk, 0, chunk.length);
            assertFalse(Files.exists(f));
            w.commit();
        }
        try (FileChannel ch = FileChannel.open(f)) {
            assertEquals(NpyHeader.read(f).dataOffset() + 4L * NpyWriter.BUFFER_BYTES, ch.size());
        }
    }

    @Test
    void publishedFileHasDefaultPermissions() throws IOException {
        Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path reference = Files.createFile(dir.resolve("reference"));
        Path f = dir.resolve("t.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, 0)) {
            w.commit();
        }
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(f));
    }
}
