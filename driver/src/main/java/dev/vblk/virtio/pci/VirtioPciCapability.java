package dev.vblk.virtio.pci;

import dev.vblk.pci.PciCapability;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.virtio.VirtioException;
import java.util.ArrayList;
import java.util.List;

/**
 * One virtio vendor-specific capability (VirtIO 1.1 section 4.1.4): which structure it locates and
 * where in which BAR.
 *
 * <pre>
 *  0: cap_vndr 0x09 | 1: cap_next | 2: cap_len | 3: cfg_type | 4: bar | 5..7: padding
 *  8: offset (le32) | 12: length (le32) | 16: notify_off_multiplier (le32, notify capability only)
 * </pre>
 *
 * @param capabilityOffset where the capability sits in configuration space
 * @param type the cfg_type: {@link #COMMON}, {@link #NOTIFY}, {@link #ISR}, {@link #DEVICE} or another
 * @param bar the BAR holding the structure
 * @param offset the structure's offset in the BAR
 * @param length the structure's length in bytes
 * @param notifyOffMultiplier for a notify capability, the bytes between queue notify addresses; else 0
 */
public record VirtioPciCapability(int capabilityOffset, int type, int bar, long offset, long length,
        long notifyOffMultiplier) {

    /** cfg_type of the common configuration. */
    public static final int COMMON = 1;
    /** cfg_type of the notifications structure. */
    public static final int NOTIFY = 2;
    /** cfg_type of the ISR status byte. */
    public static final int ISR = 3;
    /** cfg_type of the device-specific configuration. */
    public static final int DEVICE = 4;

    /** Bytes of a capability without the notify multiplier. */
    static final int LENGTH = 16;
    /** Bytes of a notify capability. */
    static final int NOTIFY_LENGTH = 20;

    /**
     * The virtio capabilities among a function's capabilities, in list order. A capability whose
     * cap_len is too short for its fields is refused rather than read past.
     *
     * @param owner how errors name the device
     * @throws VirtioException PROTOCOL_VIOLATION for such a capability
     */
    public static List<VirtioPciCapability> read(PciConfigSpace config, List<PciCapability> capabilities, String owner) {
        List<VirtioPciCapability> found = new ArrayList<>();
        for (PciCapability capability : capabilities) {
            if (capability.id() != PciCapability.VENDOR_SPECIFIC) {
                continue;
            }
            int at = capability.offset();
            int length = config.u8(at + 2);
            int type = config.u8(at + 3);
            int needed = type == NOTIFY ? NOTIFY_LENGTH : LENGTH;
            if (length < needed || at + needed > 0x100) {
                throw new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, owner, String.format(
                        "virtio capability at 0x%02x (cfg_type %d) has cap_len %d, less than the %d its fields need",
                        at, type, length, needed));
            }
            found.add(new VirtioPciCapability(at, type, config.u8(at + 4), config.u32(at + 8), config.u32(at + 12),
                    type == NOTIFY ? config.u32(at + 16) : 0));
        }
        return found;
    }
}
