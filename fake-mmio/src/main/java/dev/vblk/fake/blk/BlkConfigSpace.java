package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.LittleEndian;

/**
 * The virtio-blk device configuration space (VirtIO 1.1 section 5.2.4, with VirtIO 1.2's secure-erase
 * fields and zoned characteristics): its layout, the length the offered features give it (36, 48
 * with discard, 57 with write zeroes, 72 with secure erase, 96 with zoned) and its one writable field,
 * writeback, which the driver may set once VIRTIO_BLK_F_CONFIG_WCE is negotiated. Reads past the
 * length and other writes are violations. A {@link TornCapacity} may show a passing capacity.
 */
final class BlkConfigSpace {

    private static final int SIZE = 96;
    private static final int WRITEBACK_OFFSET = 32;
    private static final int NUM_QUEUES_OFFSET = 34;

    private final FakeBlkConfig config;
    private final BlkBackend backend;
    private final DeviceFaults faults;
    private final DeviceContext context;
    private final TornCapacity capacity = new TornCapacity();
    private int writeback;
    /**
     * The layout last built, for the capacity, writeback and num_queues it was built with (every
     * other field is fixed): a driver reads the space field by field, several times per set-up.
     */
    private byte[] layout;
    private long layoutCapacity;
    private int layoutWriteback;
    private int layoutNumQueues;

    BlkConfigSpace(FakeBlkConfig config, BlkBackend backend, DeviceFaults faults, DeviceContext context) {
        this.config = config;
        this.backend = backend;
        this.faults = faults;
        this.context = context;
        reset();
    }

    /** Back to the configured writeback mode (a device reset). */
    void reset() {
        writeback = config.writeback();
        capacity.reset();
    }

    /** Shows {@code passing} as the capacity across the halves of the driver's next read of it. */
    void tearCapacity(long passing) {
        capacity.arm(passing);
    }

    /** Notes a read just made at {@code offset}: whether it switched a torn capacity on or off. */
    boolean capacityTorn(int offset, AccessWidth width) {
        return capacity.afterRead(offset, width.bytes());
    }

    /** The writeback field (1 = write-back cache). */
    int writeback() {
        return writeback;
    }

    /** A read of {@code width} at {@code offset} into the space, made at address {@code at}. */
    long read(int offset, AccessWidth width, long offered, long at) {
        int length = length(offered);
        if (offset + width.bytes() > length) {
            context.violation(ViolationKind.CONFIG_OUT_OF_RANGE, at, "config read of " + width.bytes()
                    + " bytes at offset " + offset + " beyond the " + length + "-byte config space");
            return width.truncate(-1L);
        }
        return LittleEndian.get(layout(), offset, width.bytes());
    }

    /** A write of {@code value} at {@code offset}, made at address {@code at}. */
    void write(int offset, AccessWidth width, long value, long negotiated, long at) {
        if (offset != WRITEBACK_OFFSET || width != AccessWidth.BYTE) {
            context.violation(ViolationKind.CONFIG_WRITE, at, width.bits() + "-bit config write at offset " + offset
                    + "; only the 8-bit writeback field at 32 is writable; ignored");
            return;
        }
        if ((negotiated & bit(VirtioBlk.F_CONFIG_WCE)) == 0) {
            context.violation(ViolationKind.CONFIG_WRITE, at, "writeback written without VIRTIO_BLK_F_CONFIG_WCE; ignored");
            return;
        }
        writeback = (value & 0xff) != 0 ? 1 : 0;
    }

    private static int length(long offered) {
        if ((offered & bit(VirtioBlk.F_ZONED)) != 0) {
            return SIZE;
        }
        if ((offered & bit(VirtioBlk.F_SECURE_ERASE)) != 0) {
            return 72;
        }
        if ((offered & bit(VirtioBlk.F_WRITE_ZEROES)) != 0) {
            return 57;
        }
        return (offered & bit(VirtioBlk.F_DISCARD)) != 0 ? 48 : 36;
    }

    private byte[] layout() {
        long capacity = this.capacity.capacity(backend.capacitySectors());
        int numQueues = faults.numQueues(config.numQueues());
        if (layout == null || capacity != layoutCapacity || writeback != layoutWriteback || numQueues != layoutNumQueues) {
            layout = build(capacity, numQueues);
            layoutCapacity = capacity;
            layoutWriteback = writeback;
            layoutNumQueues = numQueues;
        }
        return layout;
    }

    private byte[] build(long capacity, int numQueues) {
        byte[] space = new byte[SIZE];
        LittleEndian.put(space, 0, 8, capacity);
        LittleEndian.put(space, 8, 4, config.sizeMax());
        LittleEndian.put(space, 12, 4, config.segMax());
        LittleEndian.put(space, 16, 2, config.geometry().cylinders());
        LittleEndian.put(space, 18, 1, config.geometry().heads());
        LittleEndian.put(space, 19, 1, config.geometry().sectors());
        LittleEndian.put(space, 20, 4, config.blkSize());
        LittleEndian.put(space, 24, 1, config.topology().physicalBlockExp());
        LittleEndian.put(space, 25, 1, config.topology().alignmentOffset());
        LittleEndian.put(space, 26, 2, config.topology().minIoSize());
        LittleEndian.put(space, 28, 4, config.topology().optIoSize());
        LittleEndian.put(space, WRITEBACK_OFFSET, 1, writeback);
        LittleEndian.put(space, NUM_QUEUES_OFFSET, 2, numQueues);
        LittleEndian.put(space, 36, 4, config.discard().maxSectors());
        LittleEndian.put(space, 40, 4, config.discard().maxSegments());
        LittleEndian.put(space, 44, 4, config.discard().sectorAlignment());
        LittleEndian.put(space, 48, 4, config.writeZeroes().maxSectors());
        LittleEndian.put(space, 52, 4, config.writeZeroes().maxSegments());
        LittleEndian.put(space, 56, 1, config.writeZeroes().mayUnmap() ? 1 : 0);
        LittleEndian.put(space, 60, 4, config.secureErase().maxSectors());
        LittleEndian.put(space, 64, 4, config.secureErase().maxSegments());
        LittleEndian.put(space, 68, 4, config.secureErase().sectorAlignment());
        LittleEndian.put(space, 72, 4, config.zoned().zoneSectors());
        LittleEndian.put(space, 76, 4, config.zoned().maxOpenZones());
        LittleEndian.put(space, 80, 4, config.zoned().maxActiveZones());
        LittleEndian.put(space, 84, 4, config.zoned().maxAppendSectors());
        LittleEndian.put(space, 88, 4, config.zoned().writeGranularity());
        LittleEndian.put(space, 92, 1, config.zoned().model());
        return space;
    }
}
