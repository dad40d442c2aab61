package dev.vblk.fake.blk;

import dev.vblk.platform.LittleEndian;

/**
 * The zones of a zoned fake device (VirtIO 1.2 section 5.2, VIRTIO_BLK_F_ZONED): their types, states
 * and write pointers, and the rules the device applies to writes, zone appends and the zone
 * commands, answering each with the status the specification names. The first
 * {@link FakeBlkConfig.Zoned#conventionalZones()} zones are conventional; the rest are
 * sequential-write-required on a host-managed device (written only at the write pointer, in one
 * zone) and sequential-write-preferred otherwise (written anywhere; a write moves the write pointer
 * to its end when that is further). A full zone takes no write. Writing an empty or closed zone opens it implicitly; opening a
 * zone when max_open_zones are open first closes an implicitly open zone, if there is one; a zone that
 * would exceed max_active_zones is refused. Zone capacities equal the zone sizes. Read-only and
 * offline zones, reads across zones and a capacity change are not modelled. A
 * {@link FakeBlkConfig.ZoneLie} makes the reports or the appends break the rules.
 */
final class ZonedDisk {

    static final int ZT_CONV = 1;
    static final int ZT_SWR = 2;
    static final int ZT_SWP = 3;

    static final int ZS_NOT_WP = 0;
    static final int ZS_EMPTY = 1;
    static final int ZS_IOPEN = 2;
    static final int ZS_EOPEN = 3;
    static final int ZS_CLOSED = 4;
    static final int ZS_FULL = 14;
    /** A state the specification does not define, for {@link FakeBlkConfig.ZoneLie#UNDEFINED_STATE}. */
    private static final int ZS_UNDEFINED = 5;

    static final int REPORT_HEADER_BYTES = 64;
    static final int DESCRIPTOR_BYTES = 64;

    /**
     * What a zone append gave: its status and, when it is OK, the sector the data goes to and the
     * one the device answers (another under {@link FakeBlkConfig.ZoneLie#APPEND_OUTSIDE_ZONE}).
     */
    record Append(int status, long sector, long answered) {

        static Append failed(int status) {
            return new Append(status, 0, 0);
        }
    }

    private final FakeBlkConfig.Zoned zoned;
    private final long capacity;
    private final int[] states;
    private final long[] writePointers;

    ZonedDisk(FakeBlkConfig.Zoned zoned, long capacitySectors) {
        this.zoned = zoned;
        this.capacity = capacitySectors;
        int count = (int) ((capacitySectors + zoned.zoneSectors() - 1) / zoned.zoneSectors());
        states = new int[count];
        writePointers = new long[count];
        for (int i = 0; i < count; i++) {
            states[i] = conventional(i) ? ZS_NOT_WP : ZS_EMPTY;
            writePointers[i] = start(i);
        }
    }

    /** The status of a write of {@code count} sectors from {@code sector}; when OK the zones it writes have moved on. */
    int write(long sector, long count) {
        if (count == 0) {
            return VirtioBlk.S_OK;
        }
        int first = zoneOf(sector);
        int last = zoneOf(sector + count - 1);
        if (hostManaged() && first != last && !(conventional(first) && conventional(last))) {
            return VirtioBlk.S_ZONE_INVALID_CMD;
        }
        for (int i = first; i <= last; i++) {
            long from = Math.max(sector, start(i));
            long to = Math.min(sector + count, end(i));
            int status = checkWrite(i, from, to);
            if (status != VirtioBlk.S_OK) {
                return status;
            }
        }
        for (int i = first; i <= last; i++) {
            if (!conventional(i)) {
                int status = openImplicitly(i);
                if (status != VirtioBlk.S_OK) {
                    return status;
                }
                advance(i, Math.min(sector + count, end(i)));
            }
        }
        return VirtioBlk.S_OK;
    }

    /** A zone append of {@code count} sectors to the zone starting at {@code zoneStart}. */
    Append append(long zoneStart, long count) {
        int i = zoneStart >= 0 && zoneStart < capacity ? zoneOf(zoneStart) : -1;
        if (zoned.maxAppendSectors() == 0) {
            return Append.failed(VirtioBlk.S_UNSUPP);
        }
        if (i < 0 || start(i) != zoneStart || typeOf(i) != ZT_SWR || count > zoned.maxAppendSectors()
                || states[i] == ZS_FULL || count > end(i) - writePointers[i]) {
            return Append.failed(VirtioBlk.S_ZONE_INVALID_CMD);
        }
        if (count * VirtioBlk.SECTOR_SIZE % Math.max(zoned.writeGranularity(), 1) != 0) {
            return Append.failed(VirtioBlk.S_ZONE_UNALIGNED_WP);
        }
        int status = count == 0 ? VirtioBlk.S_OK : openImplicitly(i);
        if (status != VirtioBlk.S_OK) {
            return Append.failed(status);
        }
        long at = writePointers[i];
        advance(i, at + count);
        return new Append(VirtioBlk.S_OK, at, zoned.lie() == FakeBlkConfig.ZoneLie.APPEND_OUTSIDE_ZONE ? end(i) : at);
    }

    /** The status of a ZONE_OPEN, ZONE_CLOSE, ZONE_FINISH or ZONE_RESET of the zone at {@code zoneStart}. */
    int manage(int type, long zoneStart) {
        int i = zoneStart >= 0 && zoneStart < capacity ? zoneOf(zoneStart) : -1;
        if (i < 0 || start(i) != zoneStart || conventional(i)) {
            return VirtioBlk.S_ZONE_INVALID_CMD;
        }
        int state = states[i];
        switch (type) {
            case VirtioBlk.T_ZONE_OPEN -> {
                if (state == ZS_FULL) {
                    return VirtioBlk.S_ZONE_INVALID_CMD;
                }
                if (state == ZS_EMPTY || state == ZS_CLOSED) {
                    int status = makeRoom(i, state == ZS_EMPTY);
                    if (status != VirtioBlk.S_OK) {
                        return status;
                    }
                }
                states[i] = ZS_EOPEN;
            }
            case VirtioBlk.T_ZONE_CLOSE -> {
                if (state == ZS_EMPTY || state == ZS_FULL) {
                    return VirtioBlk.S_ZONE_INVALID_CMD;
                }
                states[i] = writePointers[i] == start(i) ? ZS_EMPTY : ZS_CLOSED;
            }
            case VirtioBlk.T_ZONE_FINISH -> {
                states[i] = ZS_FULL;
                writePointers[i] = end(i);
            }
            default -> reset(i);
        }
        return VirtioBlk.S_OK;
    }

    /** Resets every sequential zone that is not empty. */
    void resetAll() {
        for (int i = 0; i < states.length; i++) {
            if (!conventional(i)) {
                reset(i);
            }
        }
    }

    /** The first sector of zone {@code i}. */
    long start(int i) {
        return i * zoned.zoneSectors();
    }

    /** The sector after zone {@code i}. */
    long end(int i) {
        return Math.min(start(i) + zoned.zoneSectors(), capacity);
    }

    /** How many zones the device has. */
    int zoneCount() {
        return states.length;
    }

    /** Whether zone {@code i} is conventional. */
    boolean conventional(int i) {
        return i < zoned.conventionalZones();
    }

    /** The zone holding {@code sector}. */
    int zoneOf(long sector) {
        return (int) (sector / zoned.zoneSectors());
    }

    /** The report a ZONE_REPORT from {@code sector} writes into a buffer of {@code bytes}: as many zones as fit. */
    byte[] report(long sector, int bytes) {
        int first = zoneOf(sector);
        int fit = Math.max(0, (bytes - REPORT_HEADER_BYTES) / DESCRIPTOR_BYTES);
        int count = Math.min(fit, states.length - first);
        byte[] report = new byte[REPORT_HEADER_BYTES + count * DESCRIPTOR_BYTES];
        LittleEndian.put(report, 0, 8, count);
        for (int n = 0; n < count; n++) {
            int i = first + n;
            int at = REPORT_HEADER_BYTES + n * DESCRIPTOR_BYTES;
            int state = states[i];
            long writePointer = writePointers[i];
            switch (zoned.lie()) {
                case WRITE_POINTER_OUTSIDE_ZONE -> writePointer = hasWritePointer(state) ? end(i) + 1 : writePointer;
                case EMPTY_ZONE_WITH_DATA -> state = hasWritePointer(state) && writePointer > start(i) ? ZS_EMPTY : state;
                case UNDEFINED_STATE -> state = ZS_UNDEFINED;
                default -> { }
            }
            LittleEndian.put(report, at, 8, end(i) - start(i));
            LittleEndian.put(report, at + 8, 8, start(i));
            LittleEndian.put(report, at + 16, 8, writePointer);
            report[at + 24] = (byte) typeOf(i);
            report[at + 25] = (byte) state;
        }
        return report;
    }

    private boolean hostManaged() {
        return zoned.model() == 1;
    }

    private int typeOf(int i) {
        return conventional(i) ? ZT_CONV : hostManaged() ? ZT_SWR : ZT_SWP;
    }

    private static boolean hasWritePointer(int state) {
        return state == ZS_EMPTY || state == ZS_IOPEN || state == ZS_EOPEN || state == ZS_CLOSED;
    }

    /** The status of writing sectors {@code from} to {@code to} of zone {@code i}, nothing changed. */
    private int checkWrite(int i, long from, long to) {
        if (conventional(i)) {
            return VirtioBlk.S_OK;
        }
        if (states[i] == ZS_FULL) {
            return VirtioBlk.S_ZONE_INVALID_CMD;
        }
        if (typeOf(i) == ZT_SWR && (from != writePointers[i]
                || to * VirtioBlk.SECTOR_SIZE % Math.max(zoned.writeGranularity(), 1) != 0)) {
            return VirtioBlk.S_ZONE_UNALIGNED_WP;
        }
        return VirtioBlk.S_OK;
    }

    /** Opens zone {@code i} implicitly for a write, if it is empty or closed. */
    private int openImplicitly(int i) {
        int state = states[i];
        if (state == ZS_EMPTY || state == ZS_CLOSED) {
            int status = makeRoom(i, state == ZS_EMPTY);
            if (status != VirtioBlk.S_OK) {
                return status;
            }
            states[i] = ZS_IOPEN;
        }
        return VirtioBlk.S_OK;
    }

    /**
     * Checks the limits before zone {@code i} opens: one more active zone when it is empty
     * ({@code activates}); at the open limit an implicitly open zone is closed to make room.
     */
    private int makeRoom(int i, boolean activates) {
        if (activates && zoned.maxActiveZones() > 0 && count(ZS_IOPEN, ZS_EOPEN, ZS_CLOSED) >= zoned.maxActiveZones()) {
            return VirtioBlk.S_ZONE_ACTIVE_RESOURCE;
        }
        if (zoned.maxOpenZones() > 0 && count(ZS_IOPEN, ZS_EOPEN) >= zoned.maxOpenZones()) {
            for (int other = 0; other < states.length; other++) {
                if (other != i && states[other] == ZS_IOPEN) {
                    states[other] = ZS_CLOSED;
                    return VirtioBlk.S_OK;
                }
            }
            return VirtioBlk.S_ZONE_OPEN_RESOURCE;
        }
        return VirtioBlk.S_OK;
    }

    /** How many zones are in one of {@code wanted}. */
    private int count(int... wanted) {
        int n = 0;
        for (int state : states) {
            for (int one : wanted) {
                if (state == one) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Moves zone {@code i}'s write pointer to {@code to} if that is further; at the zone's end it is full. */
    private void advance(int i, long to) {
        writePointers[i] = Math.max(writePointers[i], to);
        if (writePointers[i] >= end(i)) {
            states[i] = ZS_FULL;
        }
    }

    private void reset(int i) {
        states[i] = ZS_EMPTY;
        writePointers[i] = start(i);
    }
}
