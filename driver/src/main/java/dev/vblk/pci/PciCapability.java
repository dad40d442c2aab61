package dev.vblk.pci;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One entry of a function's capability list (PCI 3.0 section 6.7).
 *
 * @param offset where the capability starts in configuration space
 * @param id the capability ID (0x09 for vendor-specific, 0x11 for MSI-X)
 */
public record PciCapability(int offset, int id) {

    /** The capability ID of vendor-specific capabilities, which virtio-pci uses. */
    public static final int VENDOR_SPECIFIC = 0x09;

    /** The most capabilities the 192 bytes after the header can hold (4 bytes each at least). */
    static final int MAX_CAPABILITIES = 48;

    private static final int HEADER_END = 0x40;
    private static final int CONFIG_END = 0x100;

    /**
     * Walks the capability list: empty when the status register says there is none.
     *
     * @throws PciException for a pointer into the header or past the first 256 bytes, a loop, or
     *     more entries than fit
     */
    public static List<PciCapability> list(PciConfigSpace config) {
        List<PciCapability> found = new ArrayList<>();
        if ((config.u16(PciConfigSpace.STATUS) & PciConfigSpace.STATUS_CAPABILITIES) == 0) {
            return found;
        }
        Set<Integer> seen = new HashSet<>();
        int pointer = config.u8(PciConfigSpace.CAPABILITIES_POINTER) & 0xfc;
        while (pointer != 0) {
            if (pointer < HEADER_END || pointer > CONFIG_END - 2) {
                throw new PciException(config.address(), String.format(
                        "capability pointer 0x%02x lies outside [0x40, 0xfe]", pointer));
            }
            if (!seen.add(pointer) || found.size() == MAX_CAPABILITIES) {
                throw new PciException(config.address(), String.format(
                        "the capability list loops (at 0x%02x after %d entries)", pointer, found.size()));
            }
            found.add(new PciCapability(pointer, config.u8(pointer)));
            pointer = config.u8(pointer + 1) & 0xfc;
        }
        return found;
    }
}
