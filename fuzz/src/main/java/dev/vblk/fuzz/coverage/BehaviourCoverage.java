package dev.vblk.fuzz.coverage;

import dev.vblk.discovery.MmioWindow;
import java.util.ArrayList;
import java.util.List;

/**
 * A cheap signal of how much of the driver's behaviour runs have reached: the set of (register,
 * direction, value class) triples the driver read or wrote in a device's register window, collected
 * by a {@link CoverageProbe} or from the accesses a run noted itself. A new triple means the driver
 * did something new: wrote a status it never wrote, acknowledged another interrupt bit, met a
 * register value it never met.
 */
public final class BehaviourCoverage {

    /**
     * The keys plus one (0 marks a free slot; keys never have bit 63 set), by open addressing with
     * linear probing; at most half the slots are full.
     */
    private long[] slots = new long[128];
    private int size;

    /** Adds one access; true if it is new. */
    public boolean add(boolean write, int offset, long value) {
        return addKey(key(write, offset, value));
    }

    /**
     * Adds one register access at {@code address} if it lies inside {@code window}, by its offset in
     * its slot; an access elsewhere is not driver behaviour this signal counts.
     */
    public void addAccess(MmioWindow window, boolean write, long address, long value) {
        if (address >= window.baseAddress() && address < window.endAddress()) {
            add(write, (int) ((address - window.baseAddress()) % window.slotSize()), value);
        }
    }

    /** Adds every key of {@code other}; returns the keys that were new here, ascending. */
    public List<Long> addAll(BehaviourCoverage other) {
        List<Long> added = new ArrayList<>();
        for (long slot : other.slots) {
            if (slot != 0 && addKey(slot - 1)) {
                added.add(slot - 1);
            }
        }
        added.sort(null);
        return added;
    }

    /** How many distinct keys were reached. */
    public int size() {
        return size;
    }

    private boolean addKey(long key) {
        int mask = slots.length - 1;
        int i = slot(key, mask);
        for (; slots[i] != 0; i = (i + 1) & mask) {
            if (slots[i] == key + 1) {
                return false;
            }
        }
        slots[i] = key + 1;
        if (++size * 2 > slots.length) {
            long[] old = slots;
            slots = new long[old.length * 2];
            int newMask = slots.length - 1;
            for (long stored : old) {
                if (stored != 0) {
                    int j = slot(stored - 1, newMask);
                    while (slots[j] != 0) {
                        j = (j + 1) & newMask;
                    }
                    slots[j] = stored;
                }
            }
        }
        return true;
    }

    private static int slot(long key, int mask) {
        return (int) ((key * 0x9e37_79b9_7f4a_7c15L) >>> 32) & mask;
    }

    /**
     * The class of a register value: the value itself below 256 (status and interrupt bits, small
     * counts), else whether it fits 16 bits, is all ones in 32 bits, or is another large value.
     */
    static long valueClass(long value) {
        if (value >= 0 && value < 256) {
            return value;
        }
        if (value == 0xffff_ffffL || value == -1L) {
            return 0x1_0000_0001L;
        }
        return value >= 0 && value <= 0xffff ? 0x1_0000_0000L : 0x1_0000_0002L;
    }

    private static long key(boolean write, int offset, long value) {
        return (write ? 1L << 62 : 0) | ((long) offset << 40) | valueClass(value);
    }
}
