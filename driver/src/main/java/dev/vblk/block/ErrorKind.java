package dev.vblk.block;

/** What went wrong in a block device call; the first thing a caller decides on. */
public enum ErrorKind {
    /** The device reported VIRTIO_BLK_S_IOERR for the request. */
    IO_ERROR,
    /** The device reported VIRTIO_BLK_S_UNSUPP, or did not offer the feature the call needs. */
    UNSUPPORTED,
    /** The request reaches past the device's capacity. */
    OUT_OF_RANGE,
    /** The call writes to a read-only device. */
    READ_ONLY,
    /** The call's arguments are malformed (for example a buffer that is not whole sectors). */
    INVALID_ARGUMENT,
    /** The device did not complete the request within the time budget. */
    TIMEOUT,
    /** The device set DEVICE_NEEDS_RESET; nothing works until the driver resets it. */
    DEVICE_NEEDS_RESET,
    /** The device broke the virtio protocol (for example a used-ring entry the driver never posted). */
    PROTOCOL_VIOLATION,
    /** The device and driver could not agree on features, or the device refused FEATURES_OK. */
    FEATURE_NEGOTIATION_FAILED,
    /** A flush failed; written data may be lost, and the device is unusable until reset. */
    FLUSH_FAILED,
    /** The platform could not provide memory for the request or the queues. */
    OUT_OF_MEMORY,
    /** The platform itself failed (for example the QEMU process behind it exited). */
    PLATFORM_ERROR,
    /**
     * The request was still in flight when the device or its queue was reset, or the device closed, and
     * was abandoned; or the device is closed. Nothing is known of what the device did with it.
     */
    ABORTED
}
