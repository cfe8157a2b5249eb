package io.github.balancedbatch.npy;

import static io.github.balancedbatch.npy.NpyHeaderTest.assertRefusal;
import static io.github.balancedbatch.npy.NpyTestFiles.fixture;
import static io.github.balancedbatch.npy.NpyTestFiles.npy;
import static io.github.balancedbatch.npy.NpyTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NpyLabelsTest {
    /** Mirrors CANDIDATES in make_fixtures.py. */
    private static final long[] CANDIDATES = {-5, 7, 1000000, 0, 3, 7, 2};

    @TempDir
    Path dir;

    static NpyException refused(Path file, String problem) {
        NpyException e = assertThrows(NpyException.class, () -> NpyLabels.read(file));
        assertRefusal(e, file, problem);
        return e;
    }

    /** The values make_fixtures.py writes for an integer type with range [min, max]. */
    private static int[] expected(long min, long max) {
        IntStream kept = java.util.Arrays.stream(CANDIDATES).filter(v -> v >= min && v <= max).mapToInt(v -> (int) v);
        return IntStream.concat(kept, IntStream.of((int) Math.max(min, Integer.MIN_VALUE),
                (int) Math.min(max, Integer.MAX_VALUE))).toArray();
    }

    @ParameterizedTest
    @CsvSource({
        "labels_i1.npy, -128, 127",
        "labels_u1.npy, 0, 255",
        "labels_i2.npy, -32768, 32767",
        "labels_u2.npy, 0, 65535",
        "labels_i4.npy, -2147483648, 2147483647",
        "labels_u4.npy, 0, 4294967295",
        "labels_i8.npy, -9223372036854775808, 9223372036854775807",
    })
    void readsPlainLabelsOfEveryIntegerType(String name, long min, long max) throws IOException {
        NpyLabels l = NpyLabels.read(fixture(name));
        int[] want = expected(min, max);
        assertArrayEquals(want, l.labels());
        assertFalse(l.oneHot());
        assertEquals(-1, l.width());
        assertEquals(want.length, l.rows());
    }

    @Test
    void fixtureSpotChecks() throws IOException {
        assertArrayEquals(new int[] {-5, 7, 0, 3, 7, 2, -128, 127}, NpyLabels.read(fixture("labels_i1.npy")).labels());
        assertArrayEquals(new int[] {-5, 7, 1000000, 0, 3, 7, 2, Integer.MIN_VALUE, Integer.MAX_VALUE},
                NpyLabels.read(fixture("labels_i8.npy")).labels());
    }

    @Test
    void labelsIsTheBackingArray() throws IOException {
        NpyLabels l = NpyLabels.read(fixture("labels_i4.npy"));
        assertSame(l.labels(), l.labels());
    }

    @Test
    void readsVersions2And3() throws IOException {
        int[] want = {3, 1, 4, 1, 5, 9, 2, 6};
        assertArrayEquals(want, NpyLabels.read(fixture("labels_i4_v2.npy")).labels());
        assertArrayEquals(want, NpyLabels.read(fixture("labels_i4_v3.npy")).labels());
    }

    @Test
    void readsOneHotFloat32() throws IOException {
        NpyLabels l = NpyLabels.read(fixture("onehot_f4.npy"));
        assertTrue(l.oneHot());
        assertEquals(4, l.width());
        assertEquals(6, l.rows());
        assertArrayEquals(new int[] {0, 2, 1, 2, 0, 3}, l.labels());
    }

    @Test
    void readsOneHotWithEmptyColumns() throws IOException {
        NpyLabels f8 = NpyLabels.read(fixture("onehot_f8_empty_col.npy"));
        assertTrue(f8.oneHot());
        assertEquals(5, f8.width());
        assertArrayEquals(new int[] {0, 1, 4, 2, 0, 1}, f8.labels());
        NpyLabels i4 = NpyLabels.read(fixture("onehot_i4_empty_col.npy"));
        assertTrue(i4.oneHot());
        assertEquals(6, i4.width());
        assertArrayEquals(new int[] {4, 0, 0, 2, 1}, i4.labels());
    }

    @Test
    void readsOneHotOfSmallIntegerTypesAndNegativeZero() throws IOException {
        Path u1 = write(dir, "u1.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }",
                new byte[] {0, 0, 1, 1, 0, 0}));
        assertArrayEquals(new int[] {2, 0}, NpyLabels.read(u1).labels());
        Path negZero = write(dir, "nz.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }",
                NpyTestFiles.floats(-0.0f, 1f)));
        assertArrayEquals(new int[] {1}, NpyLabels.read(negZero).labels());
    }

    // ---- refusals

    @Test
    void refusesOutOfIntRange() {
        refused(fixture("labels_i8_out_of_range.npy"), "row 12: int64 value 4294967296 is outside the int range");
        refused(fixture("labels_u4_out_of_range.npy"), "row 3: uint32 value 4294967295 is outside the int range");
    }

    @Test
    void refusesFloat16Labels() {
        refused(fixture("float16.npy"), "dtype '<f2' (float16) cannot hold labels;"
                + " expected integers, or a float32/float64 one-hot matrix");
    }

    @Test
    void refusesNoLabels() {
        refused(fixture("labels_empty.npy"), "no labels: the array of shape (0,) is empty");
        Path empty2d = write(dir, "e.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", new byte[0]));
        refused(empty2d, "no labels");
    }

    @Test
    void refusesWrongRanks() {
        refused(fixture("scalar_0d.npy"), "0-d array (shape ()) cannot hold labels");
        refused(fixture("features_f4_5x2x3.npy"), "3-D array of shape (5, 2, 3) cannot hold labels");
    }

    @Test
    void refusesOneHotWithoutColumns() {
        refused(fixture("onehot_f4_no_cols.npy"), "one-hot matrix of shape (3, 0) has 0 columns");
    }

    @Test
    void refusesOneDimensionalFloats() {
        refused(fixture("labels_f4_1d.npy"), "1-D labels must be integers, but the dtype is <f4");
    }

    @Test
    void refusesBadOneHotRows() {
        refused(fixture("onehot_f4_two_hot.npy"), "row 3 of the one-hot matrix has 2 non-zero entries");
        refused(fixture("onehot_f4_zero_row.npy"), "row 1 of the one-hot matrix has no non-zero entry");
        refused(fixture("onehot_f4_nan.npy"), "row 2, column 3 of the one-hot matrix is NaN");
        refused(fixture("onehot_f4_half.npy"), "row 4, column 0 of the one-hot matrix is 0.5; expected 0 or 1");
        Path i4 = write(dir, "i.npy", npy("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), }",
                NpyTestFiles.ints(0, 1, 2, 0)));
        refused(i4, "row 1, column 0 of the one-hot matrix is 2; expected 0 or 1");
        refused(fixture("features_f4_6x4.npy"), "row 0, column 1 of the one-hot matrix is 0.25; expected 0 or 1");
    }

    @Test
    void refusesWhatTheHeaderRefuses() {
        refused(fixture("fortran_f4.npy"), "Fortran-ordered arrays are not supported");
        refused(fixture("bigendian_i4.npy"), "big-endian");
        refused(fixture("object.npy"), "dtype '|O' is not supported");
    }

    @Test
    void refusesMoreRowsThanAnArrayHolds() throws IOException {
        long rows = (long) NpyLabels.MAX_ROWS + 1;
        byte[] header = npy("{'descr': '|i1', 'fortran_order': False, 'shape': (" + rows + ",), }", new byte[0]);
        Path f = write(dir, "huge.npy", header);
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(header.length + rows); // sparse: no disk space is used
        }
        assertEquals(rows, NpyHeader.read(f).elementCount());
        refused(f, rows + " rows is more than the " + NpyLabels.MAX_ROWS + " supported");
    }

    // ---- chunk boundaries (files larger than one 1 MiB read buffer)

    @Test
    void readsPlainLabelsAcrossChunks() throws IOException {
        int n = NpyLabels.CHUNK_BYTES / 4 * 2 + 12345;
        int[] want = new int[n];
        for (int i = 0; i < n; i++) {
            want[i] = (int) ((i * 2654435761L) % 1000) - 500;
        }
        Path f = dir.resolve("big.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.INT32, n)) {
            w.write(want, 0, n);
            w.commit();
        }
        assertArrayEquals(want, NpyLabels.read(f).labels());
    }

    @Test
    void readsOneHotRowsThatStraddleChunks() throws IOException {
        int width = 7; // 262144 floats per chunk is not a multiple of 7
        int rows = NpyLabels.CHUNK_BYTES / 4 / width * 2 + 99;
        int[] want = new int[rows];
        float[] row = new float[width];
        Path f = dir.resolve("onehot.npy");
        try (NpyWriter w = NpyWriter.create(f, NpyType.FLOAT32, rows, width)) {
            for (int r = 0; r < rows; r++) {
                want[r] = (r * 31) % width;
                java.util.Arrays.fill(row, 0f);
                row[want[r]] = 1f;
                w.write(row, 0, width);
            }
            w.commit();
        }
        NpyLabels l = NpyLabels.read(f);
        assertEquals(width, l.width());
        assertArrayEquals(want, l.labels());
    }
}
