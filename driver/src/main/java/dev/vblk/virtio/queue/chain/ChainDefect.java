package dev.vblk.virtio.queue.chain;

/** Why a descriptor chain is malformed (VirtIO 1.1 sections 2.6.5, 2.6.5.3, 2.7.5 and 2.7.6). */
public enum ChainDefect {
    /** The available ring names a descriptor beyond the queue size. */
    HEAD_OUT_OF_RANGE,
    /** A NEXT link names a descriptor beyond its table. */
    NEXT_OUT_OF_RANGE,
    /** More descriptors than the table holds: the links form a loop. */
    LOOP,
    /** An indirect descriptor although VIRTIO_F_INDIRECT_DESC was not negotiated. */
    INDIRECT_NOT_NEGOTIATED,
    /** An indirect descriptor inside an indirect table. */
    NESTED_INDIRECT,
    /** An indirect descriptor with NEXT set. */
    INDIRECT_WITH_NEXT,
    /** An indirect table whose length is zero or not a multiple of 16 bytes. */
    BAD_INDIRECT_LENGTH,
    /** A buffer of zero bytes. */
    EMPTY_BUFFER,
    /** A buffer or indirect table outside the guest memory a device may reach. */
    OUTSIDE_MEMORY,
    /** A descriptor continuing a packed chain that is not marked available in its lap. */
    NOT_AVAILABLE,
    /** A device-readable buffer after a device-writable one. */
    READABLE_AFTER_WRITABLE
}
