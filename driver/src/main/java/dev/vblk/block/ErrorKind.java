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
    ABORTED,
    /**
     * The device refused a zone command or a write that the zone's type or state does not allow
     * (VIRTIO_BLK_S_ZONE_INVALID_CMD): a conventional zone, a full or read-only zone, a sector that is
     * not a zone's start, a write past the zone's capacity or across zones.
     */
    ZONE_INVALID_COMMAND,
    /**
     * A write to a sequential-write-required zone did not start at its write pointer or was not a
     * multiple of the write granularity (VIRTIO_BLK_S_ZONE_UNALIGNED_WP).
     */
    ZONE_UNALIGNED_WRITE,
    /** The request would have opened more zones than max_open_zones allows (VIRTIO_BLK_S_ZONE_OPEN_RESOURCE). */
    ZONE_OPEN_RESOURCE,
    /** The request would have made more zones active than max_active_zones allows (VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE). */
    ZONE_ACTIVE_RESOURCE
}
