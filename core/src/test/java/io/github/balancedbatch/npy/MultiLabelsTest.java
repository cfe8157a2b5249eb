package io.github.balancedbatch.npy;

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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiLabelsTest {
    /** The labels of make_fixtures.py's multi-hot fixtures, M there: a (5, 4) matrix. */
    private static final int[][] M = {{0, 2}, {1}, {0, 1, 2, 3}, {3}, {1, 3}};
    private static final int[] M_OFFSETS = {0, 2, 3, 7, 8, 10};
    private static final int[] M_COLUMNS = {0, 2, 1, 0, 1, 2, 3, 3, 1, 3};

    @TempDir
    Path dir;

    /** Asserts that {@link MultiLabels#read} refuses {@code file} with exactly {@code problem}. */
    static void refused(Path file, String problem) {
        NpyException e = assertThrows(NpyException.class, () -> MultiLabels.read(file));
        assertEquals(file, e.file());
        assertEquals(problem, e.problem());
        assertEquals(file + ": " + problem, e.getMessage());
    }

    /** The (rows, width) multi-hot matrix whose row r has a 1 in each column of {@code m[r]}, as numbers. */
    private static double[] matrix(int[][] m, int width) {
        double[] cells = new double[m.length * width];
        for (int r = 0; r < m.length; r++) {
            for (int c : m[r]) {
                cells[r * width + c] = 1;
            }
        }
        return cells;
    }

    /** Little-endian bytes of {@code cells} in the dtype {@code descr}. */
    private static byte[] encode(String descr, double... cells) {
        int size = Integer.parseInt(descr.substring(2));
        ByteBuffer b = ByteBuffer.allocate(cells.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : cells) {
            switch (descr) {
                case "|u1", "|i1", "|b1" -> b.put((byte) v);
                case "<i2" -> b.putShort((short) v);
                case "<i4" -> b.putInt((int) v);
                case "<i8" -> b.putLong((long) v);
                case "<f4" -> b.putFloat((float) v);
                case "<f8" -> b.putDouble(v);
                case "<u2" -> b.putShort((short) v);
                case "<u4" -> b.putInt((int) v);
                default -> throw new IllegalArgumentException(descr);
            }
        }
        return b.array();
    }

    private Path matrixFile(String name, String descr, int rows, int cols, double... cells) {
        String shape = "(" + rows + ", " + cols + ")";
        return write(dir, name, npy("{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }",
                encode(descr, cells)));
    }

    private static void assertCsr(MultiLabels l, int[] offsets, int[] labels, int width) {
        assertArrayEquals(offsets, l.sampleOffsets());
        assertArrayEquals(labels, l.labels());
        assertEquals(width, l.width());
        assertEquals(offsets.length - 1, l.sampleCount());
        assertEquals(width != -1, l.multiHot());
    }

    @Test
    void readsNumpyMultiHotFixtures() throws IOException {
        assertCsr(MultiLabels.read(fixture("multihot_u1.npy")), M_OFFSETS, M_COLUMNS, 4);
        assertCsr(MultiLabels.read(fixture("multihot_b1.npy")), M_OFFSETS, M_COLUMNS, 4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"|u1", "|b1", "|i1", "<i2", "<i4", "<i8", "<f4"})
    void readsEveryMultiHotType(String descr) throws IOException {
        Path file = matrixFile("m.npy", descr, 5, 4, matrix(M, 4));
        assertCsr(MultiLabels.read(file), M_OFFSETS, M_COLUMNS, 4);
        assertCsr(MultiLabels.readNpy(file), M_OFFSETS, M_COLUMNS, 4);
    }

    @Test
    void pinsTheCsrOfASmallMatrix() throws IOException {
        // sample 0: {1, 2}; sample 1: {0}; sample 2: {0, 1, 2}
        Path file = matrixFile("small.npy", "<f4", 3, 3, 0, 1, 1, 1, 0, 0, 1, 1, 1);
        MultiLabels l = MultiLabels.read(file);
        assertCsr(l, new int[] {0, 2, 3, 6}, new int[] {1, 2, 0, 0, 1, 2}, 3);
        assertSame(l.labels(), l.labels());
        assertSame(l.sampleOffsets(), l.sampleOffsets());
        // -0.0 is zero; one column and one row are matrices too
        assertCsr(MultiLabels.read(matrixFile("neg0.npy", "<f4", 2, 2, -0.0, 1, 1, -0.0)),
                new int[] {0, 1, 2}, new int[] {1, 0}, 2);
        assertCsr(MultiLabels.read(matrixFile("col.npy", "|u1", 2, 1, 1, 1)), new int[] {0, 1, 2}, new int[] {0, 0}, 1);
        assertCsr(MultiLabels.read(matrixFile("row.npy", "|b1", 1, 3, 1, 0, 1)), new int[] {0, 2}, new int[] {0, 2}, 3);
    }

    @Test
    void readsAMatrixLargerThanOneChunk() throws IOException {
        int rows = 300_000;
        int cols = 7; // 2.1 MB of uint8: three chunks, rows straddling their ends
        byte[] cells = new byte[rows * cols];
        for (int r = 0; r < rows; r++) {
            cells[r * cols + r % cols] = 1;
            cells[r * cols + (r * 3 + 1) % cols] = 1;
        }
        Path file = write(dir, "big.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (" + rows + ", "
                + cols + "), }", cells));
        MultiLabels l = MultiLabels.read(file);
        assertEquals(rows, l.sampleCount());
        for (int r = 0; r < rows; r++) {
            int a = r % cols;
            int b = (r * 3 + 1) % cols;
            int[] want = a == b ? new int[] {a} : new int[] {Math.min(a, b), Math.max(a, b)};
            int from = l.sampleOffsets()[r];
            assertEquals(want.length, l.sampleOffsets()[r + 1] - from, "row " + r);
            for (int k = 0; k < want.length; k++) {
                assertEquals(want[k], l.labels()[from + k], "row " + r);
            }
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "|u1; 2; 2", "|b1; 2; 2", "|i1; 2; 2", "<i2; 2; 2", "<i4; 2; 2", "<i8; 2; 2", "<f4; 2; 2.0",
        "|i1; -1; -1", "<i2; -1; -1", "<i4; -1; -1", "<i8; -1; -1", "<f4; -1; -1.0", "|u1; 255; 255",
        "<f4; 0.5; 0.5", "<f4; NaN; NaN", "<i8; 4294967297; 4294967297",
    })
    void refusesValuesOtherThan0And1(String descr, double value, String shown) {
        double[] cells = matrix(M, 4);
        cells[2 * 4 + 3] = value; // row 2, column 3
        refused(matrixFile("bad.npy", descr, 5, 4, cells),
                "row 2, column 3 of the multi-hot matrix is " + shown + "; expected 0 or 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"|u1", "|b1", "<i4", "<f4"})
    void refusesARowWithoutALabel(String descr) {
        double[] cells = matrix(M, 4);
        java.util.Arrays.fill(cells, 3 * 4, 4 * 4, 0); // row 3
        refused(matrixFile("zero.npy", descr, 5, 4, cells),
                "sample 3 holds no label (row 3 of the multi-hot matrix is all zeros)");
    }

    @Test
    void refusesEmptyMatricesAndOtherRanks() {
        refused(matrixFile("no_rows.npy", "|u1", 0, 4), "no samples: the multi-hot matrix of shape (0, 4) is empty");
        refused(matrixFile("no_cols.npy", "|u1", 3, 0), "multi-hot matrix of shape (3, 0) has 0 columns");
        refused(matrixFile("nothing.npy", "|u1", 0, 0), "multi-hot matrix of shape (0, 0) has 0 columns");
        refused(fixture("labels_i4.npy"), "1-D array of shape (9,) is not a multi-hot matrix; expected a multi-hot"
                + " matrix of shape (N, C) (LabelFiles.read reads one label per sample)");
        refused(fixture("bool.npy"), "1-D array of shape (3,) is not a multi-hot matrix; expected a multi-hot"
                + " matrix of shape (N, C) (LabelFiles.read reads one label per sample)");
        refused(fixture("features_f4_5x2x3.npy"),
                "3-D array of shape (5, 2, 3) is not a multi-hot matrix; expected a multi-hot matrix of shape (N, C)");
        refused(fixture("scalar_0d.npy"),
                "0-d array (shape ()) is not a multi-hot matrix; expected a multi-hot matrix of shape (N, C)");
    }

    @Test
    void refusesOtherDtypesAndWhatTheHeaderRefuses() {
        String types = "; expected uint8, bool, int8/16/32/64 or float32"
                + " ('|u1', '|b1', '|i1', '<i2', '<i4', '<i8', '<f4')";
        refused(matrixFile("f8.npy", "<f8", 1, 2, 0, 1), "dtype '<f8' (float64) is not supported for a multi-hot matrix" + types);
        refused(matrixFile("u2.npy", "<u2", 1, 2, 0, 1), "dtype '<u2' (uint16) is not supported for a multi-hot matrix" + types);
        refused(matrixFile("u4.npy", "<u4", 1, 2, 0, 1), "dtype '<u4' (uint32) is not supported for a multi-hot matrix" + types);
        Path u8 = write(dir, "u8.npy", npy("{'descr': '<u8', 'fortran_order': False, 'shape': (1, 2), }", new byte[16]));
        refused(u8, "dtype '<u8' is not supported; a multi-hot matrix must be uint8, bool, int8/16/32/64 or float32"
                + " ('|u1', '|b1', '|i1', '<i2', '<i4', '<i8', '<f4')");
        refused(fixture("fortran_f4.npy"), "Fortran-ordered arrays are not supported");
        refused(fixture("bigendian_i4.npy"), "dtype '>i4' is big-endian; only little-endian is supported");
        refused(write(dir, "cut.npy", java.util.Arrays.copyOf(NpyTestFiles.bytes(fixture("multihot_u1.npy")), 140)),
                "truncated: data is 12 bytes, the header's shape (5, 4) of |u1 needs 20");
    }

    @Test
    void boolIsAcceptedOnlyByTheMultiLabelReader() throws IOException {
        Path bool = fixture("multihot_b1.npy");
        NpyHeaderTest.refused(bool, "dtype '|b1' is not supported");
        NpyLabelsTest.refused(bool, "dtype '|b1' is not supported");
        try (FileChannel ch = FileChannel.open(bool, StandardOpenOption.READ)) {
            NpyHeader h = NpyHeader.readAllowingBool(bool, ch);
            assertTrue(h.bool());
            assertEquals(NpyType.UINT8, h.type());
            assertTrue(h.toString().contains("|b1 (5, 4)"), h.toString());
        }
        try (FileChannel ch = FileChannel.open(fixture("multihot_u1.npy"), StandardOpenOption.READ)) {
            assertFalse(NpyHeader.readAllowingBool(fixture("multihot_u1.npy"), ch).bool());
        }
    }

    @Test
    void readsTextWithSeveralLabelsPerLine() throws IOException {
        Path text = Files.writeString(dir.resolve("labels.txt"), "\uFEFF3 1\n  7 \n-2\t5  \t 3\n+4 0012\n1000000\n\n\n");
        MultiLabels l = MultiLabels.read(text);
        assertCsr(l, new int[] {0, 2, 3, 6, 8, 9}, new int[] {3, 1, 7, -2, 5, 3, 4, 12, 1000000}, -1);
        Path crlf = Files.writeString(dir.resolve("crlf.txt"), "3 1\r\n7\r\n");
        assertCsr(MultiLabels.read(crlf), new int[] {0, 2, 3}, new int[] {3, 1, 7}, -1);
        Path extremes = Files.writeString(dir.resolve("ext.txt"), "-2147483648 2147483647 1234567890\n");
        assertCsr(MultiLabels.read(extremes), new int[] {0, 3},
                new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 1234567890}, -1);
        // a text file named .npy is still read as .npy, one not named so is recognised by its content
        Path npyNamedBin = Files.copy(fixture("multihot_u1.npy"), dir.resolve("y.bin"));
        assertCsr(MultiLabels.read(npyNamedBin), M_OFFSETS, M_COLUMNS, 4);
        Path textNamedNpy = Files.writeString(dir.resolve("text.npy"), "1 2\n");
        NpyException e = assertThrows(NpyException.class, () -> MultiLabels.read(textNamedNpy));
        assertTrue(e.getMessage().contains("MultiLabels.read also reads text"), e.getMessage());
    }

    @Test
    void refusesTextSamplesWithoutLabels() throws IOException {
        refused(Files.writeString(dir.resolve("gap.txt"), "1 2\n3\n\n4\n"), "line 3: blank line: sample 2 holds no label"
                + " (expected one or more integer labels per line, separated by spaces or tabs)");
        refused(Files.writeString(dir.resolve("first.txt"), " \t\n1\n"), "line 1: blank line: sample 0 holds no label"
                + " (expected one or more integer labels per line, separated by spaces or tabs)");
        refused(Files.write(dir.resolve("empty.txt"), new byte[0]), "no labels");
        refused(Files.writeString(dir.resolve("blank.txt"), "\n\n"), "no labels");
    }

    @Test
    void refusesBadTextTokens() throws IOException {
        refused(Files.writeString(dir.resolve("word.txt"), "1 2\n3 x 4\n"), "line 2: 'x' is not an integer label");
        refused(Files.writeString(dir.resolve("float.txt"), "1\n2.0\n"), "line 2: '2.0' is not an integer label");
        refused(Files.writeString(dir.resolve("comma.txt"), "1,2\n"), "line 1: '1,2' is not an integer label");
        refused(Files.writeString(dir.resolve("sign.txt"), "1 - 2\n"), "line 1: '-' is not an integer label");
        refused(Files.writeString(dir.resolve("comment.txt"), "# labels\n1\n"), "line 1: '#' is not an integer label");
        refused(Files.writeString(dir.resolve("big.txt"), "1\n2 2147483648\n"), "line 2: 2147483648 is outside the int range");
        refused(Files.writeString(dir.resolve("twice.txt"), "1 2\n4 3 4\n"), "line 2: label 4 is listed twice");
        StringBuilder many = new StringBuilder("0");
        for (int i = 1; i < 100; i++) {
            many.append(' ').append(i);
        }
        assertEquals(100, MultiLabels.read(Files.writeString(dir.resolve("many.txt"), many + "\n")).labels().length);
        refused(Files.writeString(dir.resolve("many2.txt"), many + " 57\n"), "line 1: label 57 is listed twice");
        Path latin = Files.write(dir.resolve("latin1.txt"), "1\n\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        refused(latin, "not a UTF-8 text file (expected one or more integer labels per line, separated by spaces"
                + " or tabs, or .npy)");
    }

    @Test
    void refusesWhatIsNoFile() {
        assertThrows(NoSuchFileException.class, () -> MultiLabels.read(dir.resolve("missing.txt")));
        refused(dir, "is a directory, not a label file");
    }
}
