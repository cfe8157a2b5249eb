package io.github.balancedbatch.pipeline;

/** A background thread of a {@link BatchPipeline} failed; the cause is the original exception. */
public final class PipelineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PipelineException(String message, Throwable cause) {
        super(message, cause);
    }
}
