package dev.vblk.block;

/** The state of a zone (z_state of a VirtIO 1.2 zone descriptor). */
public enum ZoneState {
    /** VIRTIO_BLK_ZS_NOT_WP (0): a conventional zone. */
    NOT_WRITE_POINTER,
    /** VIRTIO_BLK_ZS_EMPTY (1): the write pointer at the zone's start. */
    EMPTY,
    /** VIRTIO_BLK_ZS_IOPEN (2): opened by a write. */
    IMPLICITLY_OPEN,
    /** VIRTIO_BLK_ZS_EOPEN (3): opened by an open command. */
    EXPLICITLY_OPEN,
    /** VIRTIO_BLK_ZS_CLOSED (4): written, not open, still active. */
    CLOSED,
    /** VIRTIO_BLK_ZS_RDONLY (13): readable only; the write pointer means nothing. */
    READ_ONLY,
    /** VIRTIO_BLK_ZS_FULL (14): no more writes until a reset; the write pointer means nothing. */
    FULL,
    /** VIRTIO_BLK_ZS_OFFLINE (15): neither readable nor writable. */
    OFFLINE;

    /** Whether the write pointer of a zone in this state is defined. */
    public boolean hasWritePointer() {
        return this == EMPTY || this == IMPLICITLY_OPEN || this == EXPLICITLY_OPEN || this == CLOSED;
    }
}
