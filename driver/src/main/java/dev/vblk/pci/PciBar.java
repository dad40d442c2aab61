package dev.vblk.pci;

/**
 * One memory base address register as the driver sized and assigned it.
 *
 * @param index the BAR number, 0 to 5 (a 64-bit BAR takes {@code index} and {@code index + 1})
 * @param address the physical address assigned
 * @param size bytes the BAR decodes, a power of two
 * @param wide whether it is a 64-bit BAR
 * @param prefetchable whether the function marks it prefetchable
 */
public record PciBar(int index, long address, long size, boolean wide, boolean prefetchable) {

    /** Whether {@code [offset, offset + length)} lies inside the BAR. */
    public boolean contains(long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
    }

    @Override
    public String toString() {
        return String.format("BAR%d 0x%x+0x%x%s%s", index, address, size, wide ? " 64-bit" : "",
                prefetchable ? " prefetchable" : "");
    }
}
