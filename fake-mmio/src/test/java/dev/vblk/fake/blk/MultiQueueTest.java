package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A fake virtio-blk device with several virtqueues (VIRTIO_BLK_F_MQ), driven at register level. */
class MultiQueueTest {

    private static final long MQ = VirtioBlk.bit(VirtioBlk.F_MQ);
    private static final int NUM_QUEUES_OFFSET = 34;

    private final InMemoryDisk disk = InMemoryDisk.ofSectors(256);

    private RegisterLevelDriver ready(FakeBlkConfig.Builder config, long extraFeatures) {
        return RegisterLevelDriver.ready(config.disk(disk).build(), extraFeatures);
    }

    /** Queue 0 of a four-queue device past DRIVER_OK, then queues 1 to 3. */
    private List<RegisterLevelDriver> fourQueues(FakeBlkConfig.Builder config, long extraFeatures) {
        RegisterLevelDriver first = ready(config.numQueues(4), extraFeatures);
        List<RegisterLevelDriver> queues = new ArrayList<>(List.of(first));
        for (int index = 1; index < 4; index++) {
            queues.add(first.onQueue(index, 16));
        }
        return queues;
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed * 7 + 1);
        }
        return bytes;
    }

    private static long offered(RegisterLevelDriver driver) {
        driver.write(ControlRegister.DEVICE_FEATURES_SEL, 0);
        return driver.read(ControlRegister.DEVICE_FEATURES);
    }

    private static List<ViolationKind> kinds(RegisterLevelDriver driver) {
        return driver.platform.violations().stream().map(Violation::kind).toList();
    }

    @Test
    void multiQueueIsOfferedWithMoreThanOneQueueOrWhenConfigured() {
        RegisterLevelDriver single = ready(FakeBlkConfig.builder(), 0);
        assertEquals(0, offered(single) & MQ, "one queue: no MQ, as QEMU");
        assertEquals(1, single.readConfig(NUM_QUEUES_OFFSET, AccessWidth.HALF), "QEMU fills num_queues anyway");

        RegisterLevelDriver four = ready(FakeBlkConfig.builder().numQueues(4), 0);
        assertEquals(MQ, offered(four) & MQ);
        assertEquals(4, four.readConfig(NUM_QUEUES_OFFSET, AccessWidth.HALF));

        RegisterLevelDriver oneOffered = ready(FakeBlkConfig.builder().offerMultiQueue(true), 0);
        assertEquals(MQ, offered(oneOffered) & MQ);
        assertEquals(1, oneOffered.readConfig(NUM_QUEUES_OFFSET, AccessWidth.HALF));

        RegisterLevelDriver withheld = ready(FakeBlkConfig.builder().numQueues(4).offerMultiQueue(false), 0);
        assertEquals(0, offered(withheld) & MQ);
        withheld.write(ControlRegister.QUEUE_SEL, 3);
        assertEquals(256, withheld.read(ControlRegister.QUEUE_NUM_MAX), "the queues are there all the same");
    }

    @Test
    void aHostileNumQueuesOfZeroLeavesTheQueuesInPlace() {
        RegisterLevelDriver driver = ready(FakeBlkConfig.builder().numQueues(2), MQ);
        driver.device.faults().overrideNumQueues(0);
        assertEquals(0, driver.readConfig(NUM_QUEUES_OFFSET, AccessWidth.HALF));
        assertEquals(driver.device.writeback(), driver.readConfig(32, AccessWidth.WORD),
                "writeback at 32, unused0 and num_queues 0 above it");
        RegisterLevelDriver.Submitted read = driver.readSectors(0, 1);
        assertEquals(VirtioBlk.S_OK, driver.status(read));
        driver.device.faults().clearNumQueuesOverride();
        assertEquals(2, driver.readConfig(NUM_QUEUES_OFFSET, AccessWidth.HALF));
    }

    @Test
    void fourQueuesEachCompleteTheirOwnRequestsInTheirOwnUsedRing() {
        List<RegisterLevelDriver> queues = fourQueues(FakeBlkConfig.builder(), MQ);
        for (int round = 0; round < 3; round++) {
            for (int q = 0; q < 4; q++) {
                RegisterLevelDriver queue = queues.get(q);
                byte[] data = pattern(1024, q * 10 + round);
                RegisterLevelDriver.Submitted write = queue.writeSectors(q * 8 + round * 2L, data);
                assertEquals(VirtioBlk.S_OK, queue.status(write));
                RegisterLevelDriver.Submitted read = queue.readSectors(q * 8 + round * 2L, 2);
                assertArrayEquals(data, queue.data(read, 1024), "queue " + q + " round " + round);
                assertEquals(2 * round + 2, queue.usedIdx(), "queue " + q + " holds only its own completions");
                assertEquals(write.head(), queue.usedId(2 * round));
                assertEquals(read.head(), queue.usedId(2 * round + 1));
                assertEquals(1025, queue.usedLen(2 * round + 1));
            }
        }
        for (int q = 0; q < 4; q++) {
            byte[] stored = new byte[1024];
            disk.read((q * 8 + 4) * 512L, stored, 0, stored.length);
            assertArrayEquals(pattern(1024, q * 10 + 2), stored);
        }
        assertEquals(List.of(), queues.get(0).platform.violations());
    }

    @Test
    void aNotificationProcessesOnlyTheQueueItNames() {
        List<RegisterLevelDriver> queues = fourQueues(FakeBlkConfig.builder(), MQ);
        List<Long> statuses = new ArrayList<>();
        for (RegisterLevelDriver queue : queues) {
            long header = queue.header(VirtioBlk.T_IN, 3);
            long data = queue.alloc(512);
            long status = queue.alloc(1);
            queue.platform.writeU8(status, 0xff);
            queue.post(new RegisterLevelDriver.Desc(header, 16, false), new RegisterLevelDriver.Desc(data, 512, true),
                    new RegisterLevelDriver.Desc(status, 1, true));
            statuses.add(status);
        }
        queues.get(0).write(ControlRegister.QUEUE_NOTIFY, 2);
        for (int q = 0; q < 4; q++) {
            assertEquals(q == 2 ? 1 : 0, queues.get(q).usedIdx(), "queue " + q);
            assertEquals(q == 2 ? VirtioBlk.S_OK : 0xff, queues.get(q).platform.ram().readU8(statuses.get(q)),
                    "queue " + q);
        }
        assertEquals(1, queues.get(0).device.requestsDecoded());
        queues.get(3).notifyQueue();
        assertEquals(1, queues.get(3).usedIdx());
        assertEquals(0, queues.get(0).usedIdx());
    }

    @Test
    void selectorsAndNotificationsPastTheLastQueueAreViolations() {
        RegisterLevelDriver driver = ready(FakeBlkConfig.builder().numQueues(2), MQ);
        driver.write(ControlRegister.QUEUE_SEL, 2);
        assertEquals(0, driver.read(ControlRegister.QUEUE_NUM_MAX));
        driver.write(ControlRegister.QUEUE_NUM, 16);
        driver.write(ControlRegister.QUEUE_NOTIFY, 2);
        assertEquals(List.of(ViolationKind.QUEUE_SETUP, ViolationKind.BAD_NOTIFY), kinds(driver));

        driver.platform.clearViolations();
        driver.write(ControlRegister.QUEUE_NOTIFY, 1);
        assertEquals(List.of(ViolationKind.BAD_NOTIFY), kinds(driver), "queue 1 exists but is not ready");
        assertTrue(driver.platform.violations().get(0).detail().contains("queue 1"),
                driver.platform.violations().get(0).detail());
    }

    @Test
    void aStalledQueueTakesRequestsAndNeverCompletesThemWhileTheOthersDo() {
        List<RegisterLevelDriver> queues = fourQueues(FakeBlkConfig.builder(), MQ);
        queues.get(0).device.faults().stalledQueue(1);
        for (int q = 0; q < 4; q++) {
            RegisterLevelDriver queue = queues.get(q);
            RegisterLevelDriver.Submitted write = queue.writeSectors(q, pattern(512, q));
            boolean stalled = q == 1;
            assertEquals(stalled ? 0 : 1, queue.usedIdx(), "queue " + q);
            assertEquals(stalled ? 0xff : VirtioBlk.S_OK, queue.status(write), "queue " + q);
            byte[] stored = new byte[512];
            disk.read(q * 512L, stored, 0, stored.length);
            assertArrayEquals(stalled ? new byte[512] : pattern(512, q), stored, "queue " + q);
        }
        RegisterLevelDriver stalled = queues.get(1);
        stalled.readSectors(0, 1);
        assertEquals(0, stalled.usedIdx());
        assertEquals(5, stalled.device.requestsDecoded(), "the stalled queue's requests were taken");
        stalled.device.faults().clearQueueFaults();
        assertEquals(VirtioBlk.S_OK, stalled.status(stalled.readSectors(0, 1)));
        assertEquals(1, stalled.usedIdx());
    }

    @Test
    void aMisroutedCompletionAppearsInTheOtherQueuesUsedRing() {
        List<RegisterLevelDriver> queues = fourQueues(FakeBlkConfig.builder(), MQ);
        queues.get(0).device.faults().misrouteCompletions(0, 3);
        RegisterLevelDriver from = queues.get(0);
        RegisterLevelDriver to = queues.get(3);
        disk.write(9 * 512L, pattern(512, 4), 0, 512);
        RegisterLevelDriver.Submitted read = from.readSectors(9, 1);

        assertEquals(0, from.usedIdx(), "nothing in queue 0's own used ring");
        assertEquals(1, to.usedIdx());
        assertEquals(read.head(), to.usedId(0));
        assertEquals(513, to.usedLen(0));
        assertEquals(VirtioBlk.S_OK, from.status(read));
        assertArrayEquals(pattern(512, 4), from.data(read, 512), "the data still went to queue 0's buffers");

        RegisterLevelDriver.Submitted own = to.readSectors(9, 1);
        assertEquals(2, to.usedIdx());
        assertEquals(own.head(), to.usedId(1));
        assertEquals(0, queues.get(1).usedIdx() + queues.get(2).usedIdx());
    }

    @Test
    void queueResetResetsOnlyTheSelectedQueue() {
        long ringReset = VirtioBlk.bit(VirtioBlk.F_RING_RESET);
        RegisterLevelDriver first = ready(FakeBlkConfig.builder().numQueues(2), MQ | ringReset);
        RegisterLevelDriver second = first.onQueue(1, 16);
        first.readSectors(0, 1);
        second.readSectors(0, 1);
        second.device.faults().batchCompletions(CompletionBatching.of(2, CompletionBatching.Order.ARRIVAL));
        second.readSectors(1, 1);
        assertEquals(1, second.device.pendingCompletions(), "queue 1 holds a request for its batch");

        first.write(ControlRegister.QUEUE_SEL, 1);
        first.write(ControlRegister.QUEUE_RESET, 1);
        assertEquals(0, first.read(ControlRegister.QUEUE_READY), "queue 1 is no longer ready");
        assertEquals(0, first.device.pendingCompletions(), "its held request is forgotten");
        first.write(ControlRegister.QUEUE_SEL, 0);
        assertEquals(1, first.read(ControlRegister.QUEUE_READY), "queue 0 still is");
        first.device.faults().batchCompletions(CompletionBatching.NONE);

        RegisterLevelDriver.Submitted again = first.readSectors(2, 1);
        assertEquals(2, first.usedIdx(), "queue 0 kept its position");
        assertEquals(again.head(), first.usedId(1));

        RegisterLevelDriver renewed = first.onQueue(1, 8);
        RegisterLevelDriver.Submitted fresh = renewed.readSectors(3, 1);
        assertEquals(1, renewed.usedIdx(), "queue 1 starts over at used index 0");
        assertEquals(fresh.head(), renewed.usedId(0));
        assertEquals(List.of(), first.platform.violations());
    }

    @Test
    void eachQueueHoldsItsOwnCompletionBatch() {
        List<RegisterLevelDriver> queues = fourQueues(FakeBlkConfig.builder(), MQ);
        queues.get(0).device.faults().batchCompletions(CompletionBatching.of(2, CompletionBatching.Order.REVERSE));
        RegisterLevelDriver.Submitted a = queues.get(0).readSectors(0, 1);
        queues.get(1).readSectors(0, 1);
        assertEquals(0, queues.get(0).usedIdx() + queues.get(1).usedIdx(), "one request on each: no batch is full");
        RegisterLevelDriver.Submitted b = queues.get(0).readSectors(1, 1);
        assertEquals(2, queues.get(0).usedIdx());
        assertEquals(List.of((long) b.head(), (long) a.head()), List.of(queues.get(0).usedId(0), queues.get(0).usedId(1)));
        assertEquals(0, queues.get(1).usedIdx(), "queue 1's batch still waits");
    }

    @Test
    void eventIndexStateIsPerQueue() {
        long eventIdx = VirtioBlk.bit(VirtioBlk.F_EVENT_IDX);
        List<RegisterLevelDriver> queues = fourQueues(FakeBlkConfig.builder(), MQ | eventIdx);
        RegisterLevelDriver quiet = queues.get(1);
        quiet.platform.writeU16(quiet.usedEventAddress(), 5);
        quiet.readSectors(0, 1);
        assertFalse(quiet.lineRaised(), "queue 1 asked for an interrupt only after its sixth completion");
        assertEquals(1, quiet.platform.ram().readU16(quiet.availEventAddress()));

        RegisterLevelDriver loud = queues.get(2);
        loud.readSectors(0, 1);
        loud.readSectors(0, 1);
        assertTrue(loud.lineRaised(), "queue 2's used_event 0 asks at once");
        assertEquals(2, loud.platform.ram().readU16(loud.availEventAddress()));
        assertEquals(1, quiet.platform.ram().readU16(quiet.availEventAddress()), "queue 1's avail_event untouched");
    }
}
