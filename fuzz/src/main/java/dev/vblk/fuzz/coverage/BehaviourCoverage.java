package dev.vblk.fuzz.coverage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A cheap signal of how much of the driver's behaviour runs have reached: the set of (register,
 * direction, value class) triples the driver read or wrote in a device's register window, collected
 * by a {@link CoverageProbe}. A new triple means the driver did something new: wrote a status it never
 * wrote, acknowledged another interrupt bit, met a register value it never met.
 */
public final class BehaviourCoverage {

    private final Set<Long> keys = new HashSet<>();

    /** Adds one access; true if it is new. */
    public boolean add(boolean write, int offset, long value) {
        return keys.add(key(write, offset, value));
    }

    /** Adds every key of {@code other}; returns the keys that were new here, ascending. */
    public List<Long> addAll(BehaviourCoverage other) {
        List<Long> added = new ArrayList<>();
        for (long key : other.keys) {
            if (keys.add(key)) {
                added.add(key);
            }
        }
        added.sort(null);
        return added;
    }

    /** How many keys {@code other} has that this has not. */
    public int newIn(BehaviourCoverage other) {
        int count = 0;
        for (long key : other.keys) {
            if (!keys.contains(key)) {
                count++;
            }
        }
        return count;
    }

    /** How many distinct keys were reached. */
    public int size() {
        return keys.size();
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
