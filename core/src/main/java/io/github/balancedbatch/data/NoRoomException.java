package io.github.balancedbatch.data;

import java.nio.BufferOverflowException;

/**
 * A {@link BufferOverflowException} that says how much room was needed and how much was left (the
 * JDK's has no message). Thrown before anything is written.
 */
final class NoRoomException extends BufferOverflowException {
    private static final long serialVersionUID = 1L;

    private final String message;

    private NoRoomException(String message) {
        this.message = message;
    }

    /** {@code rows} rows of {@code width} floats for a buffer with {@code remaining} floats left. */
    static NoRoomException floats(int rows, int width, int remaining) {
        return new NoRoomException("the destination has " + remaining + " floats left, " + rows + " rows of " + width
                + " floats need " + (long) rows * width);
    }

    /** {@code rows} rows of {@code rowBytes} bytes for a buffer with {@code remaining} bytes left. */
    static NoRoomException bytes(int rows, int rowBytes, int remaining) {
        return new NoRoomException("the destination has " + remaining + " bytes left, " + rows + " rows of " + rowBytes
                + " bytes need " + (long) rows * rowBytes);
    }

    /** {@code need} values of {@code what} for a buffer with {@code remaining} of them left. */
    static NoRoomException values(long need, String what, int remaining) {
        return new NoRoomException("the destination has " + remaining + " " + what + " left, the batch needs " + need);
    }

    @Override
    public String getMessage() {
        return message;
    }
}
