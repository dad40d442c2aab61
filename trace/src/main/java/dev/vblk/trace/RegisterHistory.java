package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;

/**
 * What the compact register entries of a format 4 trace ({@code RegisterReadDelta},
 * {@code RegisterWriteDelta}) are written against, kept alike by the writer and the reader: the
 * address of the register access before, and the last value each register (address and width)
 * carried, read or written. Every register entry of a format 4 trace, compact or full, moves them on.
 *
 * <p>A compact entry holds the address as the difference from the previous access's, shifted left
 * two bits over the width's code (0 to 3 for 1, 2, 4 and 8 bytes), and the value exclusive-or the
 * register's last value (0 for a register not accessed before): a status register polled again, or
 * the next register of a slot, takes a byte or two where the full entry takes about ten. An access
 * whose address is too far from the previous one for the shift is written in full.
 */
final class RegisterHistory {

    private static final AccessWidth[] WIDTHS = AccessWidth.values();

    /** Differences at least this far from zero are written in full (the key shifts them two bits). */
    private static final long FAR = 1L << 60;

    /*
     * The last value of each register, by open addressing with linear probing over its address and
     * width (the width's code plus one, so that 0 marks a free slot): a few dozen registers, looked up
     * at every register entry, without a boxed key or value. At most half the slots are full.
     */
    private long[] addresses = new long[64];
    private byte[] widths = new byte[64];
    private long[] values = new long[64];
    private int size;
    private long previousAddress;

    /** Whether an access at {@code address} can be written compactly after the previous one. */
    boolean compact(long address) {
        long difference = address - previousAddress;
        return difference > -FAR && difference < FAR
                && (address >= previousAddress) == (difference >= 0);
    }

    /**
     * The key and stored value of a compact entry for an access (see the class comment), moving the
     * history on to it: the key first, the value second.
     */
    long[] write(long address, AccessWidth width, long value) {
        long key = ((address - previousAddress) << 2) | width.ordinal();
        long last = note(address, width, value);
        return new long[] {key, value ^ last};
    }

    /** The access a compact entry's key and stored value stand for, moving the history on to it. */
    TraceEvent read(long key, long stored, boolean write) {
        AccessWidth width = WIDTHS[(int) (key & 3)];
        long address = previousAddress + (key >> 2);
        previousAddress = address;
        int slot = slot(address, width);
        long value = stored ^ values[slot];
        store(slot, address, width, value);
        return write ? new TraceEvent.RegisterWrite(address, width, value) : new TraceEvent.RegisterRead(address, width, value);
    }

    /** Moves the history on to an access (one written in full too); returns the register's value before, 0 if none. */
    long note(long address, AccessWidth width, long value) {
        previousAddress = address;
        int slot = slot(address, width);
        long last = values[slot];
        store(slot, address, width, value);
        return last;
    }

    /** The slot of the register at {@code address} of {@code width}: its own, or the free one it would take. */
    private int slot(long address, AccessWidth width) {
        byte code = (byte) (width.ordinal() + 1);
        int mask = addresses.length - 1;
        int i = hash(address, code, mask);
        while (widths[i] != 0 && (widths[i] != code || addresses[i] != address)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void store(int slot, long address, AccessWidth width, long value) {
        values[slot] = value;
        if (widths[slot] != 0) {
            return;
        }
        addresses[slot] = address;
        widths[slot] = (byte) (width.ordinal() + 1);
        if (++size * 2 > addresses.length) {
            grow();
        }
    }

    private void grow() {
        long[] oldAddresses = addresses;
        byte[] oldWidths = widths;
        long[] oldValues = values;
        addresses = new long[oldAddresses.length * 2];
        widths = new byte[addresses.length];
        values = new long[addresses.length];
        int mask = addresses.length - 1;
        for (int i = 0; i < oldAddresses.length; i++) {
            if (oldWidths[i] != 0) {
                int j = hash(oldAddresses[i], oldWidths[i], mask);
                while (widths[j] != 0) {
                    j = (j + 1) & mask;
                }
                addresses[j] = oldAddresses[i];
                widths[j] = oldWidths[i];
                values[j] = oldValues[i];
            }
        }
    }

    private static int hash(long address, byte code, int mask) {
        return (int) (((address ^ code) * 0x9e37_79b9_7f4a_7c15L) >>> 40) & mask;
    }
}
