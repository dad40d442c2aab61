package dev.vblk.virtio;

import java.util.Locale;

/**
 * A failure at the virtio level, below any device type: the transport, a virtqueue or DMA memory.
 * Device drivers build their own errors on it (the block driver turns it into a
 * {@code BlockDeviceException} of the matching kind), so a driver for another device type can reuse
 * the transport and the queues without block types. Like {@code BlockDeviceException}, it carries its
 * context (the device, the kind, the detail) instead of a stack trace: most are made where a hostile
 * device is met, deep in the transport or a ring, and their callers catch them and act on the kind.
 */
public final class VirtioException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What went wrong, in terms every virtio device type shares. */
    public enum Kind {
        /** The device broke the virtio protocol (registers, rings or descriptors). */
        PROTOCOL_VIOLATION,
        /** Driver and device could not agree on features, or FEATURES_OK was refused. */
        FEATURE_NEGOTIATION_FAILED,
        /** The device is of a kind or version the driver does not drive. */
        UNSUPPORTED,
        /** The platform could not provide memory for queues or buffers. */
        OUT_OF_MEMORY,
        /** The device set DEVICE_NEEDS_RESET. */
        DEVICE_NEEDS_RESET
    }

    private final Kind kind;
    private final String owner;
    private final String detail;
    private String message;

    /**
     * @param kind what went wrong
     * @param owner the device the error is about, such as {@code virtio-blk@0x0a003e00}
     * @param detail what happened, for people
     */
    public VirtioException(Kind kind, String owner, String detail) {
        super(null, null, true, false);
        this.kind = kind;
        this.owner = owner;
        this.detail = detail;
    }

    /** The device, the kind and the detail; written when first asked for, as most callers act on the kind alone. */
    @Override
    public String getMessage() {
        if (message == null) {
            message = owner + ": " + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": " + detail;
        }
        return message;
    }

    public Kind kind() {
        return kind;
    }

    /** The device the error is about. */
    public String owner() {
        return owner;
    }

    /** What happened, without the device and kind. */
    public String detail() {
        return detail;
    }
}
