package io.github.balancedbatch.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.balancedbatch.npy.NpyType;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gather loops against a value-by-value reference, for every storage type, scaled or not, row
 * widths around the loops' steps (8 bytes, the 16-row blocks, the 4096-float tile), several
 * storage regions, destinations of every kind, and indices that repeat.
 */
class GatherTest {
    private static final NpyType[] TYPES = {NpyType.FLOAT32, NpyType.FLOAT16, NpyType.UINT8, NpyType.INT8};
    private static final int[] WIDTHS = {1, 3, 7, 8, 9, 15, 16, 17, 63, 64, 65, 200, 1000, Gathers.TILE + 3};
    private static final int[] COUNTS = {1, 15, 16, 17, 40, 100};

    @Test
    void everyTypeWidthDestinationAndRegionLayoutGathersTheReferenceValues() {
        SplittableRandom rnd = new SplittableRandom(18);
        for (NpyType type : TYPES) {
            for (int d : WIDTHS) {
                int rows = d > 1000 ? 5 : 37;
                byte[] stored = storedValues(type, rows * d, rnd);
                List<FeatureMatrix> layouts = layouts(type, rows, d, stored);
                for (int layout = 0; layout < layouts.size(); layout++) {
                    FeatureMatrix plain = layouts.get(layout);
                    for (FeatureMatrix m : new FeatureMatrix[] {plain, plain.scaled(0.75f, -3f), plain.scaled(1 / 255f, 0f)}) {
                        for (int count : COUNTS) {
                            if (d > 1000 && count > 17) {
                                continue;
                            }
                            int[] idx = indices(rnd, rows, count + 3);
                            for (int kind = 0; kind < DESTINATIONS.size(); kind++) {
                                String where = type + " d=" + d + " layout " + layout + (m.isScaled() ? " scaled " + m.scale() : "")
                                        + " count " + count + " destination " + kind;
                                checkFloats(m, stored, idx, count, DESTINATIONS.get(kind), where);
                            }
                            if (layout != 1 || type.size() == 1) { // the big-endian layout stores other bytes
                                checkBytes(m, stored, idx, count, type + " d=" + d + " layout " + layout);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Destinations: direct native, heap, heap at an array offset, direct big-endian, a view of a heap byte buffer. */
    private static final List<IntFunction<FloatBuffer>> DESTINATIONS = List.of(
            BatchBuffers::floats,
            FloatBuffer::allocate,
            n -> FloatBuffer.wrap(new float[n + 9], 5, n).slice(),
            n -> ByteBuffer.allocateDirect(4 * n).order(ByteOrder.BIG_ENDIAN).asFloatBuffer(),
            n -> ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());

    private static void checkFloats(FeatureMatrix m, byte[] stored, int[] idx, int count, IntFunction<FloatBuffer> make,
            String where) {
        int d = m.width();
        FloatBuffer dst = make.apply(3 + count * d + 2);
        dst.position(3);
        m.gather(idx, 2, count, dst);
        assertEquals(3 + count * d, dst.position(), where);
        for (int i = 0; i < count; i++) {
            for (int j = 0; j < d; j++) {
                float want = reference(m, stored, idx[2 + i] * d + j);
                float got = dst.get(3 + i * d + j);
                if (Float.floatToRawIntBits(want) != Float.floatToRawIntBits(got)) {
                    assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                            where + ": entry " + i + " (row " + idx[2 + i] + "), value " + j + ": " + want + " != " + got);
                }
            }
        }
        assertEquals(0f, dst.get(2), where + ": before the position");
        assertEquals(0f, dst.get(3 + count * d), where + ": after the batch");
    }

    private static void checkBytes(FeatureMatrix m, byte[] stored, int[] idx, int count, String where) {
        int rb = m.bytesPerRow();
        for (ByteBuffer dst : new ByteBuffer[] {BatchBuffers.bytes(1 + count * rb), ByteBuffer.allocate(1 + count * rb)}) {
            dst.position(1);
            m.gather(idx, 2, count, dst);
            assertEquals(1 + count * rb, dst.position(), where);
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < rb; j++) {
                    if (stored[idx[2 + i] * rb + j] != dst.get(1 + i * rb + j)) {
                        assertEquals(stored[idx[2 + i] * rb + j], dst.get(1 + i * rb + j), where + ": entry " + i + ", byte " + j);
                    }
                }
            }
        }
    }

    /** Value {@code e} (row-major) of little-endian {@code stored}, as the gather must give it. */
    private static float reference(FeatureMatrix m, byte[] stored, int e) {
        ByteBuffer le = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
        float x;
        switch (m.type()) {
            case FLOAT32:
                x = le.getFloat(4 * e);
                break;
            case FLOAT16:
                x = Convert.halfToFloat(le.getShort(2 * e));
                break;
            case UINT8:
                x = stored[e] & 0xff;
                break;
            default:
                x = stored[e];
        }
        return m.isScaled() ? x * m.scale() + m.offset() : x;
    }

    /** Random stored values, with NaNs (payloads, signaling), infinities, subnormals and -0 among them. */
    private static byte[] storedValues(NpyType type, int n, SplittableRandom rnd) {
        byte[] b = new byte[n * type.size()];
        rnd.nextBytes(b);
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int[] specials32 = {0x7f800001, 0xffc00123, 0x7f800000, 0x80000000, 0x00000001, 0x3f800000};
        int[] specials16 = {0x7c01, 0xfe42, 0x7c00, 0x8000, 0x0001, 0x3c00, 0x03ff};
        for (int i = 0; i < n; i += 5) {
            if (type == NpyType.FLOAT32) {
                le.putInt(4 * i, specials32[(i / 5) % specials32.length]);
            } else if (type == NpyType.FLOAT16) {
                le.putShort(2 * i, (short) specials16[(i / 5) % specials16.length]);
            }
        }
        return b;
    }

    /**
     * The same stored values as: a copy (little-endian), a wrapped big-endian direct buffer (for
     * float types: the values re-encoded), and several small regions.
     */
    private static List<FeatureMatrix> layouts(NpyType type, int rows, int d, byte[] stored) {
        List<FeatureMatrix> out = new ArrayList<>();
        out.add(FeatureMatrix.copyOf(stored, type, rows, d));
        ByteBuffer be = ByteBuffer.allocateDirect(stored.length).order(ByteOrder.BIG_ENDIAN);
        ByteBuffer le = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * d; i++) {
            if (type == NpyType.FLOAT32) {
                be.putInt(4 * i, le.getInt(4 * i));
            } else if (type == NpyType.FLOAT16) {
                be.putShort(2 * i, le.getShort(2 * i));
            } else {
                be.put(i, stored[i]);
            }
        }
        out.add(FeatureMatrix.wrap(be, type, rows, d));
        FeatureMatrix regions = Storage.allocate(type, rows, new int[] {d}, 3L * d * type.size() + 1, ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < regions.bytes.length; i++) {
            ByteBuffer r = regions.bytes[i];
            r.put(0, stored, i * regions.rowsPerRegion * regions.rowBytes, r.capacity());
        }
        assertTrue(regions.bytes.length > 1);
        out.add(regions);
        return out;
    }

    private static int[] indices(SplittableRandom rnd, int rows, int n) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i % 7 == 6 ? idx[i - 1] : rnd.nextInt(rows); // a repeat now and then
        }
        return idx;
    }

    /** Rows first, then the sample shape, for every factory: (100, 3) is 100 rows of 3 values. */
    @Test
    void everyFactoryTakesTheRowsThenTheSampleShape() {
        FeatureMatrix f = FeatureMatrix.copyOf(new float[300], 100, 3);
        assertEquals(100, f.rows());
        assertArrayEquals(new int[] {3}, f.sampleShape());
        FeatureMatrix b = FeatureMatrix.copyOf(new byte[300], NpyType.UINT8, 100, 3);
        assertEquals(100, b.rows());
        assertArrayEquals(new int[] {3}, b.sampleShape());
        FeatureMatrix w = FeatureMatrix.wrap(ByteBuffer.allocateDirect(1200), 100, 3);
        assertEquals(100, w.rows());
        FeatureMatrix images = FeatureMatrix.copyOf(new float[5 * 28 * 28], 5, 28, 28);
        assertEquals(5, images.rows());
        assertArrayEquals(new int[] {28, 28}, images.sampleShape());
        assertEquals("data holds 300 floats, 300 rows of [3] floats need 900 (the number of rows comes first, then the"
                + " sample shape)", assertThrows(IllegalArgumentException.class,
                        () -> FeatureMatrix.copyOf(new float[300], 300, 3)).getMessage());
        assertEquals("a sample shape is needed after the number of rows, e.g. (rows, D)",
                assertThrows(IllegalArgumentException.class, () -> FeatureMatrix.copyOf(new float[300], 300)).getMessage());
        assertEquals("data holds 10 bytes, 2 rows of [3] uint8 values need 6 (the number of rows comes first, then the"
                + " sample shape)", assertThrows(IllegalArgumentException.class,
                        () -> FeatureMatrix.copyOf(new byte[10], NpyType.UINT8, 2, 3)).getMessage());
    }

    /** A destination with too little room is named: what is needed and what is left; nothing is written. */
    @Test
    void tooLittleRoomSaysHowMuch() {
        FeatureMatrix m = FeatureMatrix.copyOf(new float[] {1, 2, 3, 4}, 2, 2);
        FloatBuffer three = FloatBuffer.allocate(3);
        assertEquals("the destination has 3 floats left, 2 rows of 2 floats need 4",
                assertThrows(BufferOverflowException.class, () -> m.gather(new int[] {0, 1}, 0, 2, three)).getMessage());
        assertEquals(0, three.position());
        assertEquals("the destination has 15 bytes left, 2 rows of 8 bytes need 16", assertThrows(BufferOverflowException.class,
                () -> m.gather(new int[] {0, 1}, 0, 2, ByteBuffer.allocate(16).position(1))).getMessage());
        FeatureMatrix u8 = FeatureMatrix.copyOf(new byte[6], NpyType.UINT8, 2, 3);
        assertEquals("the destination has 5 floats left, 2 rows of 3 floats need 6", assertThrows(BufferOverflowException.class,
                () -> u8.gather(new int[] {1, 0}, 0, 2, BatchBuffers.floats(5))).getMessage());
        assertEquals("the destination has 1 ints left, the batch needs 2", assertThrows(BufferOverflowException.class,
                () -> BatchLabels.values(io.github.balancedbatch.sampler.ClassIndex.of(new int[] {4, 5}), new int[] {0, 1}, 2,
                        IntBuffer.allocate(1))).getMessage());
        assertEquals("the destination has 3 floats left, the batch needs 4", assertThrows(BufferOverflowException.class,
                () -> BatchLabels.oneHot(new int[] {1}, 1, 4, FloatBuffer.allocate(3))).getMessage());
    }

    @Test
    void aReadOnlyDestinationIsRefusedBeforeAnythingIsWritten() {
        FeatureMatrix m = FeatureMatrix.copyOf(new byte[6], NpyType.INT8, 2, 3);
        assertThrows(ReadOnlyBufferException.class, () -> m.gather(new int[] {0}, 0, 1, FloatBuffer.allocate(3).asReadOnlyBuffer()));
        assertThrows(ReadOnlyBufferException.class, () -> m.gather(new int[] {0}, 0, 1, ByteBuffer.allocate(3).asReadOnlyBuffer()));
    }

    /** scaled(NaN, ..), scaled(.., Inf): refused, naming the value (they would turn every value into NaN or Inf). */
    @Test
    void aScaleOrOffsetThatIsNotFiniteIsRefused() {
        FeatureMatrix m = FeatureMatrix.copyOf(new byte[6], NpyType.UINT8, 2, 3);
        assertEquals("scale and offset must be finite, got scale NaN, offset 0.0",
                assertThrows(IllegalArgumentException.class, () -> m.scaled(Float.NaN, 0)).getMessage());
        assertEquals("scale and offset must be finite, got scale Infinity, offset 0.0",
                assertThrows(IllegalArgumentException.class, () -> m.scaled(Float.POSITIVE_INFINITY, 0)).getMessage());
        assertEquals("scale and offset must be finite, got scale 1.0, offset -Infinity",
                assertThrows(IllegalArgumentException.class, () -> m.scaled(1, Float.NEGATIVE_INFINITY)).getMessage());
        assertEquals("scale and offset must be finite, got scale 1.0, offset NaN",
                assertThrows(IllegalArgumentException.class, () -> m.scaled(1, Float.NaN)).getMessage());
        assertEquals(Float.MAX_VALUE, m.scaled(Float.MAX_VALUE, -Float.MAX_VALUE).scale());
    }

    @TempDir
    Path dir;

    /**
     * A mapped file truncated under the matrix faults with the JVM's {@code InternalError} ("a fault
     * occurred in a recent unsafe memory access", see gather's Javadoc). The JVM delivers it at a
     * later safepoint, inside the gather or after it returned (both were seen in this suite, so a
     * truncation here could not assert either); when the gather catches it, it names the file.
     * (The command line's tests truncate a file under a running {@code sample}.)
     */
    @Test
    void aFaultOfAMappedPageCaughtByTheGatherNamesTheFile() throws Exception {
        Path file = dir.resolve("features.npy");
        FeatureMatrixTest.writeNpyHeader(file, "(2, 3)", 24);
        FeatureMatrix m = FeatureMatrix.map(file);
        InternalError jvm = new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code");
        InternalError named = m.faulted(jvm);
        assertEquals(file + ": a fault occurred in a recent unsafe memory access operation in compiled Java code"
                + " (the mapped file was truncated or replaced)", named.getMessage());
        assertSame(jvm, named.getCause());
        assertSame(jvm, FeatureMatrix.copyOf(new float[3], 1, 3).faulted(jvm), "no file to name");
        InternalError other = new InternalError("something else");
        assertSame(other, m.faulted(other));
    }

    /** An index that is not a row is named with its position, and the rows of the same block before it are copied. */
    @Test
    void aBadIndexIsNamedAndTheRowsBeforeItAreCopied() {
        float[] data = new float[40];
        for (int i = 0; i < data.length; i++) {
            data[i] = i;
        }
        for (FeatureMatrix m : new FeatureMatrix[] {FeatureMatrix.copyOf(data, 20, 2), FeatureMatrix.copyOf(data, 20, 2).scaled(2, 0)}) {
            int[] idx = {3, 4, 5, 20, 6};
            FloatBuffer dst = BatchBuffers.floats(10);
            assertEquals("indices[3] = 20 is not a row of this matrix (rows 0 to 19)",
                    assertThrows(IndexOutOfBoundsException.class, () -> m.gather(idx, 0, 5, dst)).getMessage());
            assertEquals(0, dst.position());
            float k = m.isScaled() ? 2 : 1;
            assertArrayEquals(new float[] {6 * k, 7 * k, 8 * k, 9 * k, 10 * k, 11 * k, 0}, new float[] {dst.get(0), dst.get(1),
                dst.get(2), dst.get(3), dst.get(4), dst.get(5), dst.get(6)});
        }
    }
}
