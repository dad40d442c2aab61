package dev.vblk.fake.blk;

/** How the fake device breaks VIRTIO_F_IN_ORDER while the feature is negotiated ({@link DeviceFaults#inOrderFault}). */
public enum InOrderFault {
    /** The device keeps the order: one used entry per batch, naming its last request. */
    NONE,
    /**
     * The device ignores the order: each request completes when it finishes, with a used entry of its
     * own, as without the feature (a request delayed longer than the next completes after it).
     */
    OUT_OF_ORDER,
    /**
     * The device leaves the batch's first request out (never answering it) and writes one used entry
     * naming the batch's last, as if the batch were one request shorter.
     */
    SKIP_BUFFER
}
