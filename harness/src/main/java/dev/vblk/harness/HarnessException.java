package dev.vblk.harness;

/**
 * A run could not be set up or carried through: a disk image that cannot be read or created, a trace
 * that cannot be written, a target that fails before any block device is found. Failures of the
 * workload's own steps are not exceptions: they are outcomes in the trace and the run's summary.
 */
public final class HarnessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public HarnessException(String message) {
        super(message);
    }

    public HarnessException(String message, Throwable cause) {
        super(message, cause);
    }
}
