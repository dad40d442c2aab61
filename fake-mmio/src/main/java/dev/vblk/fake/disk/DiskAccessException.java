package dev.vblk.fake.disk;

/** A disk backing could not perform a read, write, flush or resize; the device reports IOERR. */
public final class DiskAccessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DiskAccessException(String message) {
        super(message);
    }

    public DiskAccessException(String message, Throwable cause) {
        super(message, cause);
    }
}
