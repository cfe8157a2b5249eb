package io.github.balancedbatch.data;

import io.github.balancedbatch.util.ArrayLimits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;

/**
 * Caller-owned batch buffers: direct, native byte order, and pre-touched so that the first batches
 * of a latency-sensitive loop do not pay for first page touches. What ONNX Runtime and DJL take
 * without a copy.
 */
public final class BatchBuffers {
    private static final int PAGE = 4096;

    private BatchBuffers() {
    }

    /**
     * A direct, native-order, pre-touched buffer of {@code floats} floats.
     *
     * @throws IllegalArgumentException if {@code floats} is negative or more than one buffer holds
     *     ({@link ArrayLimits#MAX_BUFFER_FLOATS})
     */
    public static FloatBuffer floats(int floats) {
        if (floats < 0 || floats > ArrayLimits.MAX_BUFFER_FLOATS) {
            throw new IllegalArgumentException(floats + " floats: one buffer holds 0 to " + ArrayLimits.MAX_BUFFER_FLOATS);
        }
        return bytes(floats * Float.BYTES).asFloatBuffer();
    }

    /**
     * A direct, native-order, pre-touched buffer of {@code bytes} bytes: the form that runtimes which
     * share memory with a Java buffer (DJL's PyTorch engine among them) take without a copy. Views of
     * it ({@code asFloatBuffer()}, {@code asIntBuffer()}) share its memory.
     */
    public static ByteBuffer bytes(int bytes) {
        return pretouch(ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder()));
    }

    /**
     * A direct, native-order, pre-touched buffer of {@code ints} ints.
     *
     * @throws IllegalArgumentException if {@code ints} is negative or more than one buffer holds
     *     ({@link ArrayLimits#MAX_BUFFER_FLOATS}, as for floats)
     */
    public static IntBuffer ints(int ints) {
        if (ints < 0 || ints > ArrayLimits.MAX_BUFFER_FLOATS) {
            throw new IllegalArgumentException(ints + " ints: one buffer holds 0 to " + ArrayLimits.MAX_BUFFER_FLOATS);
        }
        return bytes(ints * Integer.BYTES).asIntBuffer();
    }

    /**
     * Writes a zero into every 4 KiB page of {@code buffer} (absolute writes: position and limit
     * are unchanged) so that its pages are mapped before a latency-sensitive loop starts.
     */
    public static ByteBuffer pretouch(ByteBuffer buffer) {
        ByteBuffer all = buffer.duplicate().clear();
        for (int i = 0; i < all.capacity(); i += PAGE) {
            all.put(i, (byte) 0);
        }
        return buffer;
    }
}
