package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** inspect, bench, report, the demo and progress: output parsed and checked against numbers computed here. */
class OtherCommandsTest {
    @TempDir
    Path dir;

    private Path writeLabels(int[] labels) throws IOException {
        Path p = dir.resolve("labels.txt");
        Files.writeString(p, Arrays.stream(labels).mapToObj(Integer::toString).collect(Collectors.joining("\n")));
        return p;
    }

    private static Map<String, String> fields(String out) {
        Map<String, String> m = new HashMap<>();
        out.lines().forEach(l -> {
            String[] kv = l.split("\\s+", 2);
            m.put(kv[0], kv.length > 1 ? kv[1] : "");
        });
        return m;
    }

    /** {@code --version} works on every command and prints the same line (the jar manifest's version). */
    @Test
    void everyCommandPrintsTheVersion() {
        Cli top = Cli.run("--version");
        assertEquals(0, top.status(), top.err());
        assertTrue(top.out().startsWith("balanced-batch "), top.out());
        for (String command : new String[] {"sample", "inspect", "bench", "report"}) {
            Cli r = Cli.run(command, "--version");
            assertEquals(0, r.status(), command + ": " + r.err());
            assertEquals(top.out(), r.out(), command + " --version");
        }
    }

    @Test
    void inspectReportsSizesImbalanceAndEpochLength() throws IOException {
        // sizes: label 3 x5, label -5 x1, label 7 x2, label 1000000 x4 -> min 1, median 3, max 5
        int[] labels = {3, 3, 3, 3, 3, -5, 7, 7, 1_000_000, 1_000_000, 1_000_000, 1_000_000};
        Path p = writeLabels(labels);
        Cli r = Cli.run("inspect", "--labels", p.toString(), "--classes-per-batch", "3", "--samples-per-class", "3");
        assertEquals(0, r.status(), r.err());
        Map<String, String> f = fields(r.out());
        assertEquals("12", f.get("samples"));
        assertEquals("4", f.get("classes"));
        assertEquals("size  min 1, median 3, max 5", f.get("class"));
        assertTrue(f.get("imbalance").startsWith("5x"), f.get("imbalance"));
        assertTrue(f.get("below").startsWith("K=3   2 classes have fewer than 3"), f.get("below"));
        assertTrue(f.get("P=3").startsWith("feasible (4 classes"), r.out());
        assertTrue(f.get("epoch").startsWith("2 batches of 9 indices"), r.out()); // ceil(12 / 9)
        Cli infeasible = Cli.run("inspect", "--labels", p.toString(), "--classes-per-batch", "5");
        assertEquals(0, infeasible.status());
        assertTrue(infeasible.out().contains("P=5         NOT feasible: only 4 non-empty classes"), infeasible.out());
        assertEquals(2, Cli.run("inspect", "--labels", dir.resolve("missing.txt").toString()).status());
        assertEquals(2, Cli.run("inspect", "--labels", p.toString(), "--samples-per-class", "0").status());
    }

    @Test
    void inspectCountsEmptyOneHotColumns() {
        Cli r = Cli.run("inspect", "--labels", "src/test/resources/npy/onehot_i4_empty_col.npy");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("non-empty; empty one-hot columns are never chosen"), r.out());
    }

    private static final Pattern SAMPLE = Pattern.compile("(?m)^sample: ([0-9.]+) ns/batch, ([0-9.]+) ns/index, (\\d+) batches/s$");
    private static final Pattern GATHER = Pattern.compile("(?m)^gather: ([0-9.]+) ns/batch, ([0-9.]+) GB/s$");

    @Test
    void benchPrintsMachineReadableLinesThatAgree() {
        Path fixtures = Path.of("src/test/resources/npy");
        Cli r = Cli.run("bench", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                fixtures.resolve("features_gather.npy").toString(), "--classes-per-batch", "3", "--samples-per-class", "4",
                "--seed", "1", "--seconds", "0.05");
        assertEquals(0, r.status(), r.err());
        Matcher s = SAMPLE.matcher(r.out());
        assertTrue(s.find(), r.out());
        double nsPerBatch = Double.parseDouble(s.group(1));
        // the printed figures are rounded (ns/batch to 0.1): compare within that rounding
        assertEquals(nsPerBatch / 12, Double.parseDouble(s.group(2)), 0.06 / 12 + 0.006);
        assertEquals(1e9 / nsPerBatch, Long.parseLong(s.group(3)), 1e9 / nsPerBatch * 0.01 + 1);
        Matcher g = GATHER.matcher(r.out());
        assertTrue(g.find(), r.out());
        double bytes = 12 * 15 * 4;
        double gatherNs = Double.parseDouble(g.group(1));
        assertEquals(bytes / gatherNs, Double.parseDouble(g.group(2)), bytes / gatherNs * 0.06 / gatherNs + 0.006);
        assertTrue(r.out().contains("40 samples, 6 classes; P=3, K=4: 12 indices per batch"), r.out());
        assertEquals(2, Cli.run("bench", "--labels", fixtures.resolve("labels_gather.npy").toString(),
                "--classes-per-batch", "3", "--samples-per-class", "4", "--seconds", "-1").status());
    }

    /** bench names the stored type, and its GB/s counts the bytes read (1 per uint8 value, 2 per float16). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"features_u1_gather.npy, uint8 ('|u1'), 1",
        "features_f2_gather.npy, float16 ('<f2'), 2", "features_gather.npy, float32 ('<f4'), 4"})
    void benchReportsTheStoredTypeAndTheBytesRead(String name, String type, int size) {
        Path fixtures = Path.of("src/test/resources/npy");
        Cli r = Cli.run("bench", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                fixtures.resolve(name).toString(), "--classes-per-batch", "3", "--samples-per-class", "4",
                "--seed", "1", "--seconds", "0.05");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("features: " + type + ", 40 rows of 15 values, " + ClassStats.count(600 * size) + " bytes"), r.out());
        Matcher g = GATHER.matcher(r.out());
        assertTrue(g.find(), r.out());
        double bytes = 12 * 15 * size;
        double gatherNs = Double.parseDouble(g.group(1));
        assertEquals(bytes / gatherNs, Double.parseDouble(g.group(2)), bytes / gatherNs * 0.06 / gatherNs + 0.006);
    }

    @Test
    void inspectDescribesAFeatureFile() {
        Path fixtures = Path.of("src/test/resources/npy");
        Cli r = Cli.run("inspect", "--features", fixtures.resolve("features_f2_gather.npy").toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("type        float16 ('<f2'), 2 bytes per value\n"), r.out());
        assertTrue(r.out().contains("shape       (40, 3, 5): 40 rows of 15 values\n"), r.out());
        assertTrue(r.out().contains("size        1,200 bytes (30 per row)\n"), r.out());
        Cli both = Cli.run("inspect", "--labels", fixtures.resolve("labels_gather.npy").toString(), "--features",
                fixtures.resolve("features_u1_gather.npy").toString());
        assertEquals(0, both.status(), both.err());
        assertTrue(both.out().contains("type        uint8 ('|u1'), 1 byte per value\n"), both.out());
        assertTrue(both.out().contains("classes     6"), both.out());
        assertEquals(2, Cli.run("inspect").status());
        Cli ints = Cli.run("inspect", "--features", fixtures.resolve("labels_i4.npy").toString());
        assertEquals(0, ints.status(), ints.err());
        assertTrue(ints.out().contains("type        int32 ('<i4'), 4 bytes per value\n"), ints.out());
        assertTrue(ints.out().contains("sampling    refused: features must be float32, float16, uint8 or int8"), ints.out());
        assertEquals(2, Cli.run("inspect", "--features", fixtures.resolve("features_gather.npy").toString(),
                "--classes-per-batch", "2").status());
    }

    @Test
    void inspectNamesTheFeatureTypesForAFeatureFileOfAnotherType() throws IOException {
        Path bool = dir.resolve("bool.npy");
        String header = "{'descr': '|b1', 'fortran_order': False, 'shape': (2, 3), }";
        Files.write(bool, npy(header, 6));
        Cli r = Cli.run("inspect", "--features", bool.toString());
        assertEquals(2, r.status());
        assertEquals("error: " + bool + ": dtype '|b1' is not supported; features must be float32, float16, uint8 or int8"
                + " ('<f4', '<f2', '|u1', '|i1')", r.err().strip());
    }

    @Test
    void inspectDescribesAFeatureFileThatSamplingWouldRefuse() throws IOException {
        Path wide = dir.resolve("wide.npy");
        String header = "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2147483647), }";
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(wide.toFile(), "rw")) {
            byte[] start = npy(header, 0);
            f.write(start);
            f.setLength(start.length + 2147483647L); // sparse: no disk space is used
        }
        Cli r = Cli.run("inspect", "--features", wide.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("shape       (1, 2147483647): 1 row of 2,147,483,647 values\n"), r.out());
        assertTrue(r.out().contains("size        2,147,483,647 bytes (2,147,483,647 per row)\n"), r.out());
        assertTrue(r.out().contains("sampling    refused: one row of shape [2147483647] holds more than"), r.out());
    }

    @Test
    void inspectTakesTheBatchShapingOptionsOfSample() throws IOException {
        Path p = writeLabels(SyntheticLabels.zipf(500, 10, 2, 3));
        Cli r = Cli.run("inspect", "--labels", p.toString(), "--classes-per-batch", "3", "--samples-per-class", "4",
                "--seed", "1", "--mix", "--no-shuffle", "--world-size", "2", "--rank", "1");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("epoch       21 batches of 12 indices per rank (ceil(500 / (12 x 2)))"), r.out());
        assertTrue(r.out().contains("for 6 classes per batch over 2 ranks"), r.out());
        Cli bad = Cli.run("inspect", "--labels", p.toString(), "--rank", "2", "--world-size", "2");
        assertEquals(2, bad.status());
        assertEquals("error: --rank must be in [0, 2), got 2", bad.err().strip());
    }

    /** A version 1.0 .npy file: the header dictionary padded to 64 bytes, then {@code dataBytes} zeros. */
    private static byte[] npy(String dict, int dataBytes) {
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String h = dict + " ".repeat(pad) + "\n";
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(10 + h.length() + dataBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) h.length()).put(h.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return b.array();
    }

    @Test
    void reportDrawsOneBarPerClassAndSeriesWithTheRightShares() throws Exception {
        int[] labels = SyntheticLabels.zipf(500, 10, 2, 3);
        Path p = writeLabels(labels);
        Path svg = dir.resolve("r.svg");
        Cli r = Cli.run("report", "--labels", p.toString(), "--classes-per-batch", "3", "--samples-per-class", "5",
                "--seed", "4", "--out", svg.toString());
        assertEquals(0, r.status(), r.err());
        Document doc = parse(Files.readString(svg));
        assertEquals("svg", doc.getDocumentElement().getTagName());
        double[] raw = shares(doc, "raw");
        double[] sampled = shares(doc, "sampled");
        assertEquals(10, raw.length);
        assertEquals(10, sampled.length);
        // Independently: class c of zipf() is the c-th largest; shares from the labels and from the sampler.
        ClassIndex index = ClassIndex.of(labels);
        BalancedBatchSampler s = BalancedBatchSampler.builder(index).classesPerBatch(3).samplesPerClass(5).seed(4).build();
        long[] drawn = new long[10];
        int[] rows = new int[15];
        var cursor = s.cursor(0, 0);
        for (int b = 0; b < s.batchesPerEpoch(); b++) {
            cursor.next(rows);
            for (int row : rows) {
                drawn[labels[row]]++;
            }
        }
        long total = Arrays.stream(drawn).sum();
        for (int c = 0; c < 10; c++) {
            assertEquals(index.size(c) / 500.0, raw[c], 1e-12, "raw share of rank " + (c + 1));
            assertEquals(drawn[c] / (double) total, sampled[c], 1e-12, "sampled share of rank " + (c + 1));
        }
    }

    @Test
    void reportNamesItsBarsByTheirLabelValuesWhereTheyFit() throws Exception {
        int[] labels = new int[60];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 30 ? 1000000 : i < 50 ? -5 : 7;
        }
        Path p = writeLabels(labels);
        Path svg = dir.resolve("three.svg");
        Cli r = Cli.run("report", "--labels", p.toString(), "--classes-per-batch", "2", "--samples-per-class", "3",
                "--seed", "1", "--out", svg.toString());
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(svg);
        for (String value : new String[] {"1000000", "-5", "7"}) {
            assertTrue(text.contains(">" + value + "</text>"), value + " under its bar");
        }
        assertTrue(text.contains("<title>class 1000000 (rank 1), raw: 50.0%</title>"), text);
        assertTrue(text.contains("<title>class 7 (rank 3), sampled: "), text);
        assertFalse(text.contains("class rank"), text);
        Path many = writeLabels(SyntheticLabels.zipf(20_000, 300, 1, 5));
        Cli crowded = Cli.run("report", "--labels", many.toString(), "--classes-per-batch", "8", "--samples-per-class", "2",
                "--seed", "1", "--out", svg.toString());
        assertEquals(0, crowded.status(), crowded.err());
        assertFalse(Files.readString(svg).contains(">299</text>"), "300 labels do not fit under 300 bars of 3 pixels");
    }

    @Test
    void reportAggregatesTenThousandClassesIntoBucketsAndWritesHtml() throws Exception {
        int[] labels = SyntheticLabels.zipf(60_000, 10_000, 2, 5);
        Path p = writeLabels(labels);
        Path html = dir.resolve("r.html");
        Cli r = Cli.run("report", "--labels", p.toString(), "--classes-per-batch", "50", "--samples-per-class", "4",
                "--seed", "4", "--out", html.toString());
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(html);
        assertTrue(text.startsWith("<!DOCTYPE html>"));
        assertFalse(text.contains("<script") || text.contains("http://") && !text.contains("http://www.w3.org/2000/svg"),
                "self-contained");
        Document doc = parse(text.substring(text.indexOf('\n') + 1));
        double[] raw = shares(doc, "raw");
        assertEquals(ReportCommand.MAX_BARS, raw.length);
        assertEquals(ReportCommand.MAX_BARS, shares(doc, "sampled").length);
        double sum = 0;
        for (double v : raw) {
            sum += v * 100; // each bucket holds 100 classes; its bar is the mean share of one class
        }
        assertEquals(1.0, sum, 1e-9);
        for (int i = 1; i < raw.length; i++) {
            assertTrue(raw[i] <= raw[i - 1], "buckets sorted by raw frequency");
        }
    }

    @Test
    void reportRefusesOtherExtensionsAndLeavesNothingBehind() throws IOException {
        Path p = writeLabels(new int[] {1, 2, 2});
        Path out = dir.resolve("r.png");
        Cli r = Cli.run("report", "--labels", p.toString(), "--classes-per-batch", "1", "--samples-per-class", "1",
                "--out", out.toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: --out " + out + ": the report is written as .svg or .html"), r.err());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void demoShowsTheDataSetBatchesBalanceAndSpeed() {
        StringWriter out = new StringWriter();
        new Demo(new PrintWriter(out, true)).run();
        String text = out.toString();
        ClassIndex index = ClassIndex.of(SyntheticLabels.zipf(Demo.SAMPLES, Demo.CLASSES, 2, Demo.SEED));
        ClassStats stats = new ClassStats(index);
        assertTrue(text.contains("200,000 samples, 2,000 classes"), text);
        assertTrue(text.contains("smallest " + ClassStats.count(stats.min) + ", median " + ClassStats.number(stats.median)
                + ", largest " + ClassStats.count(stats.max)), text);
        assertTrue(text.contains("P = 75 classes x K = 10 samples = 750 indices; 267 batches per epoch"), text);
        assertEquals(3, Pattern.compile("(?m)^batch \\d").matcher(text).results().count());
        Matcher common = Pattern.compile("commonest class +(\\d+): +([0-9.]+)% of the data, +([0-9.]+)% of the batches").matcher(text);
        assertTrue(common.find(), text);
        assertEquals(0, Integer.parseInt(common.group(1)));
        assertEquals(100.0 * index.size(0) / Demo.SAMPLES, Double.parseDouble(common.group(2)), 0.001);
        // 267 batches x 75 classes = 20,025 class slots over 2,000 classes: every class 10 or 11 times
        double share = Double.parseDouble(common.group(3));
        assertTrue(share >= 100.0 * 100 / (267 * 750) - 0.001 && share <= 100.0 * 110 / (267 * 750) + 0.001, text);
        assertTrue(Pattern.compile("speed +[0-9,.]+ ns per batch, [0-9.]+ ns per index, [0-9,]+ batches/s").matcher(text).find(), text);
    }

    @Test
    void progressPrintsOnlyWhenEnabledAndClearsItsLine() throws InterruptedException {
        StringWriter quiet = new StringWriter();
        Progress off = new Progress(new PrintWriter(quiet, true), "batches", 100, false);
        off.update(0);
        off.done();
        assertEquals("", quiet.toString());
        StringWriter loud = new StringWriter();
        Progress on = new Progress(new PrintWriter(loud, true), "batches", 128, true);
        Thread.sleep(600);
        on.update(64);
        on.done();
        assertTrue(loud.toString().startsWith("\rbatches: 64 / 128 (50%)"), loud.toString());
        assertTrue(loud.toString().endsWith("\r\033[K"));
    }

    @Test
    void everyCommandHasHelp() {
        for (String c : new String[] {"sample", "inspect", "bench", "report"}) {
            Cli r = Cli.run(c, "--help");
            assertEquals(0, r.status(), c);
            assertTrue(r.out().contains("--labels"), c);
        }
        Cli all = Cli.run("--help");
        for (String c : new String[] {"sample", "inspect", "bench", "report"}) {
            assertTrue(all.out().contains("  " + c + " "), all.out());
        }
    }

    private static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static double[] shares(Document doc, String series) {
        NodeList rects = doc.getElementsByTagName("rect");
        return java.util.stream.IntStream.range(0, rects.getLength()).mapToObj(i -> (Element) rects.item(i))
                .filter(e -> series.equals(e.getAttribute("class")))
                .mapToDouble(e -> Double.parseDouble(e.getAttribute("data-share"))).toArray();
    }
}
