package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.util.HashMap;
import java.util.Map;

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

    /** A register as the history knows it. */
    private record Register(long address, AccessWidth width) {}

    /** Differences at least this far from zero are written in full (the key shifts them two bits). */
    private static final long FAR = 1L << 60;

    private final Map<Register, Long> lastValues = new HashMap<>();
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
        AccessWidth width = AccessWidth.values()[(int) (key & 3)];
        long address = previousAddress + (key >> 2);
        Long last = lastValues.get(new Register(address, width));
        long value = stored ^ (last == null ? 0 : last);
        note(address, width, value);
        return write ? new TraceEvent.RegisterWrite(address, width, value) : new TraceEvent.RegisterRead(address, width, value);
    }

    /** Moves the history on to an access (one written in full too); returns the register's value before, 0 if none. */
    long note(long address, AccessWidth width, long value) {
        previousAddress = address;
        Long last = lastValues.put(new Register(address, width), value);
        return last == null ? 0 : last;
    }
}
