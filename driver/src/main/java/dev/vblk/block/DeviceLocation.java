package dev.vblk.block;

import dev.vblk.pci.PciAddress;

/** Where a device's transport sits: a virtio-mmio register window or a PCI function. */
public sealed interface DeviceLocation {

    /**
     * A virtio-mmio transport.
     *
     * @param baseAddress physical base address of its register window
     */
    record Mmio(long baseAddress) implements DeviceLocation {
        @Override
        public String toString() {
            return String.format("0x%08x", baseAddress);
        }
    }

    /**
     * A virtio-pci function.
     *
     * @param address its bus, device and function
     */
    record Pci(PciAddress address) implements DeviceLocation {
        @Override
        public String toString() {
            return "pci:" + address;
        }
    }
}
