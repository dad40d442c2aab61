package dev.vblk.pci;

import java.util.ArrayList;
import java.util.List;

/**
 * Sizes and assigns a function's memory BARs from the host bridge's memory window, as firmware
 * would: each BAR is written all ones and read back for its size, given the next naturally aligned
 * address of the window, and checked to have kept it. Memory decoding is off while BARs change;
 * afterwards memory space and bus mastering are enabled. I/O BARs are left as they are, neither
 * sized nor assigned: nothing here uses I/O space.
 */
public final class BarAssigner {

    private static final int BAR_COUNT = 6;
    private static final long IO_SPACE = 0x1;
    private static final long TYPE_MASK = 0x6;
    private static final long TYPE_64 = 0x4;
    private static final long PREFETCHABLE = 0x8;
    private static final long MEMORY_ADDRESS_MASK = ~0xfL;

    private final PciHostBridge host;
    private long next;

    /** An assigner that hands out the host bridge's memory window from its start. */
    public BarAssigner(PciHostBridge host) {
        this.host = host;
        this.next = host.memoryBase();
    }

    /**
     * Assigns every memory BAR of a type-0 function and enables it.
     *
     * @return the assigned BARs, lowest index first
     * @throws PciException for a 64-bit BAR in the last slot, a reserved BAR type, a BAR that does
     *     not fit the remaining window, or one that does not keep the address written
     */
    public List<PciBar> assign(PciConfigSpace config) {
        int command = config.u16(PciConfigSpace.COMMAND);
        config.writeU16(PciConfigSpace.COMMAND, command & ~(PciConfigSpace.COMMAND_MEMORY_SPACE
                | PciConfigSpace.COMMAND_BUS_MASTER));
        List<PciBar> bars = new ArrayList<>();
        for (int index = 0; index < BAR_COUNT; index++) {
            int offset = PciConfigSpace.BAR0 + 4 * index;
            long original = config.u32(offset);
            if ((original & IO_SPACE) != 0) {
                continue;
            }
            long type = original & TYPE_MASK;
            if (type != 0 && type != TYPE_64) {
                throw new PciException(config.address(), "BAR" + index + " has the reserved memory type " + type);
            }
            boolean wide = type == TYPE_64;
            if (wide && index == BAR_COUNT - 1) {
                throw new PciException(config.address(), "BAR5 claims to be the low half of a 64-bit BAR");
            }
            long size = size(config, offset, wide);
            if (size != 0) {
                bars.add(place(config, index, offset, size, wide, (original & PREFETCHABLE) != 0));
            }
            if (wide) {
                index++;
            }
        }
        config.writeU16(PciConfigSpace.COMMAND, (command & ~PciConfigSpace.COMMAND_INTX_DISABLE)
                | PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER);
        return bars;
    }

    /** The bytes a BAR decodes (0 for an unimplemented BAR), found by writing all ones. */
    private static long size(PciConfigSpace config, int offset, boolean wide) {
        config.writeU32(offset, 0xffff_ffffL);
        long mask = config.u32(offset) & MEMORY_ADDRESS_MASK & 0xffff_ffffL;
        if (wide) {
            config.writeU32(offset + 4, 0xffff_ffffL);
            mask |= config.u32(offset + 4) << 32;
        } else {
            mask |= 0xffff_ffff_0000_0000L;
        }
        if ((mask & 0xffff_ffffL) == 0 && (!wide || mask == 0)) {
            return 0;
        }
        long size = -mask;
        if (Long.bitCount(size) != 1) {
            throw new PciException(config.address(), String.format(
                    "BAR at 0x%02x reads back size mask 0x%x, which is not a power-of-two size", offset, mask));
        }
        return size;
    }

    private PciBar place(PciConfigSpace config, int index, int offset, long size, boolean wide, boolean prefetchable) {
        long address = (next + size - 1) & -size;
        long end = host.memoryBase() + host.memorySize();
        if (address < next || size > end - address) {
            throw new PciException(config.address(), String.format(
                    "BAR%d of 0x%x bytes does not fit the memory window [0x%x, 0x%x) above 0x%x", index, size,
                    host.memoryBase(), end, next));
        }
        config.writeU32(offset, address);
        if (wide) {
            config.writeU32(offset + 4, address >>> 32);
        }
        long readBack = config.u32(offset) & MEMORY_ADDRESS_MASK & 0xffff_ffffL;
        if (wide) {
            readBack |= config.u32(offset + 4) << 32;
        }
        if (readBack != address) {
            throw new PciException(config.address(), String.format(
                    "BAR%d reads back 0x%x after 0x%x was written to it", index, readBack, address));
        }
        next = address + size;
        return new PciBar(index, address, size, wide, prefetchable);
    }
}
