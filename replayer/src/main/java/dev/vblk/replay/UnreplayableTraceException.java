package dev.vblk.replay;

/** A trace cannot be replayed in the mode asked for: its events or board do not allow it. */
public final class UnreplayableTraceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UnreplayableTraceException(String message) {
        super(message);
    }

    public UnreplayableTraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
