package dev.vblk.cli;

/**
 * A trace that reads well but cannot serve the command: a replay the replayer refuses, an export of
 * a trace not recorded on QEMU. Exit status {@link ExitCodes#BAD_TRACE}.
 */
public final class UnusableTraceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnusableTraceException(String message) {
        super(message);
    }

    public UnusableTraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
