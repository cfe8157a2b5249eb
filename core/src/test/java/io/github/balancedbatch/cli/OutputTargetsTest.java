package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * §3 "Output targets" and exit status: what the tool may replace, aliasing, faults while reading,
 * bad input that must exit 2. Device nodes are made in a temporary folder (never the machine's
 * {@code /dev/null}): a bug replaces only our own node.
 */
class OutputTargetsTest {
    private static final int S_IFMT = 0170000;
    private static final int S_IFCHR = 0020000;
    private static final int S_IFIFO = 0010000;

    @TempDir
    Path dir;

    private Path labels;

    @BeforeEach
    void writeLabels() throws IOException {
        labels = dir.resolve("labels.txt");
        Files.writeString(labels, IntStream.range(0, 600).mapToObj(i -> Integer.toString(i % 20))
                .collect(Collectors.joining("\n", "", "\n")));
    }

    @AfterEach
    void noHook() {
        FeatureFiles.afterMap = null;
    }

    private String[] sample(String... more) {
        return Stream.concat(Stream.of("sample", "--labels", labels.toString(), "--classes-per-batch", "4",
                "--samples-per-class", "3", "--seed", "5"), Stream.of(more)).toArray(String[]::new);
    }

    private static void assertRefused(Cli r, String message) {
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().startsWith("error: ") && r.err().contains(message), "expected '" + message + "' in: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    /** Makes a device node with mknod (needs root; skipped otherwise). */
    private Path mknod(String name, char type, int major, int minor) throws Exception {
        Path p = dir.resolve(name);
        Process proc = new ProcessBuilder("mknod", p.toString(), String.valueOf(type), String.valueOf(major),
                String.valueOf(minor)).redirectErrorStream(true).start();
        assumeTrue(proc.waitFor() == 0 && Files.exists(p, LinkOption.NOFOLLOW_LINKS), "mknod needs root");
        return p;
    }

    private Path mkfifo(String name) throws Exception {
        Path p = dir.resolve(name);
        Process proc = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        assumeTrue(proc.waitFor() == 0, "mkfifo");
        return p;
    }

    private static int fileType(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & S_IFMT;
    }

    private List<String> leftovers() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).collect(Collectors.toList());
        }
    }

    @Test
    void characterDevicesAreWrittenThroughAndStayDevices() throws Exception {
        Path devNull = mknod("null", 'c', 1, 3);
        Path devNull2 = mknod("null2", 'c', 1, 3);
        Path features = dir.resolve("features.npy");
        writeFeatures(features, 600, 8);
        Cli r = Cli.run(sample("--features", features.toString(), "--out", devNull.toString(), "--features-out",
                devNull2.toString(), "--categorical", "--labels-out", dir.resolve("hot.npy").toString()));
        assertEquals(0, r.status(), r.err());
        assertEquals(S_IFCHR, fileType(devNull), "still a character device");
        assertEquals(S_IFCHR, fileType(devNull2), "still a character device");
        assertTrue(Files.exists(dir.resolve("hot.npy")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void aNamedPipeGetsTheSameBytesAsAFileAndStaysAPipe() throws Exception {
        Path pipe = mkfifo("pipe.npy");
        Path file = dir.resolve("rows.npy");
        assertEquals(0, Cli.run(sample("--epochs", "3", "--out", file.toString())).status());
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            try {
                return Files.readAllBytes(pipe); // opens when the writer opens, reads to its close
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Cli r = Cli.run(sample("--epochs", "3", "--prefetch", "2", "--out", pipe.toString()));
        assertEquals(0, r.status(), r.err());
        assertArrayEquals(Files.readAllBytes(file), read.get(30, TimeUnit.SECONDS));
        assertEquals(S_IFIFO, fileType(pipe), "still a named pipe");
    }

    @Test
    void aSymbolicLinkIsFollowedAndStaysALink() throws IOException {
        Path target = dir.resolve("target.npy");
        Files.write(target, OLD_NPY);
        Path link = Files.createSymbolicLink(dir.resolve("link.npy"), target.getFileName());
        Path dangling = Files.createSymbolicLink(dir.resolve("dangling.npy"), Path.of("new.npy"));
        assertEquals(0, Cli.run(sample("--out", link.toString(), "--labels-out", dangling.toString())).status());
        assertTrue(Files.isSymbolicLink(link), "the link stays a link");
        assertTrue(Files.isSymbolicLink(dangling));
        assertEquals("{'descr': '<i4', 'fortran_order': False, 'shape': (50, 12), }", Cli.header(target));
        assertEquals("{'descr': '<i4', 'fortran_order': False, 'shape': (50, 12), }", Cli.header(dir.resolve("new.npy")));
        assertEquals(List.of(), leftovers());
    }

    @Test
    void anExistingTargetKeepsItsPermissions() throws IOException {
        Path out = dir.resolve("rows.npy");
        Files.write(out, OLD_NPY);
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-r-----"));
        Path svg = dir.resolve("report.svg");
        Files.writeString(svg, "<svg>an earlier report</svg>");
        Files.setPosixFilePermissions(svg, PosixFilePermissions.fromString("rw----r--"));
        assertEquals(0, Cli.run(sample("--out", out.toString())).status());
        assertEquals(0, Cli.run("report", "--labels", labels.toString(), "--classes-per-batch", "4", "--samples-per-class",
                "3", "--seed", "1", "--out", svg.toString()).status());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals("rw----r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(svg)));
        assertTrue(Files.size(out) > OLD_NPY.length);
    }

    /** The start of an earlier output: what an existing target must hold to be replaced. */
    private static final byte[] OLD_NPY = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};

    /**
     * An existing file the tool could not have written (not a {@code .npy} file for sample, not SVG
     * or HTML for report) is refused and left as it was; an empty one is replaced.
     */
    @Test
    void anExistingFileThatIsNotTheToolsOwnKindIsNotReplaced() throws IOException {
        Path precious = dir.resolve("precious.txt");
        Files.writeString(precious, "precious");
        Cli r = Cli.run(sample("--out", precious.toString()));
        assertEquals(2, r.status());
        assertEquals("error: --out " + precious + " exists and is not a .npy file: the tool replaces only what it could"
                + " have written; remove it or choose another name\n", r.err());
        Path labelsOut = dir.resolve("keep.npy");
        Files.writeString(labelsOut, "not numpy");
        assertEquals(2, Cli.run(sample("--out", dir.resolve("rows.npy").toString(), "--labels-out", labelsOut.toString())).status());
        Path report = dir.resolve("notes.svg");
        Files.writeString(report, "my notes");
        Cli rep = Cli.run("report", "--labels", labels.toString(), "--classes-per-batch", "4", "--samples-per-class", "3",
                "--seed", "1", "--out", report.toString());
        assertEquals(2, rep.status());
        assertTrue(rep.err().contains("exists and is not an SVG or HTML file"), rep.err());
        assertEquals("precious", Files.readString(precious));
        assertEquals("not numpy", Files.readString(labelsOut));
        assertEquals("my notes", Files.readString(report));
        assertFalse(Files.exists(dir.resolve("rows.npy")), "no output of a refused run");
        Path empty = Files.createFile(dir.resolve("empty.npy"));
        assertEquals(0, Cli.run(sample("--out", empty.toString())).status());
        assertTrue(Files.size(empty) > 0);
        assertEquals(List.of(), leftovers());
    }

    @Test
    void directoriesSocketsAndBlockDevicesAreRefused() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub.npy"));
        assertRefused(Cli.run(sample("--out", sub.toString())), "--out " + sub + " is a directory");
        Path socket = dir.resolve("socket.npy");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            assertRefused(Cli.run(sample("--out", socket.toString())), "--out " + socket + " is a socket");
            assertRefused(Cli.run(sample("--out", dir.resolve("rows.npy").toString(), "--labels-out", socket.toString())),
                    "--labels-out " + socket + " is a socket");
        }
        // major 240 is reserved for local use: no driver stands behind this node
        Path block = mknod("block.npy", 'b', 240, 0);
        assertRefused(Cli.run(sample("--out", block.toString())), "is a block device");
        Path linkToBlock = Files.createSymbolicLink(dir.resolve("link.svg"), block);
        assertRefused(Cli.run("report", "--labels", labels.toString(), "--classes-per-batch", "4", "--samples-per-class",
                "3", "--out", linkToBlock.toString()), "is a block device");
        assertTrue(Files.isDirectory(sub));
        assertEquals(0060000, fileType(block));
        assertFalse(Files.exists(dir.resolve("rows.npy")));
    }

    @Test
    void reportWritesToDevicesAndReportsWriteFailuresInOneLine() throws Exception {
        Path devNull = mknod("null.svg", 'c', 1, 3);
        String[] report = {"report", "--labels", labels.toString(), "--classes-per-batch", "4", "--samples-per-class", "3",
            "--seed", "1", "--out"};
        Cli ok = Cli.run(Stream.concat(Stream.of(report), Stream.of(devNull.toString())).toArray(String[]::new));
        assertEquals(0, ok.status(), ok.err());
        assertEquals(S_IFCHR, fileType(devNull));
        Path devFull = mknod("full.svg", 'c', 1, 7);
        assertRefused(Cli.run(Stream.concat(Stream.of(report), Stream.of(devFull.toString())).toArray(String[]::new)),
                "No space left on device");
        Path longName = dir.resolve("x".repeat(300) + ".svg");
        assertRefused(Cli.run(Stream.concat(Stream.of(report), Stream.of(longName.toString())).toArray(String[]::new)),
                "File name too long");
        assertRefused(Cli.run(Stream.concat(Stream.of(report), Stream.of(dir.resolve("no/such.svg").toString()))
                .toArray(String[]::new)), "does not exist");
        assertEquals(List.of(), leftovers());
    }

    @Test
    void anOutputThatIsAnInputOrAnotherOutputIsRefusedBeforeWriting() throws IOException {
        String before = Files.readString(labels);
        Path features = dir.resolve("features.npy");
        writeFeatures(features, 600, 4);
        byte[] featureBytes = Files.readAllBytes(features);
        Path linkToLabels = Files.createSymbolicLink(dir.resolve("link.npy"), labels);
        Path hardLinkToLabels = Files.createLink(dir.resolve("hard.npy"), labels);
        Path hardLinkToFeatures = Files.createLink(dir.resolve("hard-features.npy"), features);
        Path rows = dir.resolve("rows.npy");
        Files.writeString(rows, "previous");
        Path hardLinkToRows = Files.createLink(dir.resolve("rows-again.npy"), rows);
        Path viaDotDot = dir.resolve("sub");
        Files.createDirectory(viaDotDot);

        assertRefused(Cli.run(sample("--out", labels.toString())), "--out " + labels + " is the same file as --labels");
        assertRefused(Cli.run(sample("--out", linkToLabels.toString())), "is the same file as --labels");
        assertRefused(Cli.run(sample("--out", hardLinkToLabels.toString())), "is the same file as --labels");
        assertRefused(Cli.run(sample("--out", rows.toString(), "--labels-out", viaDotDot.resolve("../labels.txt").toString())),
                "--labels-out");
        assertRefused(Cli.run(sample("--features", features.toString(), "--out", rows.toString(), "--features-out",
                features.toString())), "--features-out " + features + " is the same file as --features");
        assertRefused(Cli.run(sample("--features", features.toString(), "--out", rows.toString(), "--features-out",
                hardLinkToFeatures.toString())), "is the same file as --features");
        assertRefused(Cli.run(sample("--out", rows.toString(), "--labels-out", hardLinkToRows.toString())),
                "--out and --labels-out are the same file");
        assertRefused(Cli.run(sample("--out", dir.resolve("new.npy").toString(), "--labels-out",
                viaDotDot.resolve("../new.npy").toString())), "--out and --labels-out are the same file");
        assertRefused(Cli.run("report", "--labels", hardLinkToLabels.toString(), "--classes-per-batch", "4",
                "--samples-per-class", "3", "--out", Files.createSymbolicLink(dir.resolve("l.svg"), labels).toString()),
                "is the same file as --labels");

        assertEquals(before, Files.readString(labels));
        assertArrayEquals(featureBytes, Files.readAllBytes(features));
        assertEquals("previous", Files.readString(rows));
        assertFalse(Files.exists(dir.resolve("new.npy")));
        assertEquals(List.of(), leftovers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"inline", "prefetch"})
    void aFeaturesFileTruncatedWhileReadIsBadInputNamedInOneLine(String mode) throws IOException {
        Path features = dir.resolve("features.npy");
        writeFeatures(features, 600, 64); // 150 KiB: pages beyond the first vanish when truncated
        FeatureFiles.afterMap = p -> {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<String> args = new ArrayList<>(List.of(sample("--features", features.toString(), "--out",
                dir.resolve("rows.npy").toString(), "--features-out", dir.resolve("gathered.npy").toString())));
        if (mode.equals("prefetch")) {
            args.addAll(List.of("--prefetch", "4", "--threads", "2"));
        }
        Cli r = Cli.run(args.toArray(String[]::new));
        assertRefused(r, "error: " + features + ": changed or truncated while being read");
        assertFalse(Files.exists(dir.resolve("rows.npy")));
        assertFalse(Files.exists(dir.resolve("gathered.npy")));
        assertEquals(List.of(), leftovers());
    }

    /**
     * A fault in a mapped page can reach a thread late (after its rows were copied), and a file
     * replaced under the mapping never faults: the file itself is checked before anything is published.
     */
    @ParameterizedTest
    @ValueSource(strings = {"inline", "prefetch"})
    void aFeaturesFileReplacedWhileReadIsBadInputToo(String mode) throws IOException {
        Path features = dir.resolve("features.npy");
        writeFeatures(features, 600, 8);
        FeatureFiles.afterMap = p -> {
            try {
                Path other = dir.resolve("other.npy");
                writeFeatures(other, 600, 8);
                Files.move(other, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        List<String> args = new ArrayList<>(List.of(sample("--features", features.toString(), "--out",
                dir.resolve("rows.npy").toString(), "--features-out", dir.resolve("gathered.npy").toString())));
        if (mode.equals("prefetch")) {
            args.addAll(List.of("--prefetch", "4", "--threads", "2"));
        }
        assertRefused(Cli.run(args.toArray(String[]::new)), "error: " + features + ": changed or truncated while being read");
        assertFalse(Files.exists(dir.resolve("rows.npy")));
        assertEquals(List.of(), leftovers());
    }

    /** No Error reaches the user as a stack trace: an internal fault is one line and exit 1. */
    @Test
    void anErrorIsAnInternalFaultInOneLine() throws IOException {
        Path features = dir.resolve("features.npy");
        writeFeatures(features, 600, 2);
        FeatureFiles.afterMap = p -> {
            throw new StackOverflowError("deep");
        };
        Cli r = Cli.run(sample("--features", features.toString(), "--out", dir.resolve("rows.npy").toString(),
                "--features-out", dir.resolve("gathered.npy").toString()));
        assertEquals(1, r.status(), r.err());
        assertTrue(r.err().startsWith("error: internal fault: java.lang.StackOverflowError: deep at "), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void aOneHotMatrixTooWideForAnArrayIsBadInput() throws IOException {
        Path wide = dir.resolve("wide.npy");
        long data = writeHeaderOnly(wide, "|i1", 1, Integer.MAX_VALUE); // a sparse file of 2 GiB
        try (FileChannel ch = FileChannel.open(wide, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {1}), data); // row 0 is class 0
        }
        assertRefused(Cli.run("sample", "--labels", wide.toString(), "--classes-per-batch", "1", "--samples-per-class", "1",
                "--out", dir.resolve("rows.npy").toString()), wide + ": one-hot matrix of shape (1, 2147483647) has"
                        + " 2147483647 columns; at most 2147483638 are supported");
    }

    @Test
    void batchesTooLargeForOneBufferAreBadInput() throws IOException {
        Path many = dir.resolve("many.txt");
        Files.writeString(many, IntStream.range(0, 60_000).mapToObj(Integer::toString).collect(Collectors.joining("\n")));
        assertRefused(Cli.run("sample", "--labels", many.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "40000", "--categorical", "--labels-out", dir.resolve("hot.npy").toString(), "--out",
                dir.resolve("rows.npy").toString()), "--categorical: one batch of 40,000 one-hot rows x 60,000 classes");
        Path two = dir.resolve("two.txt");
        Files.writeString(two, "1\n2\n");
        Path wide = dir.resolve("wide.npy");
        writeFeatures(wide, 2, 100_000);
        assertRefused(Cli.run("sample", "--labels", two.toString(), "--classes-per-batch", "1", "--samples-per-class",
                "30000", "--features", wide.toString(), "--features-out", dir.resolve("f.npy").toString(), "--out",
                dir.resolve("rows.npy").toString()), "one batch of 30,000 rows x 100,000 floats");
        assertFalse(Files.exists(dir.resolve("rows.npy")));
    }

    @Test
    void theLastEpochExistsAndTheStreamEndsThere() throws IOException {
        Path out = dir.resolve("rows.npy");
        assertRefused(Cli.run(sample("--first-epoch", "2147483647", "--batches", "1000000", "--out", out.toString())),
                "--batches 1000000 passes the end of the stream: from epoch 2147483647, batch 0 only 50 batches remain");
        assertFalse(Files.exists(out));
        for (String prefetch : new String[] {"0", "1", "3"}) {
            List<String> args = new ArrayList<>(List.of(sample("--first-epoch", "2147483647", "--epochs", "1", "--out",
                    out.toString())));
            if (!prefetch.equals("0")) {
                args.addAll(List.of("--prefetch", prefetch));
            }
            Cli r = Cli.run(args.toArray(String[]::new));
            assertEquals(0, r.status(), r.err());
            assertEquals("{'descr': '<i4', 'fortran_order': False, 'shape': (50, 12), }", Cli.header(out));
        }
        Cli last = Cli.run(sample("--first-epoch", "2147483647", "--first-batch", "49", "--batches", "1", "--out",
                out.toString()));
        assertEquals(0, last.status(), last.err());
    }

    /** A float32 .npy of shape (rows, width) holding row * 1000 + column. */
    static void writeFeatures(Path p, int rows, int width) throws IOException {
        try (io.github.balancedbatch.npy.NpyWriter w = io.github.balancedbatch.npy.NpyWriter.create(p,
                io.github.balancedbatch.npy.NpyType.FLOAT32, rows, width)) {
            float[] row = new float[width];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < width; c++) {
                    row[c] = r * 1000f + c;
                }
                w.write(row, 0, width);
            }
            w.commit();
        }
    }

    /** A version 1.0 header for (rows, cols) of {@code descr}, then a sparse hole as long as the data; returns the data offset. */
    static long writeHeaderOnly(Path p, String descr, long rows, long cols) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) padded.length()).put(padded.getBytes(StandardCharsets.US_ASCII));
        Files.write(p, b.array());
        long size = "|i1".equals(descr) || "|u1".equals(descr) ? 1 : 4;
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(total + rows * cols * size);
        }
        return total;
    }
}
