package io.github.balancedbatch.npy;

import static io.github.balancedbatch.npy.NpyTestFiles.bytes;
import static io.github.balancedbatch.npy.NpyTestFiles.fixture;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates valid fixtures thousands of ways and checks that every outcome is either a consistent
 * success or an {@link NpyException}; any other throwable fails with the seed and case index.
 * Deterministic: rerunning with the same seed replays the same cases.
 */
class NpyFuzzTest {
    private static final long SEED = 0x6e70795f66757a7aL;
    /** Header and structure mutations (about 5 ms per thousand). */
    private static final int RANDOM_CASES = 20_000;
    /** Data mutations of well-formed one-hot matrices and feature files. */
    private static final int DATA_CASES = 4_000;

    private static final String[] FIXTURES = {
        "labels_i1.npy", "labels_u1.npy", "labels_i2.npy", "labels_u2.npy", "labels_i4.npy",
        "labels_u4.npy", "labels_i8.npy", "labels_i4_v2.npy", "labels_i4_v3.npy",
        "onehot_f4.npy", "onehot_f8_empty_col.npy", "onehot_i4_empty_col.npy",
        "features_f4_6x4.npy", "features_f4_5x2x3.npy", "arange_i4_3x4.npy", "scalar_0d.npy",
    };

    private static final String[] DESCRS = {
        "<i4", "|i1", "|u1", "<i1", "<u1", "<i2", "<u2", "<u4", "<i8", "<f4", "<f8", ">i4", "=i4",
        "|i4", "<u8", "<f2", "|b1", "|O", "<c16", "<U10", "", "<", "<i", "<i44", "'", "\\", "é",
    };

    private static final String[] SHAPES = {
        "()", "(0,)", "(1,)", "(5,)", "(2, 3)", "(3,4,)", "(-1,)", "(2, -3)", "(5)", "(,)", "(",
        ")", "((2,),)", "(9223372036854775807,)", "(9223372036854775808,)",
        "(99999999999999999999999999999,)", "(4611686018427387904,)", "(2147483647,)",
        "(2147483648, 2)", "(4294967296, 4294967296)", "(3037000500, 3037000500)", "(1e3,)",
        "(0x10,)", "(1.0,)", "(None,)", "(3L,)", "(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)", "[2, 3]",
        "(2,3", "(0, 9223372036854775807)",
    };

    private static final String[] TOKENS = {
        "{", "}", "'descr'", "'shape'", "'fortran_order'", "'x'", ":", ",", " ", "'<i4'", "'<f4'",
        "\"|u1\"", "(", ")", "True", "False", "1", "3", "-1", "0", "[", "]", "'", "\"", "\\",
        "\n", "99999999999999999999", "L", "é", "\u0000",
    };

    @TempDir
    Path dir;
    /** Where the cases are written: memory (/dev/shm) where there is one, as disk writes dominate the cost. */
    private Path scratch;

    private Path file;
    private int cases;
    private int accepted;
    private int labelsAccepted;
    /** Refusal messages with numbers and quoted text masked: how many code paths were reached. */
    private final java.util.TreeMap<String, Integer> problems = new java.util.TreeMap<>();

    @Test
    void mutatedFilesAreAcceptedOrRefusedCleanly() throws IOException {
        file = scratch().resolve("fuzz.npy");
        SplittableRandom rnd = new SplittableRandom(SEED);
        byte[][] valid = new byte[FIXTURES.length][];
        for (int i = 0; i < FIXTURES.length; i++) {
            valid[i] = bytes(fixture(FIXTURES[i]));
            check(valid[i], "unmodified " + FIXTURES[i]);
        }
        assertEquals(FIXTURES.length, accepted, "every unmodified fixture has a valid header");

        // Truncation at every length, for a version 1.0 and a version 3.0 file.
        for (String name : new String[] {"onehot_f4.npy", "labels_i4_v3.npy"}) {
            byte[] b = bytes(fixture(name));
            for (int len = 0; len < b.length; len++) {
                check(Arrays.copyOf(b, len), "truncate " + name + " to " + len);
            }
        }

        for (int i = 0; i < RANDOM_CASES; i++) {
            int which = rnd.nextInt(FIXTURES.length);
            byte[] b = valid[which];
            StringBuilder what = new StringBuilder(FIXTURES[which]);
            int rounds = rnd.nextInt(4) == 0 ? 2 + rnd.nextInt(2) : 1;
            for (int r = 0; r < rounds; r++) {
                b = mutate(b, rnd, what);
            }
            check(b, what.toString());
        }
        System.out.println("fuzz: " + cases + " cases, " + accepted + " headers and " + labelsAccepted
                + " label files accepted, " + problems.size() + " distinct refusals");
        assertTrue(cases > RANDOM_CASES, "ran " + cases + " cases");
        assertTrue(problems.size() > 40, "only " + problems.size() + " kinds of refusal were reached");
        assertTrue(accepted > FIXTURES.length + 100, "accepted " + accepted + " of " + cases);
    }

    private byte[] mutate(byte[] b, SplittableRandom rnd, StringBuilder what) {
        int kind = rnd.nextInt(12);
        what.append(" | kind ").append(kind);
        int prefix = b.length >= 8 && b[6] != 1 ? 12 : 10;
        int headerEnd = Math.min(b.length, dataOffset(b));
        switch (kind) {
            case 0: { // truncate at a random length
                return Arrays.copyOf(b, rnd.nextInt(b.length + 1));
            }
            case 1: { // flip random bits, mostly in the header
                byte[] c = b.clone();
                int n = 1 + rnd.nextInt(8);
                for (int k = 0; k < n && c.length > 0; k++) {
                    int at = rnd.nextInt(10) < 7 ? rnd.nextInt(Math.max(1, headerEnd)) : rnd.nextInt(c.length);
                    c[Math.min(at, c.length - 1)] ^= (byte) (1 << rnd.nextInt(8));
                }
                return c;
            }
            case 2: { // overwrite header bytes with random printable characters
                byte[] c = b.clone();
                int n = 1 + rnd.nextInt(10);
                for (int k = 0; k < n && headerEnd > prefix; k++) {
                    c[prefix + rnd.nextInt(headerEnd - prefix)] = (byte) (0x20 + rnd.nextInt(0x5f));
                }
                return c;
            }
            case 3: { // replace the shape, keeping the data
                String shape = SHAPES[rnd.nextInt(SHAPES.length)];
                what.append(" shape ").append(shape);
                return rewrite(b, rnd, "'shape': " + shape, "'shape': \\([^)]*\\)");
            }
            case 4: { // change the version bytes
                byte[] c = b.clone();
                if (c.length >= 8) {
                    c[6] = (byte) (rnd.nextBoolean() ? rnd.nextInt(5) : rnd.nextInt(256));
                    c[7] = (byte) (rnd.nextInt(3) == 0 ? rnd.nextInt(256) : 0);
                }
                return c;
            }
            case 5: { // set the header length field to huge or off-by-a-little values
                byte[] c = b.clone();
                long[] choices = {0, 1, 0xffff, 0xffffffffL, 0x7fffffffL, 0x80000000L, headerEnd - prefix - 1,
                    headerEnd - prefix + 1, c.length - prefix, c.length, NpyHeader.MAX_HEADER_BYTES + 1L,
                    rnd.nextLong() & 0xffffffffL};
                long v = choices[rnd.nextInt(choices.length)];
                what.append(" hlen ").append(v);
                if (c.length >= prefix) {
                    for (int k = 8; k < prefix; k++) {
                        c[k] = (byte) (v >>> (8 * (k - 8)));
                    }
                }
                return c;
            }
            case 6: { // append bytes
                byte[] tail = new byte[1 + rnd.nextInt(rnd.nextBoolean() ? 8 : 300)];
                rnd.nextBytes(tail);
                byte[] c = Arrays.copyOf(b, b.length + tail.length);
                System.arraycopy(tail, 0, c, b.length, tail.length);
                return c;
            }
            case 7: { // replace the dtype
                String descr = DESCRS[rnd.nextInt(DESCRS.length)];
                what.append(" descr ").append(descr);
                return rewrite(b, rnd, "'descr': '" + descr + "'", "'descr': '[^']*'");
            }
            case 8: { // a fresh, well-formed file with random type, shape and mostly-0/1 data
                return synthetic(rnd, what);
            }
            case 9: { // delete or insert a few bytes inside the header
                if (headerEnd <= prefix) {
                    return b;
                }
                int at = prefix + rnd.nextInt(headerEnd - prefix);
                int n = 1 + rnd.nextInt(4);
                if (rnd.nextBoolean()) {
                    n = Math.min(n, b.length - at);
                    byte[] c = new byte[Math.max(0, b.length - n)];
                    System.arraycopy(b, 0, c, 0, at);
                    System.arraycopy(b, Math.min(b.length, at + n), c, at, Math.max(0, b.length - at - n));
                    return c;
                }
                byte[] c = new byte[b.length + n];
                System.arraycopy(b, 0, c, 0, at);
                for (int k = 0; k < n; k++) {
                    c[at + k] = (byte) rnd.nextInt(256);
                }
                System.arraycopy(b, at, c, at + n, b.length - at);
                return c;
            }
            case 10: { // a header made of random grammar tokens, keeping the data
                StringBuilder h = new StringBuilder();
                int n = rnd.nextInt(40);
                for (int k = 0; k < n; k++) {
                    h.append(TOKENS[rnd.nextInt(TOKENS.length)]);
                }
                what.append(" header ").append(h.toString().replace("\n", "\\n"));
                return withHeader(b, rnd, h.toString());
            }
            default: { // random data bytes with a valid header: exercises value checks
                byte[] c = b.clone();
                for (int k = headerEnd; k < c.length; k++) {
                    int r = rnd.nextInt(8);
                    c[k] = (byte) (r == 0 ? rnd.nextInt(256) : r < 3 ? 1 : 0);
                }
                if (c.length > headerEnd + 4 && rnd.nextInt(4) == 0) { // a float 1.0 or NaN
                    int at = headerEnd + rnd.nextInt((c.length - headerEnd) / 4) * 4;
                    ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putFloat(at, rnd.nextBoolean() ? 1f : Float.NaN);
                }
                return c;
            }
        }
    }

    /** Where the data starts according to the (possibly corrupt) preamble; 0 if unreadable. */
    private static int dataOffset(byte[] b) {
        if (b.length < 10) {
            return 0;
        }
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (b[6] == 1) {
            return 10 + (bb.getShort(8) & 0xffff);
        }
        if (b.length < 12) {
            return 0;
        }
        long len = bb.getInt(8) & 0xffffffffL;
        return (int) Math.min(Integer.MAX_VALUE, 12 + len);
    }

    /** Replaces {@code regex} in the header text by {@code replacement} and rewraps the file. */
    private static byte[] rewrite(byte[] b, SplittableRandom rnd, String replacement, String regex) {
        int off = dataOffset(b);
        int prefix = b.length >= 8 && b[6] != 1 ? 12 : 10;
        if (off <= prefix || off > b.length) {
            return b;
        }
        String text = new String(b, prefix, off - prefix, StandardCharsets.ISO_8859_1).trim();
        return withHeader(b, rnd, text.replaceFirst(regex, java.util.regex.Matcher.quoteReplacement(replacement)));
    }

    /** The file with a new header text; the length field is usually right, sometimes stale. */
    private static byte[] withHeader(byte[] b, SplittableRandom rnd, String dict) {
        int off = dataOffset(b);
        int major = b.length >= 8 && b[6] >= 1 && b[6] <= 3 ? b[6] : 1;
        byte[] data = off >= 10 && off <= b.length ? Arrays.copyOfRange(b, off, b.length) : new byte[0];
        byte[] c = NpyTestFiles.npy(major, dict, data);
        if (rnd.nextInt(5) == 0 && c.length >= 10) { // stale length field
            c[8] ^= (byte) (1 + rnd.nextInt(255));
        }
        return c;
    }

    private static byte[] synthetic(SplittableRandom rnd, StringBuilder what) {
        NpyType type = NpyType.values()[rnd.nextInt(NpyType.values().length)];
        int rank = rnd.nextInt(4);
        long[] shape = new long[rank];
        long count = 1;
        for (int k = 0; k < rank; k++) {
            shape[k] = rnd.nextInt(6);
            count *= shape[k];
        }
        String dict = "{'descr': '" + type.descr() + "', 'fortran_order': False, 'shape': "
                + NpyHeader.shapeString(shape) + ", }";
        what.append(' ').append(dict);
        ByteBuffer data = ByteBuffer.allocate((int) count * type.size()).order(ByteOrder.LITTLE_ENDIAN);
        for (long k = 0; k < count; k++) {
            boolean one = rnd.nextInt(4) == 0;
            boolean junk = rnd.nextInt(50) == 0;
            switch (type) {
                case FLOAT32:
                    data.putFloat(junk ? Float.NaN : one ? 1f : 0f);
                    break;
                case FLOAT64:
                    data.putDouble(junk ? 0.5 : one ? 1d : 0d);
                    break;
                default:
                    for (int s = 0; s < type.size(); s++) {
                        data.put((byte) (junk ? rnd.nextInt(256) : s == 0 && one ? 1 : 0));
                    }
            }
        }
        return NpyTestFiles.npy(1 + rnd.nextInt(3), dict, data.array());
    }

    /**
     * Valid headers, mutated data: every one-hot matrix is either decoded exactly as an independent
     * reading of its bytes says, or refused with an {@link NpyException} naming the file; every
     * feature file of the right length maps and gathers exactly its bytes, whatever they hold.
     */
    @Test
    void mutatedDataOfOneHotMatricesAndFeatureFilesIsReadExactlyOrRefusedCleanly() throws IOException {
        file = scratch().resolve("data.npy");
        SplittableRandom rnd = new SplittableRandom(SEED ^ 0xda7a);
        NpyType[] oneHotTypes = {NpyType.FLOAT32, NpyType.FLOAT64, NpyType.INT8, NpyType.UINT8, NpyType.INT16,
            NpyType.UINT16, NpyType.INT32, NpyType.UINT32, NpyType.INT64};
        int oneHotAccepted = 0;
        int oneHotRefused = 0;
        int featureFiles = 0;
        for (int i = 0; i < DATA_CASES; i++) {
            String where = "seed " + (SEED ^ 0xda7a) + ", data case " + i;
            if (rnd.nextBoolean()) {
                NpyType type = oneHotTypes[rnd.nextInt(oneHotTypes.length)];
                int rows = 1 + rnd.nextInt(12);
                int width = 2 + rnd.nextInt(6);
                ByteBuffer data = ByteBuffer.allocate(rows * width * type.size()).order(ByteOrder.LITTLE_ENDIAN);
                for (int r = 0; r < rows; r++) {
                    int hot = rnd.nextInt(width);
                    for (int c = 0; c < width; c++) {
                        put(data, type, (r * width + c) * type.size(), c == hot ? 1 : 0);
                    }
                }
                mutateData(data, type, rnd);
                String dict = "{'descr': '" + type.descr() + "', 'fortran_order': False, 'shape': (" + rows + ", " + width + "), }";
                Files.write(file, NpyTestFiles.npy(1 + rnd.nextInt(3), dict, data.array()));
                int[] expected = decodeOneHot(data, type, rows, width);
                try {
                    NpyLabels labels = NpyLabels.read(file);
                    if (expected == null) {
                        fail("accepted a matrix that is not one-hot: " + where + " " + dict);
                    }
                    assertArrayEquals(expected, labels.labels(), where);
                    io.github.balancedbatch.sampler.ClassIndex.ofColumns(labels.labels(), labels.width());
                    oneHotAccepted++;
                } catch (NpyException e) {
                    assertEquals(file, e.file(), where);
                    if (expected != null) {
                        fail("refused a valid one-hot matrix (" + e.getMessage() + "): " + where);
                    }
                    oneHotRefused++;
                } catch (RuntimeException | Error e) {
                    fail("NpyLabels.read threw " + e + " for " + where, e);
                }
            } else {
                int rows = rnd.nextInt(9);
                int width = 1 + rnd.nextInt(7);
                ByteBuffer data = ByteBuffer.allocate(rows * width * 4).order(ByteOrder.LITTLE_ENDIAN);
                rnd.nextBytes(data.array()); // any bits: NaN payloads, infinities, subnormals
                String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + width + "), }";
                byte[] content = NpyTestFiles.npy(1 + rnd.nextInt(3), dict, data.array());
                int length = rnd.nextInt(6) == 0 ? Math.max(0, rnd.nextInt(content.length + 8) - 4) : content.length;
                boolean intact = length == content.length;
                Files.write(file, Arrays.copyOf(content, length)); // shorter, or longer with zeros
                try {
                    io.github.balancedbatch.data.FeatureMatrix m = io.github.balancedbatch.data.FeatureMatrix.map(file);
                    assertTrue(intact, "accepted a file of the wrong length: " + where);
                    assertEquals(rows, m.rows(), where);
                    assertEquals(width, m.width(), where);
                    int[] all = java.util.stream.IntStream.range(0, rows).toArray();
                    java.nio.FloatBuffer got = ByteBuffer.allocateDirect(Math.max(1, rows * width * 4))
                            .order(ByteOrder.nativeOrder()).asFloatBuffer();
                    m.gather(all, 0, rows, got);
                    for (int k = 0; k < rows * width; k++) {
                        assertEquals(data.getInt(k * 4), Float.floatToRawIntBits(got.get(k)), where + ", float " + k);
                    }
                    featureFiles++;
                } catch (NpyException e) {
                    assertEquals(file, e.file(), where);
                    assertTrue(!intact, "refused an intact feature file (" + e.getMessage() + "): " + where);
                } catch (RuntimeException | Error e) {
                    fail("FeatureMatrix.map threw " + e + " for " + where, e);
                }
            }
        }
        System.out.println("data fuzz: " + oneHotAccepted + " one-hot matrices accepted, " + oneHotRefused + " refused, "
                + featureFiles + " feature files read exactly");
        assertTrue(oneHotAccepted > DATA_CASES / 20 && oneHotRefused > DATA_CASES / 20 && featureFiles > DATA_CASES / 4,
                oneHotAccepted + " / " + oneHotRefused + " / " + featureFiles);
    }

    private static void put(ByteBuffer b, NpyType type, int at, double v) {
        switch (type) {
            case FLOAT32:
                b.putFloat(at, (float) v);
                break;
            case FLOAT64:
                b.putDouble(at, v);
                break;
            case INT8:
            case UINT8:
                b.put(at, (byte) v);
                break;
            case INT16:
            case UINT16:
                b.putShort(at, (short) v);
                break;
            case INT32:
            case UINT32:
                b.putInt(at, (int) v);
                break;
            default:
                b.putLong(at, (long) v);
        }
    }

    private static double get(ByteBuffer b, NpyType type, int at) {
        switch (type) {
            case FLOAT32:
                return b.getFloat(at);
            case FLOAT64:
                return b.getDouble(at);
            case INT8:
                return b.get(at);
            case UINT8:
                return b.get(at) & 0xff;
            case INT16:
                return b.getShort(at);
            case UINT16:
                return b.getShort(at) & 0xffff;
            case INT32:
                return b.getInt(at);
            case UINT32:
                return b.getInt(at) & 0xffffffffL;
            default:
                return b.getLong(at);
        }
    }

    /** Values that break one-hot-ness: a second 1, a 2, -1, 0.5, NaN, -0.0 (which is 0), a whole row of 0. */
    private static void mutateData(ByteBuffer data, NpyType type, SplittableRandom rnd) {
        int n = data.capacity() / type.size();
        int mutations = rnd.nextInt(3);
        for (int m = 0; m < mutations; m++) {
            int at = rnd.nextInt(n) * type.size();
            switch (rnd.nextInt(6)) {
                case 0:
                    put(data, type, at, 1);
                    break;
                case 1:
                    put(data, type, at, 0);
                    break;
                case 2:
                    put(data, type, at, rnd.nextBoolean() ? 2 : -1);
                    break;
                case 3:
                    if (type == NpyType.FLOAT32 || type == NpyType.FLOAT64) {
                        put(data, type, at, rnd.nextBoolean() ? 0.5 : rnd.nextBoolean() ? Double.NaN : -0.0);
                    }
                    break;
                case 4:
                    data.put(at + rnd.nextInt(type.size()), (byte) (1 << rnd.nextInt(8)));
                    break;
                default:
                    data.put(at, (byte) rnd.nextInt(256));
            }
        }
    }

    /** The hot column of every row, or null if some row is not exactly one 1 among 0s. */
    private static int[] decodeOneHot(ByteBuffer data, NpyType type, int rows, int width) {
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            int ones = 0;
            for (int c = 0; c < width; c++) {
                double v = get(data, type, (r * width + c) * type.size());
                if (v == 1) {
                    ones++;
                    out[r] = c;
                } else if (v != 0) {
                    return null;
                }
            }
            if (ones != 1) {
                return null;
            }
        }
        return out;
    }

    private Path scratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "npy-fuzz") : dir;
        return scratch;
    }

    @org.junit.jupiter.api.AfterEach
    void removeScratch() throws IOException {
        if (scratch != null && !scratch.equals(dir)) {
            try (java.util.stream.Stream<Path> files = Files.list(scratch)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    Files.delete(f);
                }
            }
            Files.delete(scratch);
        }
    }

    private void check(byte[] content, String what) throws IOException {
        int index = cases++;
        Files.write(file, content);
        String where = "seed " + SEED + ", case " + index + " (" + what + ")";
        NpyHeader header = null;
        try {
            header = NpyHeader.read(file);
            assertEquals(content.length, header.dataOffset() + header.dataBytes(), where);
            accepted++;
        } catch (NpyException e) {
            assertEquals(file, e.file(), where);
        } catch (Throwable t) {
            fail("NpyHeader.read threw " + t + " for " + where, t);
        }
        try {
            NpyLabels labels = NpyLabels.read(file);
            if (header == null) {
                fail("labels accepted a file whose header was refused: " + where);
            }
            assertEquals(header.shape()[0], labels.rows(), where);
            assertEquals(labels.oneHot() ? header.shape()[1] : -1, labels.width(), where);
            labelsAccepted++;
        } catch (NpyException e) {
            assertEquals(file, e.file(), where);
            problems.merge(e.problem().replaceAll("[0-9]+", "N").replaceAll("'[^']*'", "'_'").replaceAll("found .*", ""), 1, Integer::sum);
        } catch (Throwable t) {
            fail("NpyLabels.read threw " + t + " for " + where, t);
        }
    }
}
