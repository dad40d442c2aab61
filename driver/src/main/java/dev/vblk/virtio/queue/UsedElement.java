package dev.vblk.virtio.queue;

/**
 * A completion the device returned in the used ring (or a used descriptor of a packed ring), checked
 * against what the driver posted.
 *
 * @param id the head descriptor of the completed chain (its buffer id on a packed ring)
 * @param length bytes the device says it wrote into the chain's device-writable buffers
 */
public record UsedElement(int id, int length) {}
