package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.npy.NpyWriter;
import io.github.balancedbatch.sampler.BalancedBatchSampler;
import io.github.balancedbatch.sampler.BatchCursor;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-label batches through the tool: --multi-label on sample, inspect, report and bench. */
class MultiLabelCommandsTest {
    @TempDir
    Path dir;

    /** Number of samples, of distinct labels, and of multi-hot columns (the last column is empty). */
    private static final int N = 150;
    private static final int C = 12;
    private static final int WIDTH = C + 1;

    /**
     * Sample i holds the class ordinals {@code CLASSES[OFFSETS[i] .. OFFSETS[i + 1])} (ascending):
     * a first class skewed towards small ordinals, for every fourth sample a second one, for every
     * tenth a third. Class c has the label value 7c - 20 in text files and is column c of the
     * multi-hot matrix.
     */
    private static final int[] OFFSETS = new int[N + 1];
    private static final int[] CLASSES;

    static {
        java.util.List<Integer> all = new java.util.ArrayList<>();
        for (int i = 0; i < N; i++) {
            java.util.TreeSet<Integer> mine = new java.util.TreeSet<>();
            int first = (int) ((long) i * i * 7 % 97) % C;
            mine.add(first * first % C);
            if (i % 4 == 0) {
                mine.add((first + 1 + i % 5) % C);
            }
            if (i % 10 == 0) {
                mine.add((first + 7) % C);
            }
            all.addAll(mine);
            OFFSETS[i + 1] = all.size();
        }
        CLASSES = all.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int value(int c) {
        return 7 * c - 20;
    }

    /** The label values, CSR over {@link #OFFSETS}. */
    private static int[] values() {
        return Arrays.stream(CLASSES).map(MultiLabelCommandsTest::value).toArray();
    }

    /** One line per sample, its label values separated by spaces (in descending order: the order written is free). */
    private Path text(String name) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < N; i++) {
            for (int p = OFFSETS[i + 1] - 1; p >= OFFSETS[i]; p--) {
                b.append(value(CLASSES[p])).append(p == OFFSETS[i] ? "\n" : " ");
            }
        }
        Path p = dir.resolve(name);
        Files.writeString(p, b.toString());
        return p;
    }

    /** The (N, WIDTH) multi-hot matrix of the classes, as floats, row after row. */
    private static float[] hot() {
        float[] m = new float[N * WIDTH];
        for (int i = 0; i < N; i++) {
            for (int p = OFFSETS[i]; p < OFFSETS[i + 1]; p++) {
                m[i * WIDTH + CLASSES[p]] = 1;
            }
        }
        return m;
    }

    private Path npy(String name, int[] values, long... shape) throws IOException {
        Path p = dir.resolve(name);
        try (NpyWriter w = NpyWriter.create(p, NpyType.INT32, shape)) {
            w.write(values, 0, values.length);
            w.commit();
        }
        return p;
    }

    private Path multiHot(String name) throws IOException {
        float[] m = hot();
        int[] ints = new int[m.length];
        for (int i = 0; i < m.length; i++) {
            ints[i] = (int) m[i];
        }
        return npy(name, ints, N, WIDTH);
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The library's sampler for {@code variant}, and the first epoch and batch it asks for. */
    private static Object[] sampler(ClassIndex index, String[] variant) {
        BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(index).classesPerBatch(4).samplesPerClass(3).seed(8);
        int epoch = 0;
        int first = 0;
        for (int i = 0; i < variant.length; i++) {
            switch (variant[i]) {
                case "--mix" -> b.mix(true);
                case "--no-shuffle" -> b.shuffle(false);
                case "--class-weight-power" -> b.classWeightPower(Double.parseDouble(variant[++i]));
                case "--progressive-epochs" -> b.progressiveEpochs(Integer.parseInt(variant[++i]));
                case "--min-samples-per-class" -> b.minSamplesPerClass(Integer.parseInt(variant[++i]));
                case "--rank" -> b.shard(Integer.parseInt(variant[++i]), Integer.parseInt(variant[i += 2]));
                case "--first-epoch" -> epoch = Integer.parseInt(variant[++i]);
                case "--first-batch" -> first = Integer.parseInt(variant[++i]);
                default -> throw new AssertionError(variant[i]);
            }
        }
        return new Object[] {b.build(), epoch, first};
    }

    @Test
    void sampleWritesTheLibrarysBatchesTheirAnchorsAndTheSamplesMultiHotRows() throws IOException {
        ClassIndex byValue = ClassIndex.ofMultiLabel(OFFSETS, values());
        ClassIndex byColumn = ClassIndex.ofMultiHot(OFFSETS, CLASSES, WIDTH);
        Path text = text("tags.txt");
        Path matrix = multiHot("tags.npy");
        float[] hot = hot();
        String[][] variants = {{}, {"--mix"}, {"--class-weight-power", "0.5"}, {"--progressive-epochs", "2", "--no-shuffle"},
            {"--rank", "1", "--world-size", "2", "--min-samples-per-class", "3"}, {"--first-epoch", "1", "--first-batch", "3"}};
        for (boolean columns : new boolean[] {false, true}) {
            ClassIndex index = columns ? byColumn : byValue;
            Path labels = columns ? matrix : text;
            for (String[] variant : variants) {
                String what = labels.getFileName() + " " + Arrays.toString(variant);
                Path out = dir.resolve("out.npy");
                Path anchors = dir.resolve("anchors.npy");
                Path rowsOut = dir.resolve("hot.npy");
                String[] base = {"sample", "--multi-label", "--labels", labels.toString(), "--classes-per-batch", "4",
                    "--samples-per-class", "3", "--seed", "8", "--epochs", "2", "--out", out.toString()};
                Cli r = Cli.run(concat(concat(base, "--labels-out", anchors.toString()), variant));
                assertEquals(0, r.status(), what + ": " + r.err());
                Cli c = Cli.run(concat(concat(base, "--labels-out", rowsOut.toString(), "--categorical", "--prefetch", "3",
                        "--threads", "2"), variant));
                assertEquals(0, c.status(), what + ": " + c.err());
                Object[] s = sampler(index, variant);
                BalancedBatchSampler sampler = (BalancedBatchSampler) s[0];
                int size = sampler.batchSize();
                int count = 2 * sampler.batchesPerEpoch() - (int) s[2];
                int[] wantRows = new int[count * size];
                int[] wantAnchors = new int[count * size];
                float[] wantHot = new float[count * size * index.classCount()];
                BatchCursor cursor = sampler.cursor((int) s[1], (int) s[2]);
                int[] rows = new int[size];
                int[] classes = new int[size];
                for (int b = 0; b < count; b++) {
                    cursor.next(rows, classes);
                    for (int i = 0; i < size; i++) {
                        int at = b * size + i;
                        wantRows[at] = rows[i];
                        wantAnchors[at] = columns ? classes[i] : value(classes[i]);
                        // the file's row: for text, class ordinal c is value 7c - 20, the c-th smallest
                        System.arraycopy(hot, rows[i] * WIDTH, wantHot, at * index.classCount(), index.classCount());
                        assertEquals(1f, hot[rows[i] * WIDTH + classes[i]], what + ": the sample holds its anchor");
                    }
                }
                assertArrayEquals(wantRows, Cli.ints(out), what);
                assertArrayEquals(wantAnchors, Cli.ints(anchors), what);
                assertArrayEquals(wantHot, Cli.floats(rowsOut), what);
                assertTrue(Cli.header(rowsOut).contains("'shape': (" + count + ", 12, " + (columns ? WIDTH : C) + ")"),
                        Cli.header(rowsOut));
            }
        }
    }

    @Test
    void theExampleTagsHoldTheExampleLabels() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> labels = Files.readAllLines(root.resolve("examples/labels.txt"));
        List<String> tags = Files.readAllLines(root.resolve("examples/tags.txt"));
        assertEquals(labels.size(), tags.size());
        int two = 0;
        for (int i = 0; i < labels.size(); i++) {
            List<String> mine = Arrays.asList(tags.get(i).trim().split(" +"));
            assertEquals(labels.get(i).trim(), mine.get(0), "line " + (i + 1));
            two += mine.size() == 2 ? 1 : 0;
        }
        assertTrue(two > 0 && two < labels.size(), two + " samples with two labels");
    }

    @Test
    void badMultiLabelInputExitsTwoWithOneErrorLineAndNoOutput() throws IOException {
        Path good = text("tags.txt");
        Path categories = dir.resolve("categories.txt");
        Files.writeString(categories, "1\n".repeat(N));
        Path blank = dir.resolve("blank.txt");
        Files.writeString(blank, "3 4\n5\n\n4\n");
        int[] two = new int[N * WIDTH];
        for (int i = 0; i < N; i++) {
            two[i * WIDTH + i % C] = 1;
        }
        two[5 * WIDTH + 2] = 2;
        Path notBinary = npy("two.npy", two, N, WIDTH);
        int[] empty = two.clone();
        empty[5 * WIDTH + 2] = 0;
        empty[5 * WIDTH + 5] = 0;
        Path noLabel = npy("empty.npy", empty, N, WIDTH);
        Path oneD = npy("one.npy", new int[] {1, 2, 3}, 3);
        String[][] bad = {
            {"--labels", blank.toString()},
            {"--labels", notBinary.toString()},
            {"--labels", noLabel.toString()},
            {"--labels", good.toString(), "--categories", categories.toString(), "--categories-per-batch", "1"},
            {"--labels", good.toString(), "--categories", categories.toString()},
            {"--labels", oneD.toString()}};
        String[] messages = {
            "error: " + blank + ": line 3: blank line: sample 2 holds no label (expected one or more integer labels per line,"
                    + " separated by spaces or tabs)",
            "error: " + notBinary + ": row 5, column 2 of the multi-hot matrix is 2; expected 0 or 1",
            "error: " + noLabel + ": sample 5 holds no label (row 5 of the multi-hot matrix is all zeros)",
            "error: --multi-label and --categories are mutually exclusive: a class of multi-label data has no single category",
            "error: --multi-label and --categories are mutually exclusive: a class of multi-label data has no single category",
            "error: " + oneD + ": 1-D array of shape (3,) is not a multi-hot matrix; expected a multi-hot matrix of shape"
                    + " (N, C) (without --multi-label it is read as one label per sample)"};
        Path out = dir.resolve("never.npy");
        Path labelsOut = dir.resolve("never-labels.npy");
        Path svg = dir.resolve("never.svg");
        for (String command : new String[] {"sample", "report", "bench", "inspect"}) {
            for (int i = 0; i < bad.length; i++) {
                String[] args = concat(new String[] {command, "--multi-label", "--classes-per-batch", "2", "--samples-per-class",
                    "2"}, bad[i]);
                switch (command) {
                    case "sample" -> args = concat(args, "--out", out.toString(), "--labels-out", labelsOut.toString(),
                            "--categorical");
                    case "report" -> args = concat(args, "--out", svg.toString());
                    case "bench" -> args = concat(args, "--seconds", "0.01");
                    default -> { }
                }
                Cli r = Cli.run(args);
                String what = command + " " + Arrays.toString(bad[i]);
                assertEquals(2, r.status(), what + ": " + r.out());
                assertEquals(messages[i], r.err().strip(), what);
                assertEquals("", r.out(), what + ": nothing printed before the error");
            }
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(labelsOut));
        assertFalse(Files.exists(svg));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("never")
                    || n.startsWith(".never")).collect(Collectors.toList()), "no temporary file left");
        }
        Cli noLabels = Cli.run("inspect", "--multi-label", "--features", notBinary.toString());
        assertEquals("error: --multi-label needs --labels", noLabels.err().strip());
    }

    @Test
    void inspectShowsTheMembershipsAndTheEpochOfTheMultiLabelRule() throws IOException {
        ClassIndex index = ClassIndex.ofMultiLabel(OFFSETS, values());
        long memberships = CLASSES.length;
        int most = 0;
        for (int i = 0; i < N; i++) {
            most = Math.max(most, OFFSETS[i + 1] - OFFSETS[i]);
        }
        Path labels = text("tags.txt");
        Cli r = Cli.run("inspect", "--multi-label", "--labels", labels.toString(), "--classes-per-batch", "4",
                "--samples-per-class", "3", "--world-size", "2");
        assertEquals(0, r.status(), r.err());
        BalancedBatchSampler s = BalancedBatchSampler.builder(index).classesPerBatch(4).samplesPerClass(3).shard(0, 2).seed(1)
                .build();
        assertEquals((memberships + 23) / 24, s.batchesPerEpoch(), "ceil(memberships / (P x W x K))");
        assertTrue(r.out().contains("samples     150\n"), r.out());
        assertTrue(r.out().contains(String.format(java.util.Locale.ROOT, "memberships %d (labels per sample: mean %.2f, max %d;"
                + " a class's size is its label's count)%n", memberships, memberships / (double) N, most)), r.out());
        assertTrue(r.out().contains("classes     12\n"), r.out());
        assertTrue(r.out().contains("epoch       " + s.batchesPerEpoch() + " batches of 12 indices per rank (ceil("
                + memberships + " memberships / (12 x 2)))\n"), r.out());
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (int c = 0; c < C; c++) {
            min = Math.min(min, index.size(c));
            max = Math.max(max, index.size(c));
        }
        assertTrue(r.out().contains("class size  min " + min + ", "), r.out());
        assertTrue(r.out().contains(", max " + max + "\n"), r.out());
        Cli single = Cli.run("inspect", "--labels", labels.toString());
        assertEquals(2, single.status(), "without --multi-label a line of two labels is refused");
    }

    @Test
    void reportAndBenchRunWithMultiLabels() throws IOException {
        Path labels = multiHot("tags.npy");
        Path svg = dir.resolve("r.svg");
        Cli r = Cli.run("report", "--multi-label", "--labels", labels.toString(), "--classes-per-batch", "4",
                "--samples-per-class", "2", "--seed", "1", "--out", svg.toString());
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(svg);
        assertTrue(text.contains("tags.npy: 150 samples, " + CLASSES.length + " labels in all, 13 classes; P=4 x K=2"), text);
        Cli bench = Cli.run("bench", "--multi-label", "--labels", labels.toString(), "--classes-per-batch", "4",
                "--samples-per-class", "2", "--seed", "1", "--seconds", "0.05");
        assertEquals(0, bench.status(), bench.err());
        assertTrue(bench.out().contains("150 samples, " + CLASSES.length + " labels in all, 13 classes; P=4, K=2: 8 indices"
                + " per batch"), bench.out());
        assertTrue(bench.out().lines().anyMatch(line -> line.matches("sample: [0-9.]+ ns/batch, [0-9.]+ ns/index, [0-9]+ batches/s")),
                bench.out());
    }
}
