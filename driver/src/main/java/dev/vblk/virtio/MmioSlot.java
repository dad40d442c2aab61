package dev.vblk.virtio;

/**
 * Where one virtio-mmio transport sits: its register window and its interrupt line.
 *
 * @param index the slot's number in its MMIO window
 * @param baseAddress physical address of the transport's first register
 * @param interruptLine the platform's interrupt line for this transport
 */
public record MmioSlot(int index, long baseAddress, int interruptLine) {

    @Override
    public String toString() {
        return String.format("slot %d at 0x%08x (irq %d)", index, baseAddress, interruptLine);
    }
}
