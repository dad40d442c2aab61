package dev.vblk.block;

/**
 * Names one block device: the virtio device type that matched it and the transport it sits on.
 *
 * @param virtioDeviceType the virtio device ID read from the transport (2 for block)
 * @param transportAddress physical base address of the device's register window
 */
public record BlockDeviceId(int virtioDeviceType, long transportAddress) {

    @Override
    public String toString() {
        return String.format("virtio-blk@0x%08x", transportAddress);
    }
}
