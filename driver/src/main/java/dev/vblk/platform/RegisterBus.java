package dev.vblk.platform;

/**
 * Memory-mapped register access at physical addresses.
 *
 * <p>Values are little-endian bus values of the given width; a read returns them zero-extended.
 */
public interface RegisterBus {

    /** Reads a register of the given width at a physical address. */
    long readRegister(long address, AccessWidth width);

    /** Writes the low {@code width} bits of {@code value} to a register at a physical address. */
    void writeRegister(long address, AccessWidth width, long value);
}
