package dev.vblk.harness;

/**
 * A file the run writes could not be written: its disk is full, it grew past a limit, its folder
 * went away. The message names the file and the reason. Not a fault of vblk nor of the machine.
 */
public final class OutputFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OutputFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
