package dev.vblk.pci;

import java.util.List;
import java.util.Optional;

/**
 * A function's MSI-X capability (PCI 3.0 section 6.8.2): how many vectors its table has and where
 * the table and the pending-bit array lie in its memory BARs, with the Message Control register that
 * enables it.
 *
 * @param offset where the capability starts in configuration space
 * @param tableSize how many entries the table has (1 to 2048)
 * @param table the table's physical address (16 bytes per entry)
 * @param pendingBits the pending-bit array's physical address
 */
public record MsixCapability(int offset, int tableSize, long table, long pendingBits) {

    /** The capability ID of MSI-X. */
    public static final int ID = 0x11;
    /** Message Control: MSI-X Enable. */
    public static final int ENABLE = 1 << 15;
    /** Message Control: Function Mask. */
    public static final int FUNCTION_MASK = 1 << 14;
    /** Bytes per table entry: message address low and high, message data, vector control. */
    public static final int ENTRY_BYTES = 16;
    /** Vector control: the entry is masked. */
    public static final int VECTOR_MASKED = 1;

    private static final int MESSAGE_CONTROL = 2;
    private static final int TABLE = 4;
    private static final int PBA = 8;
    private static final int TABLE_SIZE_MASK = 0x7ff;
    private static final int BIR_MASK = 7;

    /**
     * The function's first MSI-X capability; empty when it has none.
     *
     * @throws PciException when the table or pending-bit array does not lie inside an assigned memory BAR
     */
    public static Optional<MsixCapability> find(PciConfigSpace config, List<PciCapability> capabilities, PciFunction function) {
        Optional<PciCapability> found = capabilities.stream().filter(c -> c.id() == ID).findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        int offset = found.get().offset();
        int tableSize = (config.u16(offset + MESSAGE_CONTROL) & TABLE_SIZE_MASK) + 1;
        long table = place(config, function, config.u32(offset + TABLE), (long) tableSize * ENTRY_BYTES, "table");
        long pendingBits = place(config, function, config.u32(offset + PBA), (tableSize + 63) / 64 * 8L, "pending-bit array");
        return Optional.of(new MsixCapability(offset, tableSize, table, pendingBits));
    }

    private static long place(PciConfigSpace config, PciFunction function, long register, long length, String what) {
        int bir = (int) register & BIR_MASK;
        long offset = register & ~(long) BIR_MASK;
        PciBar bar = function.bar(bir).filter(b -> b.contains(offset, length)).orElseThrow(() -> new PciException(
                config.address(), String.format("the MSI-X %s (BAR %d + 0x%x, %d bytes) lies in no assigned memory BAR",
                        what, bir, offset, length)));
        return bar.address() + offset;
    }

    /** Message Control's address in configuration space. */
    public int messageControl() {
        return offset + MESSAGE_CONTROL;
    }

    /** The physical address of table entry {@code vector}. */
    public long entry(int vector) {
        if (vector < 0 || vector >= tableSize) {
            throw new IllegalArgumentException("MSI-X vector " + vector + " outside a table of " + tableSize);
        }
        return table + (long) vector * ENTRY_BYTES;
    }
}
