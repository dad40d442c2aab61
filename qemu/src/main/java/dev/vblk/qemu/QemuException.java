package dev.vblk.qemu;

import dev.vblk.platform.PlatformException;

/**
 * QEMU could not be found, did not start, exited, stopped answering or refused a request.
 *
 * <p>The one exception type of the QEMU backend. When QEMU itself is involved the message carries
 * its exit status (or that it is still running) and the last lines it wrote to its standard error,
 * which usually name the real cause. As a {@link PlatformException} it reaches a driver as a
 * failing platform.
 */
public class QemuException extends PlatformException {

    private static final long serialVersionUID = 1L;

    /** An exception with a message a person can act on. */
    public QemuException(String message) {
        super(message);
    }

    /** An exception with a message and the underlying cause. */
    public QemuException(String message, Throwable cause) {
        super(message, cause);
    }
}
