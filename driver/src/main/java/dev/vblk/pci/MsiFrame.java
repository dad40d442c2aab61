package dev.vblk.pci;

/**
 * A board's frame for message-signalled interrupts (MSI-X table entries point at it): a 32-bit write
 * of {@code firstData + n} to {@code doorbell} pulses the interrupt line {@code firstLine + n}, an
 * edge-latched line of the platform ({@link dev.vblk.platform.InterruptLines#awaitEdge}).
 *
 * @param doorbell the physical address a message is written to
 * @param firstData the message data of the frame's first line
 * @param firstLine the platform's interrupt line of the frame's first vector
 * @param lineCount how many lines the frame serves
 */
public record MsiFrame(long doorbell, int firstData, int firstLine, int lineCount) {

    /**
     * The GICv2m frame of QEMU 7.2's aarch64 {@code virt} board: MSI_SETSPI_NS at 0x08020040
     * (frame 0x08020000 plus 0x40); MSI_TYPER reads 0x00500040, 64 SPIs from interrupt ID 80, that is
     * SPI 48 (the board's {@code VIRT_GIC_V2M} irq), which the intercepted GIC reports as line 48.
     */
    public static final MsiFrame QEMU_VIRT_V2M = new MsiFrame(0x0802_0040L, 80, 48, 64);

    /** Checks the ranges. */
    public MsiFrame {
        if (doorbell < 0 || firstData < 0 || firstLine < 0 || lineCount < 1) {
            throw new IllegalArgumentException("an MSI frame needs a doorbell address and at least one line");
        }
    }

    /** The message data that pulses line {@code firstLine + index}. */
    public int data(int index) {
        checkIndex(index);
        return firstData + index;
    }

    /** The platform's interrupt line the frame's {@code index}-th message pulses. */
    public int line(int index) {
        checkIndex(index);
        return firstLine + index;
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= lineCount) {
            throw new IllegalArgumentException("MSI frame line " + index + " outside its " + lineCount + " lines");
        }
    }
}
