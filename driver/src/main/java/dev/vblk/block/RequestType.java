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
    /** Device initialisation: reset, feature negotiation and queue setup. */
    INIT
}
