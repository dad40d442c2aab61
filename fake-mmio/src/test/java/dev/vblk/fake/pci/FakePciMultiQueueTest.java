package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The virtio-blk-pci function of a four-queue device: num_queues, per-queue fields behind
 * queue_select, and one notify address per queue. The driver brings the device up on queue 0; the
 * test sets up queue 2 by hand through the common configuration.
 */
class FakePciMultiQueueTest {

    private static final int NUM_QUEUES = 0x12;
    private static final int QUEUE_SELECT = 0x16;
    private static final int QUEUE_SIZE = 0x18;
    private static final int QUEUE_ENABLE = 0x1c;
    private static final int QUEUE_NOTIFY_OFF = 0x1e;
    private static final int QUEUE_DESC = 0x20;

    private final InMemoryDisk disk = InMemoryDisk.ofSectors(64);
    private final FakePciRig rig = FakePciRig.of(FakeBlkConfig.builder().disk(disk).numQueues(4).build());
    private final FakePlatform platform = rig.platform();
    private long bar;

    private long common(int offset, AccessWidth width) {
        return platform.readRegister(bar + offset, width);
    }

    private void common(int offset, AccessWidth width, long value) {
        platform.writeRegister(bar + offset, width, value);
    }

    private VirtioBlkDevice openAndFindTheBar() {
        VirtioBlkDevice device = rig.open();
        FakeVirtioBlkPciFunction function = rig.function();
        bar = (function.readConfig(0x20, AccessWidth.WORD) & ~0xfL) | (function.readConfig(0x24, AccessWidth.WORD) << 32);
        return device;
    }

    @Test
    void numQueuesAndTheQueueFieldsFollowQueueSelect() {
        rig.function().queueNotifyOff(3, 9);
        openAndFindTheBar();
        assertEquals(4, common(NUM_QUEUES, AccessWidth.HALF));
        common(QUEUE_SELECT, AccessWidth.HALF, 2);
        assertEquals(2, common(QUEUE_SELECT, AccessWidth.HALF));
        assertEquals(256, common(QUEUE_SIZE, AccessWidth.HALF));
        assertEquals(2, common(QUEUE_NOTIFY_OFF, AccessWidth.HALF), "queue n notifies at n, as in QEMU");
        assertEquals(0, common(QUEUE_ENABLE, AccessWidth.HALF));
        common(QUEUE_SIZE, AccessWidth.HALF, 8);
        common(QUEUE_SELECT, AccessWidth.HALF, 3);
        assertEquals(9, common(QUEUE_NOTIFY_OFF, AccessWidth.HALF));
        assertEquals(256, common(QUEUE_SIZE, AccessWidth.HALF), "queue 3 keeps its own size");
        common(QUEUE_SELECT, AccessWidth.HALF, 0);
        assertEquals(1, common(QUEUE_ENABLE, AccessWidth.HALF), "the driver enabled queue 0");
        common(QUEUE_SELECT, AccessWidth.HALF, 2);
        assertEquals(8, common(QUEUE_SIZE, AccessWidth.HALF));
        common(QUEUE_SELECT, AccessWidth.HALF, 4);
        assertEquals(0, common(QUEUE_SIZE, AccessWidth.HALF), "no queue 4");
        assertEquals(List.of(), platform.violations());
    }

    @Test
    void aNotificationAtQueueTwosAddressCompletesQueueTwoOnly() {
        VirtioBlkDevice device = openAndFindTheBar();
        byte[] sector = new byte[512];
        for (int i = 0; i < sector.length; i++) {
            sector[i] = (byte) (i ^ 0x5a);
        }
        disk.write(5 * 512L, sector, 0, sector.length);

        long rings = platform.allocateFrames(2, 4096).orElseThrow();
        long avail = rings + 16 * 8;
        long used = rings + 4096;
        common(QUEUE_SELECT, AccessWidth.HALF, 2);
        common(QUEUE_SIZE, AccessWidth.HALF, 8);
        long[] areas = {rings, avail, used};
        for (int i = 0; i < areas.length; i++) {
            common(QUEUE_DESC + 8 * i, AccessWidth.WORD, areas[i] & 0xffff_ffffL);
            common(QUEUE_DESC + 8 * i + 4, AccessWidth.WORD, areas[i] >>> 32);
        }
        common(QUEUE_ENABLE, AccessWidth.HALF, 1);

        long buffers = platform.allocateFrames(1, 4096).orElseThrow();
        long header = buffers;
        long data = buffers + 512;
        long status = buffers + 1024;
        platform.writeU32(header, VirtioBlk.T_IN);
        platform.writeU64(header + 8, 5);
        platform.writeU8(status, 0xff);
        long[][] chain = {{header, 16, VirtioBlk.DESC_F_NEXT}, {data, 512, VirtioBlk.DESC_F_NEXT | VirtioBlk.DESC_F_WRITE},
            {status, 1, VirtioBlk.DESC_F_WRITE}};
        for (int i = 0; i < chain.length; i++) {
            platform.writeU64(rings + 16L * i, chain[i][0]);
            platform.writeU32(rings + 16L * i + 8, chain[i][1]);
            platform.writeU16(rings + 16L * i + 12, (int) chain[i][2]);
            platform.writeU16(rings + 16L * i + 14, i + 1);
        }
        platform.writeU16(avail + 4, 0);
        platform.writeU16(avail + 2, 1);

        common(FakeVirtioBlkPciFunction.NOTIFY + 2 * FakeVirtioBlkPciFunction.NOTIFY_MULTIPLIER, AccessWidth.HALF, 2);
        assertEquals(1, platform.ram().readU16(used + 2));
        assertEquals(0, platform.ram().readU32(used + 4), "the used element names chain 0");
        assertEquals(513, platform.ram().readU32(used + 8));
        assertEquals(VirtioBlk.S_OK, platform.ram().readU8(status));
        assertArrayEquals(sector, platform.ram().readMemory(data, 512));
        assertEquals(List.of(), platform.violations());

        byte[] back = new byte[512];
        device.readAt(5, back);
        assertArrayEquals(sector, back, "queue 0, the driver's, still works");
        assertEquals(1, platform.ram().readU16(used + 2), "and queue 2 saw none of it");

        common(FakeVirtioBlkPciFunction.NOTIFY + 2 * FakeVirtioBlkPciFunction.NOTIFY_MULTIPLIER, AccessWidth.HALF, 1);
        assertEquals(List.of(ViolationKind.BAD_NOTIFY), platform.violations().stream().map(Violation::kind).toList(),
                "the value written at queue 2's address must be 2");
    }

    @Test
    void aRuleTheCoreEnforcesIsBrokenAtTheAddressOfTheFieldWritten() {
        openAndFindTheBar();
        common(QUEUE_SELECT, AccessWidth.HALF, 0);
        common(QUEUE_DESC, AccessWidth.WORD, 0x4000_0000L);
        assertEquals(List.of(new Violation(ViolationKind.QUEUE_SETUP, bar + QUEUE_DESC,
                "QueueDescLow written while the queue is ready")), platform.violations());
    }
}
