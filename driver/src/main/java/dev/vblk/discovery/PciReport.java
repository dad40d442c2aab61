package dev.vblk.discovery;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciFunction;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.pci.VirtioPciTransport;

/** What a scan of a PCI bus found at one function. */
public sealed interface PciReport {

    /** The function that was probed. */
    PciAddress address();

    /** A virtio block device, its BARs assigned, initialised and registered. */
    record BoundBlockDevice(PciFunction function, VirtioPciTransport transport, VirtioBlkDevice device) implements PciReport {
        @Override
        public PciAddress address() {
            return function.address();
        }
    }

    /**
     * A function left alone: not a virtio device, a virtio device of another type, or a bridge.
     *
     * @param virtioDeviceType the virtio device type, or -1 when it is no virtio device
     */
    record OtherFunction(PciAddress address, int vendorId, int deviceId, int classCode, int virtioDeviceType)
            implements PciReport {}

    /**
     * A virtio block function the driver cannot use: its configuration space, capabilities or
     * initialisation failed.
     *
     * @param error the driver's error when initialisation failed; null for a configuration-space fault
     */
    record Unusable(PciAddress address, String reason, BlockDeviceException error) implements PciReport {}
}
