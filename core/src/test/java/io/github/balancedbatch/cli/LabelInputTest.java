package io.github.balancedbatch.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.npy.NpyType;
import io.github.balancedbatch.npy.NpyWriter;
import io.github.balancedbatch.sampler.ClassIndex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Label files as users really have them: Keras columns, byte order marks, odd names, odd bytes. */
class LabelInputTest {
    @TempDir
    Path dir;

    private Path column(String name, NpyType type, int... ids) throws IOException {
        Path p = dir.resolve(name);
        try (NpyWriter w = NpyWriter.create(p, type, ids.length, 1)) {
            if (type == NpyType.INT32) {
                w.write(ids, 0, ids.length);
            } else {
                for (int id : ids) {
                    w.write(new float[] {id}, 0, 1);
                }
            }
            w.commit();
        }
        return p;
    }

    @Test
    void aKerasColumnOfShapeN1HoldsClassIds() throws IOException {
        ClassIndex index = LabelInput.read(column("y_train.npy", NpyType.INT32, 6, 9, 9, 4, 1, 1, 2, 7, 8, 3));
        assertEquals(10, index.sampleCount());
        assertEquals(8, index.classCount());
        assertEquals(9, index.label(7));
        assertEquals(2, index.size(index.ordinalOf(9)));
        CliException e = assertThrows(CliException.class,
                () -> LabelInput.read(column("floats.npy", NpyType.FLOAT32, 0, 1, 1)));
        assertTrue(e.getMessage().contains("a label column of shape (3, 1) must hold integer class ids, but the dtype is <f4"),
                e.getMessage());
    }

    @Test
    void aByteOrderMarkIsSkipped() throws IOException {
        Path p = dir.resolve("bom.txt");
        Files.write(p, "\uFEFF3\n1\n3\n".getBytes(StandardCharsets.UTF_8));
        ClassIndex index = LabelInput.read(p);
        assertEquals(3, index.sampleCount());
        assertEquals(2, index.size(index.ordinalOf(3)));
    }

    @Test
    void controlCharactersFromAFileAreEscapedInMessages() throws IOException {
        Path p = dir.resolve("odd.txt");
        Files.write(p, "1\n2\u001b[31mred\r\u0007x\n".getBytes(StandardCharsets.UTF_8));
        Cli r = Cli.run("inspect", "--labels", p.toString());
        assertEquals(2, r.status());
        assertEquals("error: " + p + ": line 2: '2\\u001b[31mred' is not an integer label", r.err().strip());
        Path q = dir.resolve("nul.txt");
        Files.write(q, "1\n\u0000\u0085\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("error: " + q + ": line 2: '\\u0000\\u0085' is not an integer label",
                Cli.run("inspect", "--labels", q.toString()).err().strip());
    }

    @Test
    void aNumpyFileIsRecognisedByItsMagicWhateverItsName() throws IOException {
        Path npy = column("y.npy", NpyType.INT32, 5, 5, 7);
        Path plain = Files.move(npy, dir.resolve("labels"));
        ClassIndex index = LabelInput.read(plain);
        assertEquals(3, index.sampleCount());
        assertEquals(7, index.label(1));
        Path dat = Files.copy(plain, dir.resolve("labels.dat"));
        assertEquals(2, LabelInput.read(dat).classCount());
    }
}
