package dev.vblk.fake.blk;

/** A ring or descriptor chain the device cannot accept; it makes the device need a reset. */
final class MalformedQueueException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long address;

    MalformedQueueException(long address, String message) {
        super(message, null, false, false);
        this.address = address;
    }

    long address() {
        return address;
    }
}
