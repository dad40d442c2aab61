package dev.vblk.trace;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A trace file could not be written: the disk is full, the file grew past a limit, the folder is
 * gone. The message names the file and the operating system's reason.
 */
public final class TraceWriteException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    /** A failure to write {@code file} (a path or a description of the stream). */
    public TraceWriteException(String file, IOException cause) {
        super("cannot write trace " + file + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage()), cause);
    }
}
