package dev.vblk.discovery;

import dev.vblk.virtio.MmioSlot;

/**
 * A range of equally sized virtio-mmio transport slots, as a device tree or static board
 * configuration describes it.
 *
 * @param baseAddress physical address of slot 0
 * @param slotSize bytes per slot
 * @param slotCount number of slots
 * @param firstInterruptLine the platform's interrupt line of slot 0; slot {@code n} uses {@code firstInterruptLine + n}
 */
public record MmioWindow(long baseAddress, int slotSize, int slotCount, int firstInterruptLine) {

    /** QEMU's aarch64 {@code virt} machine: 32 slots of 0x200 bytes from 0x0a000000, SPI 16 onwards. */
    public static final MmioWindow QEMU_VIRT = new MmioWindow(0x0a00_0000L, 0x200, 32, 16);

    public MmioWindow {
        if (slotSize < 0x200 || slotCount <= 0 || baseAddress < 0) {
            throw new IllegalArgumentException("an MMIO window needs slots of at least 0x200 bytes");
        }
    }

    /** Slot {@code index} of this window. */
    public MmioSlot slot(int index) {
        if (index < 0 || index >= slotCount) {
            throw new IndexOutOfBoundsException("slot " + index + " outside a window of " + slotCount);
        }
        return new MmioSlot(index, baseAddress + (long) index * slotSize, firstInterruptLine + index);
    }

    /** One past the window's last byte. */
    public long endAddress() {
        return baseAddress + (long) slotSize * slotCount;
    }
}
