package dev.vblk.virtio;

/**
 * Where one virtio-mmio transport sits: its register window and its interrupt line.
 *
 * @param index the slot's number in its MMIO window
 * @param baseAddress physical address of the transport's first register
 * @param interruptLine the platform's interrupt line for this transport
 */
public record MmioSlot(int index, long baseAddress, int interruptLine) {

    /**
     * {@code slot 3 at 0x0a000600 (irq 51)}: the address in at least 8 hex digits. Every probe names
     * its slot, so no formatter is run.
     */
    @Override
    public String toString() {
        String hex = Long.toHexString(baseAddress);
        return "slot " + index + " at 0x" + "0".repeat(Math.max(0, 8 - hex.length())) + hex + " (irq " + interruptLine + ")";
    }
}
