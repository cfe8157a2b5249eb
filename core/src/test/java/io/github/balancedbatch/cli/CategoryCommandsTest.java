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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Category-balanced batches through the tool: --categories and --categories-per-batch. */
class CategoryCommandsTest {
    @TempDir
    Path dir;

    /**
     * 30 classes (labels 0, 5, ..., 145) of 3 to 12 samples; class c is in category c % 6 * 10 for
     * c &lt; 24 (six categories of four classes), and classes 24-29 in categories 100 (three
     * classes), 101 (two) and 102 (one).
     */
    private static final int[] LABELS;
    private static final int[] CATEGORIES;

    static {
        List<int[]> rows = new ArrayList<>();
        for (int c = 0; c < 30; c++) {
            int category = c < 24 ? c % 6 * 10 : c < 27 ? 100 : c < 29 ? 101 : 102;
            for (int i = 0; i < 3 + c % 10; i++) {
                rows.add(new int[] {5 * c, category});
            }
        }
        java.util.Collections.shuffle(rows, new java.util.Random(4));
        LABELS = rows.stream().mapToInt(r -> r[0]).toArray();
        CATEGORIES = rows.stream().mapToInt(r -> r[1]).toArray();
    }

    private Path text(String name, int[] values) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining("\n")) + "\n");
        return p;
    }

    private Path npy(String name, int[] values) throws IOException {
        Path p = dir.resolve(name);
        try (NpyWriter w = NpyWriter.create(p, NpyType.INT32, values.length)) {
            w.write(values, 0, values.length);
            w.commit();
        }
        return p;
    }

    private static int[] batches(BalancedBatchSampler s, int epoch, int first, int count) {
        int[] all = new int[count * s.batchSize()];
        BatchCursor cursor = s.cursor(epoch, first);
        int[] rows = new int[s.batchSize()];
        for (int b = 0; b < count; b++) {
            cursor.next(rows);
            System.arraycopy(rows, 0, all, b * rows.length, rows.length);
        }
        return all;
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void sampleWritesTheLibrarysCategoryBatches() throws IOException {
        Path labels = text("labels.txt", LABELS);
        Path categories = npy("categories.npy", CATEGORIES);
        String[][] variants = {{}, {"--mix"}, {"--class-weight-power", "0.5"}, {"--progressive-epochs", "2", "--no-shuffle"},
            {"--rank", "1", "--world-size", "2", "--min-samples-per-class", "4"}, {"--first-epoch", "1", "--first-batch", "3"}};
        for (String[] variant : variants) {
            Path out = dir.resolve("out.npy");
            Cli r = Cli.run(concat(new String[] {"sample", "--labels", labels.toString(), "--categories", categories.toString(),
                "--classes-per-batch", "6", "--categories-per-batch", "2", "--samples-per-class", "3", "--seed", "8",
                "--epochs", "2", "--out", out.toString()}, variant));
            assertEquals(0, r.status(), r.err());
            BalancedBatchSampler.Builder b = BalancedBatchSampler.builder(ClassIndex.of(LABELS)).categories(CATEGORIES)
                    .classesPerBatch(6).categoriesPerBatch(2).samplesPerClass(3).seed(8);
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
            BalancedBatchSampler s = b.build();
            assertArrayEquals(batches(s, epoch, first, 2 * s.batchesPerEpoch() - first), Cli.ints(out), Arrays.toString(variant));
        }
    }

    @Test
    void badCategoryInputExitsTwoWithOneErrorLineAndNoOutput() throws IOException {
        Path labels = text("labels.txt", LABELS);
        Path categories = text("categories.txt", CATEGORIES);
        Path shorter = text("shorter.txt", Arrays.copyOf(CATEGORIES, CATEGORIES.length - 1));
        int[] spread = CATEGORIES.clone();
        int row = 0;
        while (LABELS[row] != 35) { // class 35 (c = 7) is in category 10; move one of its rows to category 20
            row++;
        }
        spread[row] = 20;
        Path twoCategories = text("spread.txt", spread);
        Path out = dir.resolve("never.npy");
        Path svg = dir.resolve("never.svg");
        String l = labels.toString();
        String c = categories.toString();
        String[][] bad = {
            {"--categories", c, "--categories-per-batch", "0"},
            {"--categories", c, "--categories-per-batch", "4"},
            {"--categories-per-batch", "2"},
            {"--categories", c},
            {"--categories", shorter.toString(), "--categories-per-batch", "2"},
            {"--categories", twoCategories.toString(), "--categories-per-batch", "2"},
            {"--categories", c, "--categories-per-batch", "3", "--world-size", "3"},
            {"--categories", c, "--categories-per-batch", "3", "--min-samples-per-class", "12"},
            {"--categories", dir.resolve("missing.txt").toString(), "--categories-per-batch", "2"}};
        String[] messages = {
            "error: --categories-per-batch must be at least 1, got 0",
            "error: --classes-per-batch=6 is not divisible by --categories-per-batch=4: every category gives P / Q classes"
                    + " to a batch",
            "error: --categories-per-batch needs --categories",
            "error: --categories needs --categories-per-batch",
            "error: --categories " + shorter + " has " + (LABELS.length - 1) + " values but --labels " + l + " has "
                    + LABELS.length + ": one category per sample is needed",
            "error: --categories " + twoCategories + ": class 35 is in two categories, ",
            "error: --categories-per-batch=3 x --world-size=3 = 9 exceeds the 8 categories of " + c + " with at least"
                    + " --classes-per-batch / --categories-per-batch = 2 classes (1 smaller categories left out; inspect"
                    + " lists them)",
            "error: --categories-per-batch=3 exceeds the 0 categories of " + c + " with at least --classes-per-batch /"
                    + " --categories-per-batch = 2 classes of at least --min-samples-per-class=12 samples (9 smaller"
                    + " categories left out; inspect lists them)",
            "error: " + dir.resolve("missing.txt") + ": no such file"};
        for (String command : new String[] {"sample", "report", "bench"}) {
            for (int i = 0; i < bad.length; i++) {
                String[] args = concat(new String[] {command, "--labels", l, "--classes-per-batch", "6", "--samples-per-class",
                    "2"}, bad[i]);
                if (!command.equals("bench")) {
                    args = concat(args, "--out", (command.equals("report") ? svg : out).toString());
                } else {
                    args = concat(args, "--seconds", "0.01");
                }
                Cli r = Cli.run(args);
                String what = command + " " + Arrays.toString(bad[i]);
                assertEquals(2, r.status(), what);
                assertEquals(1, r.err().lines().count(), what + ": " + r.err());
                assertTrue(r.err().startsWith(messages[i]), what + ": " + r.err());
                assertEquals("", r.out(), what + ": nothing printed before the error");
            }
        }
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(svg));
        // inspect takes --categories alone, and checks the same things when it is given Q
        for (int i : new int[] {0, 1, 2, 4, 5, 8}) {
            Cli r = Cli.run(concat(new String[] {"inspect", "--labels", l, "--classes-per-batch", "6"}, bad[i]));
            assertEquals(2, r.status(), Arrays.toString(bad[i]));
            assertTrue(r.err().startsWith(messages[i]), r.err());
            assertEquals("", r.out());
        }
        Cli noP = Cli.run("inspect", "--labels", l, "--categories", c, "--categories-per-batch", "2");
        assertEquals("error: --categories-per-batch needs --classes-per-batch", noP.err().strip());
        Cli same = Cli.run("sample", "--labels", l, "--categories", c, "--categories-per-batch", "2", "--classes-per-batch", "6",
                "--samples-per-class", "2", "--out", c);
        assertEquals(2, same.status());
        assertTrue(same.err().startsWith("error: --out " + c + " is the same file as --categories " + c), same.err());
    }

    @Test
    void inspectListsTheCategoriesTooSmallToBeChosen() throws IOException {
        Path labels = text("labels.txt", LABELS);
        Path categories = text("categories.txt", CATEGORIES);
        Cli alone = Cli.run("inspect", "--labels", labels.toString(), "--categories", categories.toString());
        assertEquals(0, alone.status(), alone.err());
        assertTrue(alone.out().contains("categories  9 (classes per category: min 1, median 4, max 4)\n"), alone.out());
        Cli r = Cli.run("inspect", "--labels", labels.toString(), "--categories", categories.toString(),
                "--classes-per-batch", "9", "--categories-per-batch", "3", "--samples-per-class", "2");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("Q=3         feasible: 7 of 9 categories have at least P/Q=3 classes\n"), r.out());
        assertTrue(r.out().contains("too small   2 categories with fewer than 3 classes are never chosen: 101 (2 classes),"
                + " 102 (1 class)\n"), r.out());
        assertTrue(r.out().contains("strategy    Q=3 categories x 3 classes, category-balanced\n"), r.out());
        // the classes of the small categories are left out of the target shares: 145, one of the largest, is shown
        assertTrue(r.out().lines().anyMatch(line -> line.trim().startsWith("145 ") && line.endsWith("left out")), r.out());
        Cli infeasible = Cli.run("inspect", "--labels", labels.toString(), "--categories", categories.toString(),
                "--classes-per-batch", "8", "--categories-per-batch", "2", "--min-samples-per-class", "5");
        assertEquals(0, infeasible.status(), infeasible.err());
        // classes of at least 5 samples: c % 10 >= 2, so three of the four classes of each category 0..50, all of 100
        assertTrue(infeasible.out().contains("Q=2         NOT feasible: only 0 of 9 categories have at least P/Q=4 classes"
                + " of at least 5 samples\n"), infeasible.out());
        assertTrue(infeasible.out().contains("too small   9 categories with fewer than 4 classes of at least 5 samples are"
                + " never chosen: 0 (3 classes), 10 (3 classes), 20 (3 classes), 30 (3 classes), 40 (3 classes), 50 (3 classes),"
                + " 100 (3 classes), 101 (2 classes), 102 (1 class)\n"), infeasible.out());
        assertFalse(infeasible.out().contains("shares"), infeasible.out());
    }

    @Test
    void reportAndBenchRunWithCategories() throws Exception {
        Path labels = text("labels.txt", LABELS);
        Path categories = text("categories.txt", CATEGORIES);
        Path svg = dir.resolve("r.svg");
        Cli r = Cli.run("report", "--labels", labels.toString(), "--categories", categories.toString(), "--classes-per-batch",
                "6", "--categories-per-batch", "2", "--samples-per-class", "2", "--seed", "1", "--out", svg.toString());
        assertEquals(0, r.status(), r.err());
        String text = Files.readString(svg);
        assertTrue(text.contains("Q=2 categories x 3 classes, category-balanced"), text);
        Cli bench = Cli.run("bench", "--labels", labels.toString(), "--categories", categories.toString(), "--classes-per-batch",
                "6", "--categories-per-batch", "2", "--samples-per-class", "2", "--seed", "1", "--seconds", "0.05");
        assertEquals(0, bench.status(), bench.err());
        assertTrue(bench.out().contains("P=6 (Q=2 categories x 3 classes), K=2: 12 indices per batch"), bench.out());
        assertTrue(bench.out().lines().anyMatch(line -> line.matches("sample: [0-9.]+ ns/batch, [0-9.]+ ns/index, [0-9]+ batches/s")),
                bench.out());
    }
}
