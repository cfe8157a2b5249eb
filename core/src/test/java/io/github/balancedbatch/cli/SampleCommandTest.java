package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SampleCommandTest {
    @TempDir
    Path dir;

    private int[] labels;
    private Path labelFile;

    @BeforeEach
    void writeLabels() throws IOException {
        labels = SyntheticLabels.zipf(600, 25, 2, 4);
        for (int i = 0; i < labels.length; i++) {
            labels[i] = labels[i] * 7 - 5; // sparse, negative label values
        }
        labelFile = dir.resolve("labels.txt");
        Files.writeString(labelFile, Arrays.stream(labels).mapToObj(Integer::toString).collect(Collectors.joining("\n", "", "\n")));
    }

    private int[][] library(int p, int k, long seed, int epoch, int batch, int count) {
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(labels)).classesPerBatch(p).samplesPerClass(k)
                .seed(seed).build();
        BatchCursor c = s.cursor(epoch, batch);
        int[][] out = new int[count][s.batchSize()];
        for (int[] b : out) {
            c.next(b);
        }
        return out;
    }

    @Test
    void writesOneEpochOfIndicesAndLabelsByDefault() throws IOException {
        Path out = dir.resolve("rows.npy");
        Path labelsOut = dir.resolve("labels.npy");
        Cli r = Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "4", "--samples-per-class", "3",
                "--seed", "17", "--out", out.toString(), "--labels-out", labelsOut.toString());
        assertEquals(0, r.status(), r.err());
        assertEquals("", r.err());
        int batches = (600 + 11) / 12;
        assertEquals("{'descr': '<i4', 'fortran_order': False, 'shape': (" + batches + ", 12), }", Cli.header(out));
        int[] rows = Cli.ints(out);
        int[] expected = Arrays.stream(library(4, 3, 17, 0, 0, batches)).flatMapToInt(Arrays::stream).toArray();
        assertArrayEquals(expected, rows);
        int[] values = Cli.ints(labelsOut);
        for (int i = 0; i < rows.length; i++) {
            assertEquals(labels[rows[i]], values[i]);
        }
    }

    @Test
    void aTerminalGetsOneLineSayingWhatWasWritten() {
        Path out = dir.resolve("rows.npy");
        Path labelsOut = dir.resolve("labels.npy");
        java.util.function.BooleanSupplier before = Progress.terminal;
        Progress.terminal = () -> true;
        try {
            Cli r = Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "4", "--samples-per-class", "3",
                    "--seed", "17", "--out", out.toString(), "--labels-out", labelsOut.toString());
            assertEquals(0, r.status(), r.err());
            assertEquals("wrote " + out + " (50 batches of 12 indices), " + labelsOut + "\n", r.err());
            Cli failed = Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "400",
                    "--samples-per-class", "3", "--seed", "17", "--out", out.toString());
            assertEquals(2, failed.status());
            assertFalse(failed.err().contains("wrote"), failed.err());
        } finally {
            Progress.terminal = before;
        }
    }

    @Test
    void resumeEqualsTheTailOfAnUninterruptedRun() throws IOException {
        Path full = dir.resolve("full.npy");
        Path tail = dir.resolve("tail.npy");
        assertEquals(0, Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "5", "--samples-per-class",
                "2", "--seed", "3", "--epochs", "3", "--out", full.toString()).status());
        assertEquals(0, Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "5", "--samples-per-class",
                "2", "--seed", "3", "--epochs", "2", "--first-epoch", "1", "--first-batch", "7", "--out", tail.toString()).status());
        int[] a = Cli.ints(full);
        int[] b = Cli.ints(tail);
        int perEpoch = 60 * 10;
        assertEquals(2 * perEpoch - 70, b.length);
        assertArrayEquals(Arrays.copyOfRange(a, perEpoch + 70, a.length), b);
    }

    @Test
    void batchesCrossEpochBoundaries() throws IOException {
        Path out = dir.resolve("rows.npy");
        assertEquals(0, Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "5", "--samples-per-class",
                "2", "--seed", "3", "--batches", "75", "--first-epoch", "2", "--out", out.toString()).status());
        assertTrue(Cli.header(out).contains("(75, 10)"));
        assertArrayEquals(Arrays.stream(library(5, 2, 3, 2, 0, 75)).flatMapToInt(Arrays::stream).toArray(), Cli.ints(out));
    }

    @Test
    void categoricalLabelsAreOneHotRowsAsWideAsTheClasses() throws IOException {
        Path out = dir.resolve("rows.npy");
        Path labelsOut = dir.resolve("onehot.npy");
        assertEquals(0, Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "2", "--samples-per-class",
                "2", "--seed", "1", "--batches", "3", "--categorical", "--out", out.toString(), "--labels-out",
                labelsOut.toString()).status());
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4, 25), }", Cli.header(labelsOut));
        int[] rows = Cli.ints(out);
        float[] hot = Cli.floats(labelsOut);
        ClassIndex index = ClassIndex.of(labels);
        for (int i = 0; i < rows.length; i++) {
            for (int c = 0; c < 25; c++) {
                assertEquals(index.label(c) == labels[rows[i]] ? 1f : 0f, hot[i * 25 + c]);
            }
        }
    }

    @Test
    void withoutSeedPrintsTheChosenSeedWhichReplays() throws IOException {
        Path a = dir.resolve("a.npy");
        Path b = dir.resolve("b.npy");
        Cli first = Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "3", "--samples-per-class", "2",
                "--out", a.toString());
        assertEquals(0, first.status());
        assertTrue(first.err().matches("seed: -?\\d+\\R"), first.err());
        String seed = first.err().strip().substring("seed: ".length());
        assertEquals(0, Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "3", "--samples-per-class",
                "2", "--seed", seed, "--out", b.toString()).status());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void readsNumpyLabelFiles() throws IOException {
        Path fixture = Path.of("src/test/resources/npy/labels_i2.npy");
        Path out = dir.resolve("rows.npy");
        Cli r = Cli.run("sample", "--labels", fixture.toString(), "--classes-per-batch", "2", "--samples-per-class", "2",
                "--seed", "1", "--out", out.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(Cli.ints(out).length > 0);
    }

    static Stream<Arguments> badInput() {
        return Stream.of(
                Arguments.of("1\n2\nabc\n", new String[] {"2", "1"}, "line 3: 'abc' is not an integer label"),
                Arguments.of("1\n2\n99999999999\n", new String[] {"2", "1"}, "line 3: 99999999999 is outside the int range"),
                Arguments.of("1\n\n2\n", new String[] {"2", "1"}, "line 2: blank line"),
                Arguments.of("", new String[] {"1", "1"}, ": no labels"),
                Arguments.of("1\n2\n", new String[] {"3", "1"}, "--classes-per-batch=3 exceeds the 2 classes in the labels"),
                Arguments.of("1\n2\n", new String[] {"1", "0"}, "--samples-per-class must be at least 1, got 0"),
                Arguments.of("1\n2\n", new String[] {"0", "1"}, "--classes-per-batch must be at least 1, got 0"));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badLabelsOrParametersExitTwoWithOneLineAndNoOutput(String text, String[] pk, String message) throws IOException {
        Path in = dir.resolve("bad.txt");
        Files.writeString(in, text, StandardCharsets.UTF_8);
        Path out = dir.resolve("rows.npy");
        Cli r = Cli.run("sample", "--labels", in.toString(), "--classes-per-batch", pk[0], "--samples-per-class", pk[1],
                "--seed", "1", "--out", out.toString());
        assertRefused(r, message);
        assertFalse(Files.exists(out));
        assertEquals(2, countFiles(), "only the two label files are left");
    }

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(new String[] {"--batches", "3", "--epochs", "2"}, "--batches and --epochs are mutually exclusive"),
                Arguments.of(new String[] {"--batches", "0"}, "--batches must be at least 1, got 0"),
                Arguments.of(new String[] {"--first-batch", "50"}, "--first-batch 50 is outside the epoch's 50 batches (0..49)"),
                Arguments.of(new String[] {"--first-epoch", "-1"}, "--first-epoch must be at least 0, got -1"),
                Arguments.of(new String[] {"--categorical"}, "--categorical needs --labels-out"),
                Arguments.of(new String[] {"--rank", "2", "--world-size", "2"}, "--rank must be in [0, 2), got 2"),
                Arguments.of(new String[] {"--world-size", "20"},
                        "--classes-per-batch=3 x --world-size=20 = 60 exceeds the 25 classes in the labels"),
                Arguments.of(new String[] {"--seed", "x1"}, "Invalid value for option '--seed': 'x1' is not a long"),
                Arguments.of(new String[] {"--frobnicate"}, "Unknown option: '--frobnicate'"));
    }

    @ParameterizedTest
    @MethodSource("badArguments")
    void badArgumentsExitTwoAndLeaveAnExistingOutputUnchanged(String[] extra, String message) throws IOException {
        Path out = dir.resolve("rows.npy");
        Files.writeString(out, "previous content");
        String[] base = {"sample", "--labels", labelFile.toString(), "--classes-per-batch", "3", "--samples-per-class", "4",
                "--out", out.toString()};
        String[] args = Stream.concat(Arrays.stream(base), Arrays.stream(extra)).toArray(String[]::new);
        assertRefused(Cli.run(args), message);
        assertEquals("previous content", Files.readString(out));
        assertEquals(2, countFiles());
    }

    @Test
    void missingFilesAndDirectoriesAreNamed() {
        Path out = dir.resolve("rows.npy");
        assertRefused(Cli.run("sample", "--labels", dir.resolve("nope.txt").toString(), "--classes-per-batch", "1",
                "--samples-per-class", "1", "--out", out.toString()), "nope.txt: no such file");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "1", "--out", dir.resolve("no/such/dir/rows.npy").toString()), "does not exist");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "1", "--out", out.toString(), "--labels-out", out.toString()), "--out and --labels-out are the same file");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "1",
                "--samples-per-class", "1"), "Missing required option: '--out=PATH'");
        assertRefused(Cli.run("shuffle-all"), "Unmatched argument at index 0: 'shuffle-all'");
        assertRefused(Cli.run("sample", "--labels", "/", "--classes-per-batch", "1", "--samples-per-class", "1", "--out",
                out.toString()), "/: is a directory, not a label file");
        assertRefused(Cli.run("report", "--labels", labelFile.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "1", "--out", "/"), "--out / is not a file name");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "1", "--first-epoch", "2147483647", "--epochs", "2", "--out", out.toString()), "passes the last epoch");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "1", "--batches", "4611686018427387904", "--out", out.toString()), "too many for one output file");
        assertFalse(Files.exists(out));
    }

    @Test
    void badNumpyLabelsAreRefusedNamingTheFile() {
        Path out = dir.resolve("rows.npy");
        Cli r = Cli.run("sample", "--labels", "src/test/resources/npy/bigendian_i4.npy", "--classes-per-batch", "1",
                "--samples-per-class", "1", "--out", out.toString());
        assertRefused(r, "bigendian_i4.npy: ");
        assertFalse(Files.exists(out));
    }

    @Test
    void helpListsCommandsAndExitsZero() {
        Cli r = Cli.run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("sample"), r.out());
        Cli s = Cli.run("sample", "--help");
        assertEquals(0, s.status());
        assertTrue(s.out().contains("--classes-per-batch"));
    }

    /** Gathered rows equal the rows of the numpy-written features at the sampled indices. */
    @Test
    void gathersFeatureRowsForEachBatch() throws IOException {
        Path fixtures = Path.of("src/test/resources/npy");
        Path out = dir.resolve("rows.npy");
        Path feats = dir.resolve("feats.npy");
        Path hot = dir.resolve("hot.npy");
        Cli r = Cli.run("sample", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                fixtures.resolve("features_gather.npy").toString(), "--classes-per-batch", "3", "--samples-per-class", "2",
                "--seed", "9", "--batches", "11", "--out", out.toString(), "--features-out", feats.toString(),
                "--labels-out", hot.toString(), "--categorical");
        assertEquals(0, r.status(), r.err());
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (11, 6, 3, 5), }", Cli.header(feats));
        assertEquals("{'descr': '<f4', 'fortran_order': False, 'shape': (11, 6, 6), }", Cli.header(hot));
        int[] rows = Cli.ints(out);
        float[] source = Cli.floats(fixtures.resolve("features_gather.npy"));
        float[] got = Cli.floats(feats);
        for (int i = 0; i < rows.length; i++) {
            assertArrayEquals(Arrays.copyOfRange(source, rows[i] * 15, rows[i] * 15 + 15),
                    Arrays.copyOfRange(got, i * 15, i * 15 + 15), "entry " + i + ", row " + rows[i]);
        }
    }

    /** --features-out keeps the features' stored type: numpy's x[indices], byte for byte, for every type. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"features_gather.npy, <f4, 4", "features_f2_gather.npy, <f2, 2",
        "features_u1_gather.npy, |u1, 1", "features_i1_gather.npy, |i1, 1"})
    void featuresOutKeepsTheStoredType(String name, String descr, int size) throws IOException {
        Path fixtures = Path.of("src/test/resources/npy");
        Path out = dir.resolve("rows.npy");
        Path feats = dir.resolve("feats.npy");
        for (String prefetch : new String[] {"0", "2"}) {
            String[] args = {"sample", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                fixtures.resolve(name).toString(), "--classes-per-batch", "3", "--samples-per-class", "2",
                "--seed", "9", "--batches", "7", "--out", out.toString(), "--features-out", feats.toString()};
            Cli r = Cli.run(prefetch.equals("0") ? args : Stream.concat(Arrays.stream(args),
                    Stream.of("--prefetch", prefetch, "--threads", "2")).toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            assertEquals("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (7, 6, 3, 5), }", Cli.header(feats));
            int[] rows = Cli.ints(out);
            java.nio.ByteBuffer source = Cli.data(fixtures.resolve(name));
            java.nio.ByteBuffer expected = java.nio.ByteBuffer.allocate(rows.length * 15 * size);
            for (int row : rows) {
                expected.put(source.slice(row * 15 * size, 15 * size));
            }
            assertEquals(expected.flip(), Cli.data(feats), "prefetch " + prefetch);
            assertEquals(0, Files.size(feats) - rows.length * 15L * size - 128, "numpy's 64-byte aligned header");
        }
    }

    @Test
    void featureOptionsAreCheckedBeforeAnythingIsWritten() throws IOException {
        Path fixtures = Path.of("src/test/resources/npy");
        Path out = dir.resolve("rows.npy");
        Path feats = dir.resolve("feats.npy");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--features",
                fixtures.resolve("features_gather.npy").toString(), "--classes-per-batch", "2", "--samples-per-class", "2",
                "--out", out.toString(), "--features-out", feats.toString()),
                "features_gather.npy: 40 feature rows, but " + labelFile + " has 600 labels");
        assertRefused(Cli.run("sample", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                fixtures.resolve("labels_i4.npy").toString(), "--classes-per-batch", "2", "--samples-per-class", "2",
                "--out", out.toString(), "--features-out", feats.toString()),
                "labels_i4.npy: features must be float32, float16, uint8 or int8 ('<f4', '<f2', '|u1', '|i1'), got '<i4'");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--features",
                fixtures.resolve("features_gather.npy").toString(), "--classes-per-batch", "2", "--samples-per-class", "2",
                "--out", out.toString()), "--features needs --features-out");
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "2", "--samples-per-class",
                "2", "--out", out.toString(), "--features-out", out.toString()), "--features-out needs --features");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(feats));
    }

    /** §3: --prefetch and --threads change speed only; every output file is byte-identical. */
    @Test
    void prefetchAndThreadsGiveByteIdenticalOutput() throws IOException {
        Path fixtures = Path.of("src/test/resources/npy");
        String[][] variants = {{}, {"--prefetch", "1"}, {"--prefetch", "3", "--threads", "2"}, {"--prefetch", "8", "--threads", "3"},
            {"--threads", "2"}}; // --threads alone implies a prefetch

        byte[][] first = null;
        for (String[] v : variants) {
            Path d = Files.createDirectories(dir.resolve("v" + String.join("", v)));
            String[] base = {"sample", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                    fixtures.resolve("features_gather.npy").toString(), "--classes-per-batch", "3", "--samples-per-class", "3",
                    "--seed", "77", "--epochs", "4", "--first-epoch", "1", "--first-batch", "1", "--mix", "--categorical",
                    "--out", d.resolve("rows.npy").toString(), "--labels-out", d.resolve("labels.npy").toString(),
                    "--features-out", d.resolve("features.npy").toString()};
            Cli r = Cli.run(Stream.concat(Arrays.stream(base), Arrays.stream(v)).toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            byte[][] files = {Files.readAllBytes(d.resolve("rows.npy")), Files.readAllBytes(d.resolve("labels.npy")),
                Files.readAllBytes(d.resolve("features.npy"))};
            if (first == null) {
                first = files;
            } else {
                for (int i = 0; i < files.length; i++) {
                    assertArrayEquals(first[i], files[i], "file " + i + " with " + Arrays.toString(v));
                }
            }
        }
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "2", "--samples-per-class",
                "2", "--prefetch", "0", "--out", dir.resolve("x.npy").toString()), "--prefetch must be at least 1, got 0");
    }

    @Test
    void outputsThatCannotFitAreRefusedBeforeWriting() {
        Path out = dir.resolve("rows.npy");
        Path labelsOut = dir.resolve("labels.npy");
        // 34 billion batches of 4 entries with 25-wide one-hot labels: about 14 TB
        assertRefused(Cli.run("sample", "--labels", labelFile.toString(), "--classes-per-batch", "2", "--samples-per-class",
                "2", "--batches", "34000000000", "--categorical", "--out", out.toString(), "--labels-out", labelsOut.toString()),
                "the outputs need 14,144,000,000,000 bytes but only");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(labelsOut));
    }

    private static void assertRefused(Cli r, String message) {
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("error: "), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().contains(message), () -> "expected '" + message + "' in: " + r.err());
    }

    private long countFiles() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
