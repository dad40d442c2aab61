package dev.vblk.virtio.blk;

/** How the driver learns that the device has completed requests. */
public enum CompletionMode {
    /**
     * The driver reads the used ring again and again, waiting on the interrupt line for a poll
     * interval between reads (and handling an interrupt that comes).
     */
    POLLING,
    /**
     * The driver waits on the interrupt line; when it is raised it reads and acknowledges
     * InterruptStatus once and then takes every completion in the used ring. The used ring is not
     * read until an interrupt says there is something in it.
     */
    INTERRUPTS
}
