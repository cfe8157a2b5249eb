package io.github.balancedbatch.cli;

/** Bad arguments or bad input: reported as one {@code error:} line, exit status 2. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message, null, false, false);
    }
}
