package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pipes reached through a path (a shell's {@code >(consumer)}, {@code /dev/stdout} and
 * {@code /proc/self/fd/1} on a pipe) are written straight through: the tool runs in its own JVM
 * under bash, and what reaches the far end of the pipe equals the file a plain run writes.
 */
class PipeOutputTest {
    @TempDir
    Path dir;

    private Path labels;
    private Path reference;

    @BeforeEach
    void writeLabelsAndReference() throws IOException {
        labels = dir.resolve("labels.txt");
        Files.writeString(labels, IntStream.range(0, 300).mapToObj(i -> Integer.toString(i % 12))
                .collect(Collectors.joining("\n", "", "\n")));
        reference = dir.resolve("reference.npy");
        Cli r = Cli.run("sample", "--labels", labels.toString(), "--classes-per-batch", "4", "--samples-per-class", "3", "--seed", "5",
                "--batches", "7", "--out", reference.toString());
        assertEquals(0, r.status(), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"--out /dev/stdout | cat > piped.npy",
            "--out /proc/self/fd/1 | cat > piped.npy",
            "--out >(cat > piped.npy)",
            "--out /dev/fd/3 3> >(cat > piped.npy)"})
    void aPipeNamedByAPathGetsTheSameBytesAsAFile(String redirection) throws Exception {
        Path bash = bash();
        String command = tool() + " sample --labels '" + labels + "' --classes-per-batch 4 --samples-per-class 3 --seed 5 --batches 7 "
                + redirection + "; status=${PIPESTATUS[0]}; wait; exit $status";
        Process p = new ProcessBuilder(List.of(bash.toString(), "-c", command)).directory(dir.toFile())
                .redirectError(dir.resolve("stderr.txt").toFile()).start();
        assertEquals(true, p.waitFor(120, TimeUnit.SECONDS), "the tool did not finish");
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(0, p.exitValue(), err);
        Path piped = dir.resolve("piped.npy");
        for (int i = 0; i < 100 && Files.size(piped) < Files.size(reference); i++) {
            Thread.sleep(50); // a process substitution may still be writing after bash exits
        }
        assertArrayEquals(Files.readAllBytes(reference), Files.readAllBytes(piped), redirection + File.separator + err);
    }

    /**
     * Label and category files that are pipes, FIFOs or devices are refused in one line, without
     * opening them: read twice, a pipe lost its first bytes (wrong labels, exit 0) and a FIFO waited
     * for ever.
     */
    @ParameterizedTest
    @ValueSource(strings = {"cat labels.txt | $TOOL inspect --labels /dev/stdin",
            "$TOOL inspect --labels <(cat labels.txt)",
            "cat labels.txt | $TOOL sample --labels /dev/stdin --classes-per-batch 4 --samples-per-class 3 --out out.npy",
            "cat labels.txt | $TOOL sample --multi-label --labels /dev/stdin --classes-per-batch 4 --samples-per-class 3 --out out.npy",
            "$TOOL sample --labels labels.txt --categories <(cat labels.txt) --categories-per-batch 2 --classes-per-batch 4 --samples-per-class 3 --out out.npy",
            "mkfifo fifo.txt; $TOOL inspect --labels fifo.txt"})
    void aLabelFileThatIsAStreamIsRefused(String command) throws Exception {
        Path bash = bash();
        String tool = tool();
        Process p = new ProcessBuilder(List.of(bash.toString(), "-c", command.replace("$TOOL", tool)
                + "; exit ${PIPESTATUS[-1]}")).directory(dir.toFile())
                .redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        assertEquals(true, done, "the tool did not finish");
        String err = Files.readString(dir.resolve("stderr.txt"));
        assertEquals(2, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertEquals(true, err.startsWith("error: ") && err.contains("is not a regular file (a pipe, a FIFO or a device)"), err);
        assertEquals(false, Files.exists(dir.resolve("out.npy")), "an output was written");
    }

    /** bash, where the test can run pipes through it (the test is skipped elsewhere). */
    private static Path bash() {
        Path bash = Path.of("/bin/bash");
        assumeTrue(Files.isExecutable(bash) && Files.isDirectory(Path.of("/proc/self/fd")), "needs bash and /proc");
        return bash;
    }

    /** The shell words that run the tool in its own JVM, on this test's class path. */
    private static String tool() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' " + Main.class.getName();
    }
}
