package dev.vblk.block;

/** The kind of block request an error or trace event refers to. */
public enum RequestType {
    READ,
    WRITE,
    FLUSH,
    GET_ID,
    DISCARD,
    WRITE_ZEROES,
    /** VirtIO 1.2's secure erase of a range (VIRTIO_BLK_F_SECURE_ERASE). */
    SECURE_ERASE,
    /** VirtIO 1.2's device lifetime report (VIRTIO_BLK_F_LIFETIME). */
    GET_LIFETIME,
    /** VirtIO 1.2's zone report (VIRTIO_BLK_F_ZONED). */
    ZONE_REPORT,
    /** VirtIO 1.2's explicit zone open (VIRTIO_BLK_F_ZONED). */
    ZONE_OPEN,
    /** VirtIO 1.2's zone close (VIRTIO_BLK_F_ZONED). */
    ZONE_CLOSE,
    /** VirtIO 1.2's zone finish (VIRTIO_BLK_F_ZONED). */
    ZONE_FINISH,
    /** VirtIO 1.2's zone reset (VIRTIO_BLK_F_ZONED). */
    ZONE_RESET,
    /** VirtIO 1.2's reset of every zone (VIRTIO_BLK_F_ZONED). */
    ZONE_RESET_ALL,
    /** VirtIO 1.2's zone append (VIRTIO_BLK_F_ZONED). */
    ZONE_APPEND,
    /** Device initialisation: reset, feature negotiation and queue setup. */
    INIT
}
