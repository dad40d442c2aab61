package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.mmio.ControlRegister;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The faults a driver with many requests in flight meets: completions held back and reordered,
 * interrupts coalesced, dropped, spurious or forced, avail_event mishandled, and the offer of
 * indirect descriptors and the event index. Driven at register level. The tests that wait in
 * virtual time have a timeout: a device whose deferred work never becomes due would keep the wait
 * spinning.
 */
class AsynchronousFaultTest {

    private static final long EVENT_IDX = VirtioBlk.bit(VirtioBlk.F_EVENT_IDX);

    private final InMemoryDisk disk = InMemoryDisk.ofSectors(64);

    private RegisterLevelDriver driver(long extraFeatures) {
        for (int sector = 0; sector < 64; sector++) {
            disk.write(sector * 512L, new byte[] {(byte) (sector + 1)}, 0, 1);
        }
        return RegisterLevelDriver.ready(FakeBlkConfig.builder().disk(disk).build(), extraFeatures);
    }

    private static List<Long> usedIds(RegisterLevelDriver driver) {
        List<Long> ids = new ArrayList<>();
        for (int position = 0; position < driver.usedIdx(); position++) {
            ids.add(driver.usedId(position));
        }
        return ids;
    }

    private static void acknowledge(RegisterLevelDriver driver) {
        driver.write(ControlRegister.INTERRUPT_ACK, driver.read(ControlRegister.INTERRUPT_STATUS));
    }

    @Test
    void fullBatchCompletesInReverseWithOneUpdateAndOneInterrupt() {
        RegisterLevelDriver driver = driver(0);
        driver.device.faults().batchCompletions(CompletionBatching.of(3, CompletionBatching.Order.REVERSE));

        RegisterLevelDriver.Submitted first = driver.readSectors(1, 1);
        RegisterLevelDriver.Submitted second = driver.readSectors(2, 1);
        assertEquals(0, driver.usedIdx(), "two requests are held");
        assertEquals(2, driver.device.pendingCompletions());
        assertEquals(0xff, driver.status(first), "a held request is not answered yet");
        assertFalse(driver.lineRaised());
        RegisterLevelDriver.Submitted third = driver.readSectors(3, 1);

        assertEquals(List.of((long) third.head(), (long) second.head(), (long) first.head()), usedIds(driver));
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertEquals(0, driver.device.pendingCompletions());
        assertEquals(2, driver.data(first, 1)[0], "each request got its own sector");
        assertEquals(4, driver.data(third, 1)[0]);
        assertEquals(VirtioBlk.S_OK, driver.status(second));
    }

    @Test
    void shuffledBatchesArePermutationsFixedByTheSeed() {
        List<List<Long>> orders = new ArrayList<>();
        List<Long> heads = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            RegisterLevelDriver driver = driver(0);
            driver.device.faults().batchCompletions(CompletionBatching.of(5, CompletionBatching.Order.SHUFFLED)
                    .withSeed(42));
            heads.clear();
            for (int n = 0; n < 5; n++) {
                heads.add((long) driver.readSectors(n, 1).head());
            }
            orders.add(usedIds(driver));
        }
        assertEquals(orders.get(0), orders.get(1), "the same seed, the same order");
        assertEquals(Set.copyOf(heads), Set.copyOf(orders.get(0)), "every request completed once");
        assertEquals(5, orders.get(0).size());
        assertNotEquals(heads, orders.get(0), "seed 42 does not happen to give the arrival order");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void heldBatchIsReleasedWhenItsHoldTimeHasPassed() {
        RegisterLevelDriver driver = driver(0);
        driver.device.faults().batchCompletions(
                CompletionBatching.of(8, CompletionBatching.Order.ARRIVAL).releasingAfter(1_000_000));
        long start = driver.platform.clock().now();
        RegisterLevelDriver.Submitted read = driver.readSectors(5, 1);
        assertEquals(0, driver.usedIdx());

        assertTrue(driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 10_000_000));

        assertEquals(start + 1_000_000, driver.platform.clock().now(), "released at the hold time, not the timeout");
        assertEquals(List.of((long) read.head()), usedIds(driver));
        assertEquals(6, driver.data(read, 1)[0]);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void delayedRequestsJoinTheBatchWhenTheirDelayIsOver() {
        RegisterLevelDriver driver = RegisterLevelDriver.ready(FakeBlkConfig.builder().disk(disk)
                .requestHook(RequestHook.NORMAL.at(0, RequestOutcome.delayed(500_000, RequestOutcome.normal())))
                .build());
        driver.device.faults().batchCompletions(CompletionBatching.of(2, CompletionBatching.Order.ARRIVAL));
        RegisterLevelDriver.Submitted delayed = driver.readSectors(0, 1);
        RegisterLevelDriver.Submitted prompt = driver.readSectors(1, 1);
        assertEquals(0, driver.usedIdx(), "the prompt request waits for a second one");

        assertTrue(driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 10_000_000));

        assertEquals(List.of((long) prompt.head(), (long) delayed.head()), usedIds(driver));
    }

    @Test
    void coalescedInterruptComesWithTheThirdUpdate() {
        RegisterLevelDriver driver = driver(0);
        driver.device.faults().coalesceInterrupts(3, Long.MAX_VALUE);
        driver.readSectors(0, 1);
        driver.readSectors(1, 1);
        assertEquals(2, driver.usedIdx(), "published");
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS), "without an interrupt yet");
        driver.readSectors(2, 1);
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));
        acknowledge(driver);
        driver.readSectors(3, 1);
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS), "the count starts again");
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void coalescingWindowRaisesTheInterruptLate() {
        RegisterLevelDriver driver = driver(0);
        driver.device.faults().coalesceInterrupts(4, 2_000_000);
        long start = driver.platform.clock().now();
        driver.readSectors(0, 1);
        assertEquals(1, driver.usedIdx());
        assertFalse(driver.lineRaised());

        assertTrue(driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 10_000_000));

        assertEquals(start + 2_000_000, driver.platform.clock().now());
    }

    @Test
    void droppedInterruptLeavesThePublishedCompletionSilent() {
        RegisterLevelDriver driver = driver(0);
        driver.device.faults().dropInterrupts(Set.of(1L));
        driver.readSectors(0, 1);
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));
        acknowledge(driver);
        driver.readSectors(1, 1);
        assertEquals(2, driver.usedIdx());
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS), "update 1 raised nothing");
        assertFalse(driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 1_000_000));
        driver.readSectors(2, 1);
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));
    }

    @Test
    void spuriousUsedBufferInterruptHasNothingBehindIt() {
        RegisterLevelDriver driver = driver(0);
        driver.device.raiseSpuriousInterrupt(SpuriousInterrupt.USED_BUFFER_WITHOUT_COMPLETION);
        assertTrue(driver.lineRaised());
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertEquals(0, driver.usedIdx());
        acknowledge(driver);
        assertFalse(driver.lineRaised());
    }

    @Test
    void spuriousLineReadsZeroAndDropsAfterTheStatusRead() {
        RegisterLevelDriver driver = driver(0);
        driver.device.raiseSpuriousInterrupt(SpuriousInterrupt.LINE_WITHOUT_STATUS);
        assertTrue(driver.lineRaised());
        assertTrue(driver.lineRaised(), "the line stays up until the driver looks");
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertFalse(driver.lineRaised());
    }

    @Test
    void usedEventIsHonouredAsVringNeedEvent() {
        RegisterLevelDriver driver = driver(EVENT_IDX);
        driver.platform.writeU16(driver.usedEventAddress(), 1);
        driver.readSectors(0, 1);
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS), "used index 1 does not pass used_event 1");
        driver.readSectors(1, 1);
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS),
                "used index 2 passes used_event 1");
        acknowledge(driver);
        driver.readSectors(2, 1);
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS), "already past used_event");
    }

    @Test
    void ignoredSuppressionInterruptsOnEveryCompletion() {
        RegisterLevelDriver driver = driver(EVENT_IDX);
        driver.device.faults().ignoreInterruptSuppression(true);
        driver.platform.writeU16(driver.usedEventAddress(), 1000);
        driver.readSectors(0, 1);
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));

        RegisterLevelDriver flags = driver(0);
        flags.device.faults().ignoreInterruptSuppression(true);
        flags.platform.writeU16(flags.avail, VirtioBlk.AVAIL_F_NO_INTERRUPT);
        flags.readSectors(0, 1);
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, flags.read(ControlRegister.INTERRUPT_STATUS));
    }

    @Test
    void availEventIsWrittenAsNegotiatedAlwaysOrNever() {
        assertEquals(2, availEventAfterTwoRequests(EVENT_IDX, AvailEventWrites.AS_NEGOTIATED));
        assertEquals(0xbeef, availEventAfterTwoRequests(0, AvailEventWrites.AS_NEGOTIATED));
        assertEquals(2, availEventAfterTwoRequests(0, AvailEventWrites.ALWAYS));
        assertEquals(0xbeef, availEventAfterTwoRequests(EVENT_IDX, AvailEventWrites.NEVER));
    }

    private int availEventAfterTwoRequests(long extraFeatures, AvailEventWrites writes) {
        RegisterLevelDriver driver = driver(extraFeatures);
        driver.device.faults().availEventWrites(writes);
        driver.platform.writeU16(driver.availEventAddress(), 0xbeef);
        driver.readSectors(0, 1);
        driver.readSectors(1, 1);
        assertEquals(2, driver.usedIdx());
        return driver.platform.ram().readU16(driver.availEventAddress());
    }

    @Test
    void indirectDescriptorsAndTheEventIndexAreOfferedUnlessTurnedOff() {
        assertEquals(3L, offeredPage0(FakeBlkConfig.builder().build()) >>> VirtioBlk.F_INDIRECT_DESC & 3);
        assertEquals(2L, offeredPage0(FakeBlkConfig.builder().offerIndirectDescriptors(false).build())
                >>> VirtioBlk.F_INDIRECT_DESC & 3);
        assertEquals(1L, offeredPage0(FakeBlkConfig.builder().offerEventIndex(false).build())
                >>> VirtioBlk.F_INDIRECT_DESC & 3);
        assertEquals(VirtioBlk.QEMU_DEFAULT_FEATURES, FakeBlkConfig.builder().offerIndirectDescriptors(false)
                .offerIndirectDescriptors(true).build().features());
    }

    private static long offeredPage0(FakeBlkConfig config) {
        RegisterLevelDriver driver = new RegisterLevelDriver(dev.vblk.fake.FakePlatform.create(), config);
        driver.write(ControlRegister.DEVICE_FEATURES_SEL, 0);
        return driver.read(ControlRegister.DEVICE_FEATURES);
    }

    @Test
    void directDescriptorsEndingInAnIndirectTableAreAccepted() {
        RegisterLevelDriver driver = driver(VirtioBlk.bit(VirtioBlk.F_INDIRECT_DESC));
        long header = driver.header(VirtioBlk.T_IN, 7);
        long data = driver.alloc(512);
        long status = driver.alloc(1);
        long table = driver.alloc(32);
        driver.descriptor(table, 0, data, 512, VirtioBlk.DESC_F_WRITE | VirtioBlk.DESC_F_NEXT, 1);
        driver.descriptor(table, 1, status, 1, VirtioBlk.DESC_F_WRITE, 0);
        driver.descriptor(driver.desc, 0, header, 16, VirtioBlk.DESC_F_NEXT, 1);
        driver.descriptor(driver.desc, 1, table, 32, VirtioBlk.DESC_F_INDIRECT, 0);
        driver.makeAvailable(0);
        driver.notifyQueue();

        assertTrue(driver.device.needsResetReason().isEmpty(), driver.device.needsResetReason()::toString);
        assertEquals(513, driver.usedLen(0));
        assertArrayEquals(new byte[] {8}, driver.platform.ram().readMemory(data, 1));
        assertEquals(VirtioBlk.S_OK, driver.platform.ram().readU8(status));
    }
}
