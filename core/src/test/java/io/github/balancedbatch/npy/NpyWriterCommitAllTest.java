package io.github.balancedbatch.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Several outputs are published together: all of them or none. */
class NpyWriterCommitAllTest {
    @TempDir
    Path dir;

    @Test
    void aFailedPublicationRestoresEveryTargetAndLeavesNoTemporaryFile() throws IOException {
        Path first = dir.resolve("rows.npy");
        Path second = dir.resolve("labels.npy");
        Files.writeString(first, "old rows");
        NpyWriter a = NpyWriter.create(first, NpyType.INT32, 2);
        NpyWriter b = NpyWriter.create(second, NpyType.INT32, 2);
        a.write(new int[] {1, 2}, 0, 2);
        b.write(new int[] {3, 4}, 0, 2);
        Files.createDirectory(second); // something takes the second target's place meanwhile
        IOException e = assertThrows(IOException.class, () -> NpyWriter.commitAll(List.of(a, b)));
        assertTrue(e.getMessage().contains("labels.npy is a directory"), e.getMessage());
        assertEquals("old rows", Files.readString(first), "the first target got its previous contents back");
        a.close();
        b.close();
        assertEquals(List.of("labels.npy", "rows.npy"), names());
    }

    @Test
    void aSuccessfulPublicationReplacesEveryTarget() throws IOException {
        Path first = dir.resolve("rows.npy");
        Files.writeString(first, "old rows");
        NpyWriter a = NpyWriter.create(first, NpyType.INT32, 1);
        NpyWriter b = NpyWriter.create(dir.resolve("labels.npy"), NpyType.FLOAT32, 1);
        a.write(new int[] {7}, 0, 1);
        b.write(new float[] {0.5f}, 0, 1);
        NpyWriter.commitAll(List.of(a, b));
        assertEquals(NpyType.INT32, NpyHeader.read(first).type());
        assertEquals(NpyType.FLOAT32, NpyHeader.read(dir.resolve("labels.npy")).type());
        assertEquals(List.of("labels.npy", "rows.npy"), names());
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
        }
    }
}
