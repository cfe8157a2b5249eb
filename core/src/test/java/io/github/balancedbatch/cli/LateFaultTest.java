package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mapped page that faults reaches the gathering thread as an asynchronous {@code InternalError},
 * which the JVM may throw late, where no handler of the thread's loop catches it: the thread then
 * ends without reporting. The run must still end with the one-line error, never wait for a batch
 * that will not come. Before the pipeline watched its threads, about 1 run in 60 hung here (5 and 7 of 400).
 */
class LateFaultTest {
    private static final int RUNS = 400;

    @TempDir
    Path dir;

    @AfterEach
    void noHook() {
        FeatureFiles.afterMap = null;
    }

    @Test
    void aFaultDeliveredLateNeverLeavesTheToolWaiting() throws Exception {
        Path labels = dir.resolve("labels.txt");
        Files.writeString(labels, IntStream.range(0, 600).mapToObj(i -> Integer.toString(i % 20))
                .collect(Collectors.joining("\n", "", "\n")));
        Path features = dir.resolve("features.npy");
        FeatureFiles.afterMap = p -> {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        for (int run = 0; run < RUNS; run++) {
            OutputTargetsTest.writeFeatures(features, 600, 64);
            final String seed = Integer.toString(run);
            CompletableFuture<Cli> r = CompletableFuture.supplyAsync(() -> Cli.run("sample", "--labels", labels.toString(),
                    "--classes-per-batch", "4", "--samples-per-class", "3", "--seed", seed, "--features",
                    features.toString(), "--out", dir.resolve("rows.npy").toString(), "--features-out",
                    dir.resolve("gathered.npy").toString(), "--prefetch", "4", "--threads", "2"),
                    task -> {
                        Thread t = new Thread(task, "late-fault-run");
                        t.setDaemon(true);
                        t.start();
                    });
            Cli done;
            try {
                done = r.get(20, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                StringBuilder dump = new StringBuilder();
                Thread.getAllStackTraces().forEach((t, stack) -> {
                    if (t.getName().startsWith("balanced-batch") || t.getName().equals("late-fault-run")) {
                        dump.append('\n').append(t.getName()).append(' ').append(t.getState());
                        for (StackTraceElement el : stack) {
                            dump.append("\n    at ").append(el);
                        }
                    }
                });
                fail("run " + run + " still waits after 20 s:" + dump);
                return;
            }
            assertEquals(2, done.status(), "run " + run + ": " + done.err());
            assertTrue(done.err().startsWith("error: " + features + ": changed or truncated while being read"),
                    "run " + run + ": " + done.err());
            assertTrue(Files.notExists(dir.resolve("rows.npy")) && Files.notExists(dir.resolve("gathered.npy")));
        }
    }
}
