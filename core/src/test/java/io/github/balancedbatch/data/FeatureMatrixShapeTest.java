package io.github.balancedbatch.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.balancedbatch.npy.NpyException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shape whose row size overflows is refused even when the file has no rows (no data to betray it). */
class FeatureMatrixShapeTest {
    @TempDir
    Path dir;

    private Path headerOnly(String shape) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
        int total = (10 + dict.length() + 1 + 63) / 64 * 64;
        String padded = dict + " ".repeat(total - 10 - dict.length() - 1) + "\n";
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) padded.length()).put(padded.getBytes(StandardCharsets.US_ASCII));
        return Files.write(dir.resolve("f.npy"), b.array());
    }

    @Test
    void aRowSizeThatOverflowsIsRefused() throws IOException {
        Path f = headerOnly("(0, 1620178119, 2045588897, 4465, 1434411697)");
        NpyException e = assertThrows(NpyException.class, () -> FeatureMatrix.map(f));
        assertEquals(f + ": one row of shape [1620178119, 2045588897, 4465, 1434411697] holds more than 2147483639 floats",
                e.getMessage());
        Path g = headerOnly("(0, 65536, 65536)"); // 2^32 floats per row: overflows an int, not a long
        assertThrows(NpyException.class, () -> FeatureMatrix.map(g));
    }

    @Test
    void anEmptyFileOfReasonableRowsStillMaps() throws IOException {
        FeatureMatrix m = FeatureMatrix.map(headerOnly("(0, 3, 4)"));
        assertEquals(0, m.rows());
        assertEquals(12, m.width());
    }
}
