package dev.vblk.fake.blk;

/**
 * When the fake device writes the avail_event field at the end of the used ring (VirtIO 1.1
 * section 2.6.8), which tells a driver with VIRTIO_F_EVENT_IDX when to notify next.
 */
public enum AvailEventWrites {
    /** After each notification, when VIRTIO_F_EVENT_IDX was negotiated (the correct behaviour). */
    AS_NEGOTIATED,
    /** After each notification, negotiated or not. */
    ALWAYS,
    /** Never: the field keeps whatever the driver's memory held. */
    NEVER
}
