package dev.vblk.platform;

/**
 * A platform could not carry out a call: the machine behind it is gone or refused the access (for
 * example the QEMU process exited, or an address lies outside guest memory).
 *
 * <p>Every {@link Platform} implementation reports its failures with this type (or a subclass), so
 * the driver can tell a failing platform from a misbehaving device.
 */
public class PlatformException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public PlatformException(String message) {
        super(message);
    }

    public PlatformException(String message, Throwable cause) {
        super(message, cause);
    }
}
