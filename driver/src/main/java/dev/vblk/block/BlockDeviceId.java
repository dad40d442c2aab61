package dev.vblk.block;

/**
 * Names one block device: the virtio device type that matched it and where its transport sits.
 * Written {@code virtio-blk@0x0a003e00} on virtio-mmio and {@code virtio-blk@pci:00:01.0} on
 * virtio-pci.
 *
 * @param virtioDeviceType the virtio device ID read from the transport (2 for block)
 * @param location the transport's register window or PCI function
 */
public record BlockDeviceId(int virtioDeviceType, DeviceLocation location) {

    /** A device on the virtio-mmio transport whose registers start at {@code transportAddress}. */
    public BlockDeviceId(int virtioDeviceType, long transportAddress) {
        this(virtioDeviceType, new DeviceLocation.Mmio(transportAddress));
    }

    @Override
    public String toString() {
        return "virtio-blk@" + location;
    }
}
