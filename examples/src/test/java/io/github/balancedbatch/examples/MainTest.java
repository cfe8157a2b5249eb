package io.github.balancedbatch.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole program, end to end, on a tiny synthetic Fashion-MNIST written as gzipped IDX files. */
class MainTest {
    private static final String NUMBER = "([0-9]+\\.[0-9]+)";

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * {@code perClass} images of each class: a faint bar at a class-dependent row in strong noise
     * (hard enough that the untrained network's first triplets are not already all satisfied).
     */
    private static void write(Path dir, String images, String labels, int perClass, long seed) throws IOException {
        int n = 10 * perClass;
        SplittableRandom rng = new SplittableRandom(seed);
        try (DataOutputStream x = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(images))));
             DataOutputStream y = new DataOutputStream(new GZIPOutputStream(Files.newOutputStream(dir.resolve(labels))))) {
            x.writeInt(0x803);
            x.writeInt(n);
            x.writeInt(28);
            x.writeInt(28);
            y.writeInt(0x801);
            y.writeInt(n);
            for (int i = 0; i < n; i++) {
                int c = i % 10;
                y.writeByte(c);
                for (int p = 0; p < 28 * 28; p++) {
                    int row = p / 28;
                    int v = row / 2 == c + 2 ? 60 + rng.nextInt(120) : rng.nextInt(120);
                    x.writeByte(v);
                }
            }
        }
    }

    @Test
    void runsEndToEndAndEndsWithTheMachineReadableLines(@TempDir Path dir) throws IOException {
        write(dir, FashionMnist.TRAIN_IMAGES, FashionMnist.TRAIN_LABELS, 200, 1);
        write(dir, FashionMnist.TEST_IMAGES, FashionMnist.TEST_LABELS, 20, 2);
        String[] args = {"fashion-mnist", "--data", dir.toString(), "--steps-scale", "0.005", "--seeds", "1"};
        Run r = run(args);
        assertEquals(0, r.status(), r.err());
        List<String> lines = r.out().lines().toList();
        String[] samplers = {"shuffled", "balanced", "square-root", "progressive"};
        List<String> last = lines.subList(lines.size() - 1 - samplers.length, lines.size());
        Matcher recall = Pattern.compile("recall@1: raw-pixels=" + NUMBER + " before=" + NUMBER + " after=" + NUMBER
                + " shuffled=" + NUMBER).matcher(last.get(0));
        assertTrue(recall.matches(), last.get(0));
        for (int i = 0; i < samplers.length; i++) {
            String sampler = samplers[i];
            Matcher tail = Pattern.compile("long-tail: sampler=" + sampler + " accuracy=" + NUMBER + " worst-class="
                    + NUMBER + " tail-accuracy=" + NUMBER).matcher(last.get(1 + i));
            assertTrue(tail.matches(), last.get(1 + i));
            for (int g = 1; g <= 3; g++) {
                double v = Double.parseDouble(tail.group(g));
                assertTrue(v >= 0 && v <= 1, last.get(1 + i));
            }
        }
        Matcher wait = Pattern.compile(".* data path: waiting for the next batch " + NUMBER + " ms/step inline, " + NUMBER
                + " with the pipeline; a step computes for " + NUMBER + " ms").matcher(lines.get(lines.size() - 3 - samplers.length));
        assertTrue(wait.matches(), lines.get(lines.size() - 3 - samplers.length));
        assertTrue(Double.parseDouble(wait.group(3)) > 0, wait.group());
        // the bars make the synthetic classes separable by their pixels, far above chance (0.1)
        assertTrue(Double.parseDouble(recall.group(1)) > 0.3, last.get(0));

        Run again = run(args);
        assertEquals(0, again.status(), again.err());
        List<String> lines2 = again.out().lines().toList();
        assertEquals(last, lines2.subList(lines2.size() - 1 - samplers.length, lines2.size()),
                "the machine-readable lines of a second run");
    }

    @Test
    void missingDataIsOneErrorLineAndStatus2(@TempDir Path dir) {
        Run r = run("fashion-mnist", "--data", dir.resolve("nowhere").toString());
        assertEquals(2, r.status());
        assertEquals("", r.out());
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), r.err());
        assertTrue(lines.get(0).startsWith("error: "), lines.get(0));
        assertTrue(lines.get(0).contains("apt-get install dataset-fashion-mnist"), lines.get(0));
    }

    @Test
    void badArgumentsExit2() {
        assertEquals(2, run().status());
        assertEquals(2, run("mnist").status());
        Run r = run("fashion-mnist", "--steps", "3");
        assertEquals(2, r.status());
        assertEquals("error: unknown option: --steps" + System.lineSeparator(), r.err());
    }
}
