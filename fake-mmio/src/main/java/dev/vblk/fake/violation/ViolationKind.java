package dev.vblk.fake.violation;

/** The kinds of protocol or memory misuse the fake machine notices; each is a driver bug. */
public enum ViolationKind {
    /** A register access outside the virtio-mmio window, or straddling two slots. */
    REGISTER_OUTSIDE_WINDOW,
    /** A register access at an offset the virtio-mmio register map does not define. */
    UNDEFINED_REGISTER,
    /** A control register accessed other than 32 bits wide, or a config access of 8 bytes. */
    BAD_REGISTER_WIDTH,
    /** A read of a write-only register or a write to a read-only register. */
    WRONG_REGISTER_DIRECTION,
    /** A guest memory access outside RAM. */
    MEMORY_OUTSIDE_RAM,
    /** A driver write to memory that no current frame allocation covers (strict DMA checking). */
    WRITE_OUTSIDE_ALLOCATION,
    /** A device DMA write into memory that no current frame allocation covers (strict DMA checking). */
    DEVICE_WRITE_OUTSIDE_ALLOCATION,
    /**
     * A device DMA access, under VIRTIO_F_ACCESS_PLATFORM, to memory the driver has not mapped for it;
     * the access is refused (a read sees zeros, a write is dropped).
     */
    DMA_OUTSIDE_MAPPING,
    /** freeFrames for an address and count that do not match a current allocation. */
    BAD_FREE,
    /** Driver feature bits written after FEATURES_OK. */
    FEATURES_AFTER_FEATURES_OK,
    /** A Status write that breaks the initialisation sequence (bits cleared, DRIVER_OK too early). */
    STATUS_SEQUENCE,
    /** A queue register write the spec forbids (bad size, queue absent, changed while ready). */
    QUEUE_SETUP,
    /** A queue notification the device cannot act on (before DRIVER_OK, queue not ready or absent). */
    BAD_NOTIFY,
    /**
     * Notification data (VIRTIO_F_NOTIFICATION_DATA) naming another available position than the ring
     * shows, or a notification without it while the feature is negotiated.
     */
    NOTIFICATION_DATA,
    /** A descriptor chain or ring the device rejected; the device now needs a reset. */
    MALFORMED_QUEUE,
    /** Packed-ring event suppression flags that are reserved, or RING_EVENT_FLAGS_DESC without EVENT_IDX. */
    EVENT_SUPPRESSION,
    /** A write to a read-only device config field, or to writeback without CONFIG_WCE. */
    CONFIG_WRITE,
    /** A device config access beyond the end of the config space. */
    CONFIG_OUT_OF_RANGE,
    /** A wait on an interrupt line no attached device drives. */
    UNKNOWN_INTERRUPT_LINE
}
