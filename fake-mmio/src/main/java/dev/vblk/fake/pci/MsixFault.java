package dev.vblk.fake.pci;

/** A way the fake virtio-blk-pci function's MSI-X vectors can misbehave on purpose. */
public enum MsixFault {
    /** config_msix_vector reads VIRTIO_MSI_NO_VECTOR whatever the driver wrote: the device refuses the vector. */
    REFUSE_CONFIG_VECTOR,
    /** queue_msix_vector reads VIRTIO_MSI_NO_VECTOR whatever the driver wrote, for every queue. */
    REFUSE_QUEUE_VECTOR,
    /**
     * A queue's used-buffer interrupts are sent on the next vector of the table instead of its own
     * (the last one's on vector 0, the configuration vector).
     */
    WRONG_VECTOR,
    /** Used-buffer interrupts are never sent on any vector; the used rings are still written. */
    NO_INTERRUPT
}
