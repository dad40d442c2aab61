package dev.vblk.qemu;

import dev.vblk.pci.PciAddress;

/** Fixed facts about QEMU's aarch64 {@code virt} machine that the backend relies on. */
public final class VirtMachine {

    /** Guest-physical address where RAM starts. */
    public static final long RAM_BASE = 0x4000_0000L;

    /** Address of virtio-mmio transport slot 0. */
    public static final long TRANSPORT_BASE = 0x0a00_0000L;

    /** Bytes between consecutive transports. */
    public static final long TRANSPORT_STRIDE = 0x200;

    /** Number of virtio-mmio transports. */
    public static final int TRANSPORT_SLOTS = 32;

    /** The GIC input (as qtest numbers intercepted lines) of transport slot 0: SPI 16. */
    public static final int FIRST_TRANSPORT_INTERRUPT = 16;

    /** How many PCI drives the backend places: devices 1 to 30 of bus 0 (device 0 is the host bridge). */
    public static final int PCI_DRIVE_SLOTS = 30;

    private VirtMachine() {}

    /** The PCI address QEMU is told to give the {@code index}-th PCI drive: bus 0, device {@code index + 1}. */
    public static PciAddress pciAddressOfDevice(int index) {
        if (index < 0 || index >= PCI_DRIVE_SLOTS) {
            throw new IllegalArgumentException("PCI drive index must be in [0, " + PCI_DRIVE_SLOTS + "), not " + index);
        }
        return new PciAddress(0, index + 1, 0);
    }

    /** The register base address of a transport slot. */
    public static long transportAddress(int slot) {
        checkSlot(slot);
        return TRANSPORT_BASE + slot * TRANSPORT_STRIDE;
    }

    /** The interrupt line, as reported by qtest after {@code irq_intercept_in} on the GIC, of a slot. */
    public static int interruptLine(int slot) {
        checkSlot(slot);
        return FIRST_TRANSPORT_INTERRUPT + slot;
    }

    /** The slot QEMU gives the {@code index}-th virtio device on the command line (it fills from the top). */
    public static int slotOfDevice(int index) {
        if (index < 0 || index >= TRANSPORT_SLOTS) {
            throw new IllegalArgumentException("device index must be in [0, " + TRANSPORT_SLOTS + "), not " + index);
        }
        return TRANSPORT_SLOTS - 1 - index;
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= TRANSPORT_SLOTS) {
            throw new IllegalArgumentException("transport slot must be in [0, " + TRANSPORT_SLOTS + "), not " + slot);
        }
    }
}
