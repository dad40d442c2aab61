package dev.vblk.block;

/** The type of a zone (z_type of a VirtIO 1.2 zone descriptor). */
public enum ZoneType {
    /** VIRTIO_BLK_ZT_CONV (1): written anywhere, no write pointer. */
    CONVENTIONAL,
    /** VIRTIO_BLK_ZT_SWR (2): written only at the write pointer. */
    SEQUENTIAL_WRITE_REQUIRED,
    /** VIRTIO_BLK_ZT_SWP (3): best written at the write pointer, written anywhere. */
    SEQUENTIAL_WRITE_PREFERRED
}
