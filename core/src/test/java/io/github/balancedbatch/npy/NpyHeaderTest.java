package io.github.balancedbatch.npy;

import static io.github.balancedbatch.npy.NpyTestFiles.fixture;
import static io.github.balancedbatch.npy.NpyTestFiles.ints;
import static io.github.balancedbatch.npy.NpyTestFiles.npy;
import static io.github.balancedbatch.npy.NpyTestFiles.raw;
import static io.github.balancedbatch.npy.NpyTestFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NpyHeaderTest {
    @TempDir
    Path dir;

    /** Asserts that reading the header refuses {@code file} with a message containing {@code problem}. */
    static NpyException refused(Path file, String problem) {
        NpyException e = assertThrows(NpyException.class, () -> NpyHeader.read(file));
        assertRefusal(e, file, problem);
        return e;
    }

    static void assertRefusal(NpyException e, Path file, String problem) {
        assertEquals(file, e.file());
        assertEquals(file + ": " + e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
        assertTrue(e.problem().contains(problem),
                () -> "expected '" + problem + "' in: " + e.getMessage());
    }

    private Path file(String dict, byte[] data) {
        return write(dir, "t.npy", npy(dict, data));
    }

    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    @Test
    void exceptionCarriesFileAndProblem() {
        NpyException e = new NpyException(Path.of("a", "b.npy"), "broken");
        assertEquals(Path.of("a", "b.npy"), e.file());
        assertEquals("broken", e.problem());
        assertEquals(Path.of("a", "b.npy") + ": broken", e.getMessage());
        assertTrue(e instanceof IOException);
    }

    @Test
    void typesKnowDescrAndSize() {
        String[] descr = {"|i1", "|u1", "<i2", "<u2", "<i4", "<u4", "<i8", "<f2", "<f4", "<f8"};
        int[] size = {1, 1, 2, 2, 4, 4, 8, 2, 4, 8};
        NpyType[] all = NpyType.values();
        assertEquals(descr.length, all.length);
        for (int i = 0; i < all.length; i++) {
            assertEquals(descr[i], all[i].descr());
            assertEquals(size[i], all[i].size());
        }
    }

    @Test
    void readsFeatureFixtures() throws IOException {
        NpyHeader h = NpyHeader.read(fixture("features_f4_6x4.npy"));
        assertEquals(NpyType.FLOAT32, h.type());
        assertArrayEquals(new long[] {6, 4}, h.shape());
        assertEquals(2, h.rank());
        assertEquals(24, h.elementCount());
        assertEquals(128, h.dataOffset());
        assertEquals(96, h.dataBytes());
        assertEquals(1, h.majorVersion());

        NpyHeader h3 = NpyHeader.read(fixture("features_f4_5x2x3.npy"));
        assertArrayEquals(new long[] {5, 2, 3}, h3.shape());
        assertEquals(30, h3.elementCount());
        assertEquals(Files.size(fixture("features_f4_5x2x3.npy")), h3.dataOffset() + h3.dataBytes());
    }

    @Test
    void shapeIsACopy() throws IOException {
        NpyHeader h = NpyHeader.read(fixture("features_f4_6x4.npy"));
        h.shape()[0] = 99;
        assertArrayEquals(new long[] {6, 4}, h.shape());
    }

    @Test
    void readsVersions2And3() throws IOException {
        NpyHeader v2 = NpyHeader.read(fixture("labels_i4_v2.npy"));
        assertEquals(2, v2.majorVersion());
        assertEquals(NpyType.INT32, v2.type());
        assertArrayEquals(new long[] {8}, v2.shape());
        assertEquals(0, v2.dataOffset() % 64);
        NpyHeader v3 = NpyHeader.read(fixture("labels_i4_v3.npy"));
        assertEquals(3, v3.majorVersion());
        assertArrayEquals(new long[] {8}, v3.shape());
    }

    @Test
    void readsZeroDimensionalHeader() throws IOException {
        NpyHeader h = NpyHeader.read(fixture("scalar_0d.npy"));
        assertEquals(0, h.rank());
        assertEquals(1, h.elementCount());
        assertEquals(4, h.dataBytes());
    }

    @Test
    void readsEveryIntegerFixtureType() throws IOException {
        String[] names = {"i1", "u1", "i2", "u2", "i4", "u4", "i8"};
        NpyType[] types = {NpyType.INT8, NpyType.UINT8, NpyType.INT16, NpyType.UINT16,
            NpyType.INT32, NpyType.UINT32, NpyType.INT64};
        for (int i = 0; i < names.length; i++) {
            assertEquals(types[i], NpyHeader.read(fixture("labels_" + names[i] + ".npy")).type());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }",
        "{\"shape\": (2,3,), \"descr\": \"<i4\", \"fortran_order\": False}",
        "{ 'fortran_order' : False , 'shape' : ( 2 , 3 ) , 'descr' : '<i4' }",
        "{'descr':'<i4','fortran_order':False,'shape':(2,3)}",
        "\t{'descr': '<i4',\n 'fortran_order': False, 'shape': (2L, 3L), }",
    })
    void acceptsHeaderVariations(String dict) throws IOException {
        NpyHeader h = NpyHeader.read(file(dict, ints(1, 2, 3, 4, 5, 6)));
        assertEquals(NpyType.INT32, h.type());
        assertArrayEquals(new long[] {2, 3}, h.shape());
    }

    @ParameterizedTest
    @CsvSource({"|i1, INT8", "<i1, INT8", "|u1, UINT8", "<u1, UINT8", "<i2, INT16", "<u2, UINT16",
        "<u4, UINT32", "<i8, INT64", "<f4, FLOAT32", "<f8, FLOAT64"})
    void acceptsLittleEndianAndByteOrderFreeDescr(String descr, NpyType type) throws IOException {
        Path f = file(dict(descr, "(2,)"), new byte[2 * type.size()]);
        assertEquals(type, NpyHeader.read(f).type());
    }

    @Test
    void acceptsEmptyShapes() throws IOException {
        assertEquals(0, NpyHeader.read(file(dict("<i4", "(0,)"), new byte[0])).elementCount());
        assertEquals(0, NpyHeader.read(file(dict("<i4", "(0, 9223372036854775807)"), new byte[0])).elementCount());
    }

    @Test
    void acceptsHeaderWithoutAlignmentPadding() throws IOException {
        byte[] h = dict("<i4", "(1,)").concat("\n").getBytes(StandardCharsets.US_ASCII);
        Path f = write(dir, "t.npy", raw(1, 0, h, ints(7)));
        assertEquals(10 + h.length, NpyHeader.read(f).dataOffset());
    }

    // ---- refusals from numpy-written fixtures

    @Test
    void refusesFortranOrder() {
        refused(fixture("fortran_f4.npy"), "Fortran-ordered arrays are not supported");
    }

    @Test
    void refusesBigEndian() {
        refused(fixture("bigendian_i4.npy"), "dtype '>i4' is big-endian; only little-endian is supported");
    }

    @Test
    void readsFloat16Headers() throws IOException {
        NpyHeader h = NpyHeader.read(fixture("float16.npy"));
        assertEquals(NpyType.FLOAT16, h.type());
        assertEquals(2, h.type().size());
        assertEquals(8, h.dataBytes());
    }

    @ParameterizedTest
    @CsvSource({"bool.npy, |b1", "object.npy, |O", "uint64.npy, <u8"})
    void refusesUnsupportedDtypeFixtures(String name, String descr) {
        refused(fixture(name), "dtype '" + descr + "' is not supported");
    }

    // ---- refusals from hand-made headers

    @ParameterizedTest
    @ValueSource(strings = {"<c8", "<U3", "|S5", "|V8", "<M8[ns]", "", "i4", "<i3", "<f16"})
    void refusesOtherDtypes(String descr) {
        refused(file(dict(descr, "(1,)"), new byte[4]), "dtype '" + descr + "' is not supported");
    }

    @Test
    void refusesNativeAndMisplacedByteOrder() {
        refused(file(dict("=i4", "(1,)"), new byte[4]), "dtype '=i4' has native byte order");
        refused(file(dict("|i4", "(1,)"), new byte[4]), "dtype '|i4' has no byte order");
        refused(file(dict(">i1", "(1,)"), new byte[1]), "dtype '>i1' is big-endian");
        refused(file(dict(">f8", "(1,)"), new byte[8]), "dtype '>f8' is big-endian");
    }

    @Test
    void refusesStructuredDtype() {
        refused(file("{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]),
                "structured dtypes");
    }

    @Test
    void refusesBadMagic() {
        byte[] b = npy(dict("<i4", "(1,)"), ints(1));
        b[1] = 'n';
        refused(write(dir, "t.npy", b), "bad magic");
        refused(write(dir, "p.npy", "PK\3\4 this is a zip, not an npy".getBytes(StandardCharsets.US_ASCII)), "bad magic");
    }

    @Test
    void refusesUnknownVersions() {
        byte[] b = npy(dict("<i4", "(1,)"), ints(1));
        b[6] = 4;
        refused(write(dir, "t.npy", b), "unsupported .npy format version 4.0");
        b[6] = 1;
        b[7] = 1;
        refused(write(dir, "t.npy", b), "unsupported .npy format version 1.1");
        b[6] = 0;
        b[7] = 0;
        refused(write(dir, "t.npy", b), "unsupported .npy format version 0.0");
    }

    @Test
    void refusesTinyFiles() {
        refused(write(dir, "empty.npy", new byte[0]), "truncated: file is 0 bytes");
        refused(write(dir, "t.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0}), "truncated");
        refused(write(dir, "v2.npy", new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, 0, 0, 0}),
                "truncated: file is 11 bytes, too short for the 12-byte version 2.0 preamble");
    }

    @Test
    void refusesHeaderLengthBeyondFile() {
        byte[] b = npy(dict("<i4", "(1,)"), ints(1));
        b[8] = (byte) 0xff;
        b[9] = (byte) 0xff;
        refused(write(dir, "t.npy", b), "header length 65535 goes beyond the end of the file (" + b.length + " bytes)");
        byte[] v2 = npy(2, dict("<i4", "(1,)"), ints(1));
        v2[8] = v2[9] = v2[10] = v2[11] = (byte) 0xff;
        refused(write(dir, "t.npy", v2), "header length 4294967295 goes beyond the end of the file");
    }

    @Test
    void refusesHeaderOverOneMebibyte() {
        int len = NpyHeader.MAX_HEADER_BYTES + 1;
        byte[] b = raw(2, 0, new byte[len], new byte[0]);
        refused(write(dir, "t.npy", b), "header length " + len + " exceeds the limit of " + NpyHeader.MAX_HEADER_BYTES);
    }

    @Test
    void refusesMissingDuplicateAndUnknownKeys() {
        refused(file("{'descr': '<i4', 'shape': (1,), }", ints(1)), "header is missing key 'fortran_order'");
        refused(file("{'fortran_order': False, 'shape': (1,), }", ints(1)), "header is missing key 'descr'");
        refused(file("{'descr': '<i4', 'fortran_order': False}", ints(1)), "header is missing key 'shape'");
        refused(file("{}", ints(1)), "header is missing key");
        refused(file("{'descr': '<i4', 'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", ints(1)),
                "duplicate header key 'descr'");
        refused(file("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'shape': (1,)}", ints(1)),
                "duplicate header key 'shape'");
        refused(file("{'descr': '<i4', 'fortran_order': False, 'fortran_order': False, 'shape': (1,)}", ints(1)),
                "duplicate header key 'fortran_order'");
        refused(file("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), 'extra': 1}", ints(1)),
                "unknown header key 'extra'");
    }

    @Test
    void refusesFortranOrderInHandMadeHeader() {
        refused(file("{'descr': '<i4', 'fortran_order': True, 'shape': (1,), }", ints(1)),
                "Fortran-ordered arrays are not supported");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "(-3,)| negative dimension -3 in shape",
        "(2, -1)| negative dimension -1 in shape",
        "(-,)| dimension '-' in shape is not a non-negative integer",
        "(-3L,)| negative dimension -3L in shape",
        "(2.5,)| dimension '2.5' in shape is not a non-negative integer",
        "(1e3,)| dimension '1e3' in shape is not a non-negative integer",
        "(0x10,)| dimension '0x10' in shape is not a non-negative integer",
        "(None,)| expected a dimension in the shape",
        "(,)| expected a dimension in the shape",
        "(5)| shape (5) is not a tuple",
        "5| expected a tuple '('",
        "[5]| expected a tuple '('",
        "(1 2)| expected ',' or ')' in the shape",
        "(99999999999999999999,)| dimension 99999999999999999999 in shape does not fit in a long",
        "(4294967296, 4294967296)| shape (4294967296, 4294967296) has more elements than fit in a long",
        "(2305843009213693952,)| shape (2305843009213693952,) of <i4 needs more bytes than fit in a long",
    })
    void refusesBadShapes(String shape, String problem) {
        refused(file(dict("<i4", shape), ints(1)), problem);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "garbage| expected the header to start with '{'",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), } x| unexpected text after the closing '}'",
        "{'descr: '<i4'}| expected ':' after key",
        "{'descr': '<i4| unterminated string",
        "{'descr': 5, 'fortran_order': False, 'shape': (1,)}| expected a string as the value of 'descr'",
        "{'descr': '<i4', 'fortran_order': 0, 'shape': (1,)}| expected True or False",
        "{'descr': '<i4' 'fortran_order': False, 'shape': (1,)}| expected ',' or '}' after the value of 'descr'",
        "{descr: '<i4'}| expected a quoted key or '}'",
        "{'descr': '<\\x69', 'fortran_order': False, 'shape': (1,)}| escape sequences",
        "{'descr': '<i4', 'fortran_order': False, 'shape': (1,)| expected ',' or '}' after the value of 'shape'",
    })
    void refusesMalformedHeaders(String dict, String problem) {
        NpyException e = refused(file(dict, ints(1)), problem);
        assertTrue(e.problem().contains("malformed header") || problem.contains("not a tuple"), e.getMessage());
    }

    @Test
    void refusesInvalidUtf8InVersion3() {
        byte[] h = (dict("<i4", "(1,)") + "          \n").getBytes(StandardCharsets.US_ASCII);
        h[h.length - 3] = (byte) 0xff;
        refused(write(dir, "t.npy", raw(3, 0, h, ints(1))), "version 3.0 header is not valid UTF-8");
    }

    @Test
    void refusesTruncatedData() {
        Path f = file(dict("<i4", "(10,)"), new byte[37]);
        refused(f, "truncated: data is 37 bytes, the header's shape (10,) of <i4 needs 40");
        byte[] b = NpyTestFiles.bytes(fixture("features_f4_6x4.npy"));
        refused(write(dir, "cut.npy", java.util.Arrays.copyOf(b, b.length - 1)),
                "truncated: data is 95 bytes, the header's shape (6, 4) of <f4 needs 96");
    }

    @Test
    void refusesTrailingBytes() {
        Path f = file(dict("<i4", "(2, 3)"), new byte[25]);
        refused(f, "file is 153 bytes but header and data need 152 (1 extra bytes after the data of shape (2, 3) of <i4)");
    }
}
