package dev.vblk.discovery;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.VirtioBlkDevice;

/** What a scan found in one slot of an MMIO window. */
public sealed interface SlotReport {

    /** The slot that was probed. */
    MmioSlot slot();

    /** No transport answers, or a transport with device ID 0 (a placeholder QEMU leaves free). */
    record Empty(MmioSlot slot) implements SlotReport {}

    /** A block device, initialised and registered. */
    record BoundBlockDevice(MmioSlot slot, VirtioBlkDevice device) implements SlotReport {}

    /** A virtio device of another type, left alone. */
    record OtherDevice(MmioSlot slot, int deviceType, int vendorId) implements SlotReport {}

    /** A transport the driver cannot use: a legacy version, or a block device whose initialisation failed. */
    record Unusable(MmioSlot slot, String reason, BlockDeviceException error) implements SlotReport {}
}
