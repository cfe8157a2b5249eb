package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import io.github.balancedbatch.synthetic.SyntheticLabels;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The class-choice strategy options (SPEC §5) of sample, inspect and report. */
class StrategyCommandsTest {
    @TempDir
    Path dir;

    private Path writeLabels(int[] labels) throws IOException {
        Path p = dir.resolve("labels.txt");
        Files.writeString(p, Arrays.stream(labels).mapToObj(Integer::toString).collect(Collectors.joining("\n")));
        return p;
    }

    @Test
    void sampleWritesTheLibrarysBatchesUnderEachStrategy() throws IOException {
        int[] labels = SyntheticLabels.zipf(2_000, 60, 1, 9);
        Path p = writeLabels(labels);
        String[][] strategies = {{"--class-weight-power", "0.5"}, {"--progressive-epochs", "2"},
            {"--min-samples-per-class", "5", "--class-weight-power", "1"}};
        for (String[] strategy : strategies) {
            Path out = dir.resolve("out.npy");
            String[] args = concat(new String[] {"sample", "--labels", p.toString(), "--classes-per-batch", "6",
                "--samples-per-class", "4", "--seed", "3", "--epochs", "3", "--out", out.toString()}, strategy);
            Cli r = Cli.run(args);
            assertEquals(0, r.status(), r.err());
            BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(ClassIndex.of(labels)).classesPerBatch(6)
                    .samplesPerClass(4).seed(3);
            for (int i = 0; i < strategy.length; i += 2) {
                switch (strategy[i]) {
                    case "--class-weight-power" -> b.classWeightPower(Double.parseDouble(strategy[i + 1]));
                    case "--progressive-epochs" -> b.progressiveEpochs(Integer.parseInt(strategy[i + 1]));
                    default -> b.minSamplesPerClass(Integer.parseInt(strategy[i + 1]));
                }
            }
            BalancedBatchSampler s = b.build();
            int[] expected = new int[3 * s.batchesPerEpoch() * s.batchSize()];
            BatchCursor cursor = s.cursor(0, 0);
            int[] rows = new int[s.batchSize()];
            for (int i = 0; i < 3 * s.batchesPerEpoch(); i++) {
                cursor.next(rows);
                System.arraycopy(rows, 0, expected, i * rows.length, rows.length);
            }
            assertArrayEquals(expected, Cli.ints(out), Arrays.toString(strategy));
        }
    }

    @Test
    void badStrategyValuesExitTwoWithOneErrorLine() throws IOException {
        Path p = writeLabels(SyntheticLabels.zipf(500, 20, 1, 2));
        Path out = dir.resolve("never.npy");
        String[][] bad = {
            {"--class-weight-power", "NaN"}, {"--class-weight-power", "-0.5"}, {"--class-weight-power", "1.5"},
            {"--progressive-epochs", "0"}, {"--min-samples-per-class", "0"},
            {"--class-weight-power", "0.5", "--progressive-epochs", "3"}};
        String[] messages = {
            "error: --class-weight-power must be in [0, 1], got NaN",
            "error: --class-weight-power must be in [0, 1], got -0.5",
            "error: --class-weight-power must be in [0, 1], got 1.5",
            "error: --progressive-epochs must be at least 1, got 0",
            "error: --min-samples-per-class must be at least 1, got 0",
            "error: --class-weight-power=0.5 and --progressive-epochs=3 cannot be combined: choose one strategy"};
        for (String command : new String[] {"sample", "report", "inspect"}) {
            for (int i = 0; i < bad.length; i++) {
                String[] args = command.equals("inspect")
                        ? concat(new String[] {command, "--labels", p.toString()}, bad[i])
                        : concat(new String[] {command, "--labels", p.toString(), "--classes-per-batch", "3",
                            "--samples-per-class", "2", "--out", command.equals("report") ? dir.resolve("r.svg").toString()
                                    : out.toString()}, bad[i]);
                Cli r = Cli.run(args);
                assertEquals(2, r.status(), command + " " + Arrays.toString(bad[i]));
                assertEquals(1, r.err().lines().count(), r.err());
                assertTrue(r.err().startsWith(messages[i]), r.err());
                assertEquals("", r.out(), "nothing printed before the error");
            }
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("r.svg")));
    }

    @Test
    void minimumSizeChecksPAgainstTheClassesThatRemain() throws IOException {
        int[] labels = new int[0];
        for (int c = 0; c < 12; c++) { // class c has c + 1 samples: 7 classes have at least 6
            int label = 100 + c;
            labels = concat(labels, IntStream.range(0, c + 1).map(i -> label).toArray());
        }
        Path p = writeLabels(labels);
        Cli r = Cli.run("sample", "--labels", p.toString(), "--classes-per-batch", "8", "--samples-per-class", "2",
                "--min-samples-per-class", "6", "--out", dir.resolve("o.npy").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: --classes-per-batch=8 exceeds the 7 classes with at least"
                + " --min-samples-per-class=6 samples (5 smaller classes left out)"), r.err());
        Cli inspect = Cli.run("inspect", "--labels", p.toString(), "--classes-per-batch", "8", "--min-samples-per-class", "6");
        assertEquals(0, inspect.status(), inspect.err());
        // left out: sizes 1..5 -> 5 classes, 15 samples; remain: 6..12 -> 7 classes, 63 samples
        assertTrue(inspect.out().contains("min size    6: 5 classes (15 samples) left out, 7 classes (63 samples) remain"),
                inspect.out());
        assertTrue(inspect.out().contains("P=8         NOT feasible: only 7 classes with at least 6 samples"), inspect.out());
        assertEquals(0, Cli.run("sample", "--labels", p.toString(), "--classes-per-batch", "7", "--samples-per-class", "2",
                "--min-samples-per-class", "6", "--out", dir.resolve("o.npy").toString()).status());
    }

    @Test
    void inspectShowsRawAndTargetShares() throws IOException {
        // sizes 64, 16, 4, 1: with q = 1/2 weights 8, 4, 2, 1 (sum 15), no cap without P and K
        int[] labels = new int[0];
        int[] sizes = {64, 16, 4, 1};
        for (int c = 0; c < 4; c++) {
            int label = 10 * c;
            labels = concat(labels, IntStream.range(0, sizes[c]).map(i -> label).toArray());
        }
        Cli r = Cli.run("inspect", "--labels", writeLabels(labels).toString(), "--class-weight-power", "0.5");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("strategy    class weighting power q=0.5"), r.out());
        String[] rows = r.out().lines().dropWhile(l -> !l.startsWith("shares")).skip(1).toArray(String[]::new);
        assertEquals(4, rows.length, r.out());
        double[] weights = {8, 4, 2, 1};
        for (int c = 0; c < 4; c++) {
            String[] f = rows[c].trim().split("\\s+");
            assertEquals(Integer.toString(10 * c), f[0]);
            assertEquals(Chart.percent(sizes[c] / 85.0), f[2]);
            assertEquals(Chart.percent(weights[c] / 15), f[3]);
        }
    }

    @Test
    void reportDrawsTargetsNextToAchievedShares() throws Exception {
        int[] labels = SyntheticLabels.zipf(600, 12, 2, 3);
        Path svg = dir.resolve("r.svg");
        Cli r = Cli.run("report", "--labels", writeLabels(labels).toString(), "--classes-per-batch", "3",
                "--samples-per-class", "4", "--seed", "5", "--progressive-epochs", "3", "--epoch", "1", "--out", svg.toString());
        assertEquals(0, r.status(), r.err());
        Document doc = parse(Files.readString(svg));
        double[] target = shares(doc, "target");
        double[] sampled = shares(doc, "sampled");
        assertEquals(12, target.length);
        BalancedBatchSampler s = BalancedBatchSampler.builder(ClassIndex.of(labels)).classesPerBatch(3).samplesPerClass(4)
                .seed(5).progressiveEpochs(3).build();
        double[] expected = s.targetShares(1); // class c of zipf() is the c-th largest: bar c
        double slots = 3.0 * s.batchesPerEpoch();
        for (int c = 0; c < 12; c++) {
            assertEquals(expected[c], target[c], 1e-12, "target of rank " + (c + 1));
            // achieved: within one appearance of the target
            assertTrue(Math.abs(sampled[c] - target[c]) * slots < 1 + 1e-9, "rank " + (c + 1) + ": " + sampled[c] + " vs " + target[c]);
        }
        assertEquals(1.0, Arrays.stream(target).sum(), 1e-9);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static double[] shares(Document doc, String series) {
        NodeList rects = doc.getElementsByTagName("rect");
        return IntStream.range(0, rects.getLength()).mapToObj(i -> (Element) rects.item(i))
                .filter(e -> series.equals(e.getAttribute("class")))
                .mapToDouble(e -> Double.parseDouble(e.getAttribute("data-share"))).toArray();
    }
}
