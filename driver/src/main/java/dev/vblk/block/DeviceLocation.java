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
        /** {@code 0x} and the address in hexadecimal, at least 8 digits (as {@code %08x}; it names every request's errors). */
        @Override
        public String toString() {
            String digits = Long.toHexString(baseAddress);
            return "0x" + "0".repeat(Math.max(0, 8 - digits.length())) + digits;
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
