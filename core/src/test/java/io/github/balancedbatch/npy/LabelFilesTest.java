package io.github.balancedbatch.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The library reads both label formats the tool reads, with the same messages. */
class LabelFilesTest {
    @TempDir
    Path dir;

    @Test
    void readsTextAndNpyAlike() throws IOException {
        Path text = Files.writeString(dir.resolve("labels.txt"), " -5\n7\n1000000\n7\n\n");
        NpyLabels t = LabelFiles.read(text);
        assertArrayEquals(new int[] {-5, 7, 1000000, 7}, t.labels());
        assertFalse(t.oneHot());
        assertEquals(-1, t.width());
        Path npy = dir.resolve("labels.npy");
        try (NpyWriter w = NpyWriter.create(npy, NpyType.INT32, 4)) {
            w.write(new int[] {-5, 7, 1000000, 7}, 0, 4);
            w.commit();
        }
        assertArrayEquals(t.labels(), LabelFiles.read(npy).labels());
        assertArrayEquals(t.labels(), LabelFiles.read(Files.copy(npy, dir.resolve("labels.bin"))).labels());
    }

    @Test
    void textProblemsNameTheFileAndTheLine() throws IOException {
        Path bad = Files.writeString(dir.resolve("bad.txt"), "1\n2\nthree\n");
        NpyException e = assertThrows(NpyException.class, () -> LabelFiles.read(bad));
        assertEquals(bad + ": line 3: 'three' is not an integer label", e.getMessage());
        assertEquals(bad, e.file());
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        assertEquals(empty + ": no labels", assertThrows(NpyException.class, () -> LabelFiles.read(empty)).getMessage());
        Path latin = Files.write(dir.resolve("latin1.txt"), "1\n\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(NpyException.class, () -> LabelFiles.read(latin)).getMessage().contains("not a UTF-8 text file"));
        assertThrows(NoSuchFileException.class, () -> LabelFiles.read(dir.resolve("missing.txt")));
        assertEquals(dir + ": is a directory, not a label file",
                assertThrows(NpyException.class, () -> LabelFiles.read(dir)).getMessage());
    }

    @Test
    void theNpyReaderPointsAtTheReaderOfBothFormats() throws IOException {
        Path text = Files.writeString(dir.resolve("labels.txt"), "1\n2\n");
        NpyException e = assertThrows(NpyException.class, () -> NpyLabels.read(text));
        assertTrue(e.getMessage().contains("LabelFiles.read also reads text labels"), e.getMessage());
    }
}
