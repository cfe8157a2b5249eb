package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** §3: temporary files of a killed run never accumulate; the next run writing the same target removes them. */
class LeftoversTest {
    @TempDir
    Path dir;

    private List<String> hidden() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().collect(Collectors.toList());
        }
    }

    private Path labels() throws IOException {
        return Files.writeString(dir.resolve("labels.txt"),
                IntStream.range(0, 300).mapToObj(i -> Integer.toString(i % 10)).collect(Collectors.joining("\n")));
    }

    /** A pid that belonged to a process that has ended (a fresh one is practically never reused at once). */
    private static long deadPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assumeTrue(ProcessHandle.of(p.pid()).isEmpty());
        return p.pid();
    }

    @Test
    void aRunRemovesTheTemporaryFilesOfDeadProcessesForItsTarget() throws Exception {
        Path labels = labels();
        long dead = deadPid();
        long alive = ProcessHandle.current().pid();
        String[] names = {".rows.npy." + dead + ".k3j9.tmp", ".rows.npy." + alive + ".zz1.tmp", ".rows.npy.k3j9.tmp",
            ".other.npy." + dead + ".k3j9.tmp", ".report.svg." + dead + ".q.tmp"};
        for (String n : names) {
            Files.writeString(dir.resolve(n), "partial");
        }
        Cli r = Cli.run("sample", "--labels", labels.toString(), "--classes-per-batch", "2", "--samples-per-class", "3",
                "--seed", "1", "--out", dir.resolve("rows.npy").toString());
        assertEquals(0, r.status(), r.err());
        Cli report = Cli.run("report", "--labels", labels.toString(), "--classes-per-batch", "2", "--samples-per-class", "3",
                "--seed", "1", "--out", dir.resolve("report.svg").toString());
        assertEquals(0, report.status(), report.err());
        // a live process's file, a name without a pid and another target's files stay
        assertEquals(List.of(".other.npy." + dead + ".k3j9.tmp", ".rows.npy." + alive + ".zz1.tmp", ".rows.npy.k3j9.tmp"),
                hidden());
    }

    /** A real SIGKILL: the child is stopped while its temporary file exists, then the next run cleans up. */
    @Test
    void theTemporaryFileOfARunKilledWithSigkillIsRemovedByTheNextRun() throws Exception {
        Path labels = labels();
        Path pipe = dir.resolve("nobody-reads.npy");
        Process mk = new ProcessBuilder("mkfifo", pipe.toString()).start();
        assumeTrue(mk.waitFor() == 0, "mkfifo");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // --out gets its temporary file, then opening the pipe (which nobody reads) blocks: the run is mid-way
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "sample",
                "--labels", labels.toString(), "--classes-per-batch", "2", "--samples-per-class", "3", "--seed", "1",
                "--out", dir.resolve("rows.npy").toString(), "--labels-out", pipe.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        try {
            for (int i = 0; hidden().isEmpty(); i++) {
                if (i == 6000 || !child.isAlive()) {
                    fail("the child never created its temporary file: " + Files.readString(dir.resolve("child.log")));
                }
                Thread.sleep(10);
            }
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor();
        }
        List<String> left = hidden();
        assertEquals(1, left.size(), left.toString());
        assertTrue(left.get(0).startsWith(".rows.npy." + child.pid() + "."), left.toString());
        Cli r = Cli.run("sample", "--labels", labels.toString(), "--classes-per-batch", "2", "--samples-per-class", "3",
                "--seed", "1", "--out", dir.resolve("rows.npy").toString());
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of(), hidden());
    }

    /**
     * SIGTERM in the middle of writing: the temporary files are removed and stderr stays silent. The
     * cleanup closes the writers under the running command; before, its failure was reported as an
     * "internal fault" in about half of such runs. Five runs, each stopped at a different moment.
     */
    @Test
    void aRunStoppedBySigtermLeavesNothingAndReportsNoFault() throws Exception {
        Path labels = labels();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int run = 0; run < 5; run++) {
            Path log = dir.resolve("child" + run + ".log");
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "sample", "--labels", labels.toString(), "--classes-per-batch", "2", "--samples-per-class", "3",
                    "--seed", "1", "--epochs", "2000000", "--out", dir.resolve("rows.npy").toString(),
                    "--labels-out", dir.resolve("labels.npy").toString(), "--categorical")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            for (int i = 0; hidden().isEmpty(); i++) {
                if (i == 6000 || !child.isAlive()) {
                    child.destroyForcibly();
                    fail("the child never created its temporary files: " + Files.readString(log));
                }
                Thread.sleep(10);
            }
            Thread.sleep(100 + 150L * run); // well into writing
            child.destroy(); // SIGTERM: the shutdown hooks run
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not stop");
            assertEquals("", Files.readString(log), "run " + run);
            assertEquals(List.of(), hidden(), "run " + run);
            assertTrue(!Files.exists(dir.resolve("rows.npy")) && !Files.exists(dir.resolve("labels.npy")), "run " + run);
        }
    }
}
