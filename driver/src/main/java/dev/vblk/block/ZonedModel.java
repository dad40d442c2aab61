package dev.vblk.block;

/** The zoned models of VirtIO 1.2 (the model field of the zoned characteristics). */
public enum ZonedModel {
    /** VIRTIO_BLK_Z_NONE (0): drive-managed or not zoned; the device is used as any other. */
    NONE,
    /** VIRTIO_BLK_Z_HM (1): host-managed; sequential-write-required zones, written only at their write pointer. */
    HOST_MANAGED,
    /** VIRTIO_BLK_Z_HA (2): host-aware; sequential-write-preferred zones, which also take random writes. */
    HOST_AWARE
}
