package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One queue reset on its own (VIRTIO_F_RING_RESET) on the fake device: a stalled queue's requests end
 * ABORTED (an abandoned write never lands) and it reads correctly again while the other queue keeps its requests; the feature is
 * accepted only when the options allow it; a device that never reports the reset done does not hang
 * the driver; a request that times out makes its queue reset by itself rather than the device unusable.
 */
class QueueResetDriverTest {

    private static final int SECTORS = 1024;
    private static final DriverOptions TWO = DriverOptions.DEFAULTS.withMaxQueues(2).withRingReset(true)
            .withRequestTimeoutNanos(50_000_000L);

    private record Rig(FakePlatform machine, FakeVirtioBlkDevice fake, MmioSlot slot) {
        VirtioBlkDevice open(DriverOptions options) {
            return VirtioBlkDevice.open(machine, slot, options);
        }
    }

    private static Rig rig() {
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkDevice fake = machine.attachBlockDevice(FakeBlkConfig.builder().numQueues(2)
                .disk(PatternedDisk.of(SECTORS)).build());
        int slot = FakePlatform.SLOTS - 1;
        return new Rig(machine, fake, new MmioSlot(slot, FakePlatform.slotAddress(slot), machine.interruptLine(slot)));
    }

    @ParameterizedTest
    @CsvSource({"INTERRUPTS, false", "POLLING, false", "INTERRUPTS, true"})
    void aStalledQueueIsResetAndReadsAgainWhileTheOtherKeepsItsRequests(CompletionMode mode, boolean packed) {
        Rig rig = rig();
        rig.fake().faults().stalledQueue(1);
        VirtioBlkDevice device = rig.open(TWO.withCompletion(mode).withPackedRing(packed));
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_RESET));
        VirtioBlkQueue healthy = device.queue(0);
        VirtioBlkQueue stalled = device.queue(1);
        byte[] kept = new byte[512];
        RequestHandle onHealthy = healthy.submitRead(3, kept);
        byte[] neverWritten = new byte[1024];
        Arrays.fill(neverWritten, (byte) 0x5a);
        List<RequestHandle> lost = List.of(stalled.submitRead(6, new byte[512]), stalled.submitWrite(7, neverWritten));

        stalled.resetQueue();

        List<Completion> ended = stalled.awaitAll(lost, AsyncBlockDevice.NO_TIME_BUDGET);
        assertEquals(lost, ended.stream().map(Completion::handle).toList());
        for (Completion completion : ended) {
            Completion.Failed failed = assertInstanceOf(Completion.Failed.class, completion);
            assertEquals(ErrorKind.ABORTED, failed.error().kind());
            assertTrue(failed.error().getMessage().contains("queue 1 was reset"), failed.error().getMessage());
        }
        assertEquals(0, stalled.outstanding());
        List<Completion> healthyDone = healthy.awaitAll(List.of(onHealthy), AsyncBlockDevice.NO_TIME_BUDGET);
        assertInstanceOf(Completion.Succeeded.class, healthyDone.get(0), "the other queue's request survives the reset");
        assertArrayEquals(PatternedDisk.expected(3, 1), kept);

        rig.fake().faults().clearQueueFaults();
        for (int sector = 0; sector < 40; sector++) {
            byte[] again = new byte[512];
            stalled.readAt(sector, again);
            assertArrayEquals(PatternedDisk.expected(sector, 1), again,
                    "sector " + sector + " after the reset: the device starts over on a fresh ring, so the abandoned write never lands");
        }
        byte[] other = new byte[512];
        healthy.readAt(9, other);
        assertArrayEquals(PatternedDisk.expected(9, 1), other);
        assertFalse(device.fatalError().isPresent());
        assertEquals(List.of(), rig.machine().violations());
    }

    @ParameterizedTest
    @CsvSource({"INTERRUPTS", "POLLING"})
    void aQueueWhoseRequestTimesOutIsResetByItselfAndTheDeviceStaysUsable(CompletionMode mode) {
        Rig rig = rig();
        rig.fake().faults().stalledQueue(1);
        VirtioBlkDevice device = rig.open(TWO.withCompletion(mode));
        byte[] kept = new byte[512];
        RequestHandle onHealthy = device.queue(0).submitRead(3, kept);
        VirtioBlkQueue stalled = device.queue(1);
        List<RequestHandle> held = List.of(stalled.submitRead(6, new byte[512]), stalled.submitRead(7, new byte[512]));

        List<Completion> ended = stalled.awaitAll(held, AsyncBlockDevice.NO_TIME_BUDGET);

        assertEquals(held, ended.stream().map(Completion::handle).toList());
        BlockDeviceException timedOut = assertInstanceOf(Completion.Failed.class, ended.get(0)).error();
        assertEquals(ErrorKind.TIMEOUT, timedOut.kind());
        assertTrue(timedOut.getMessage().contains("its queue was reset"), timedOut.getMessage());
        assertEquals(ErrorKind.ABORTED, assertInstanceOf(Completion.Failed.class, ended.get(1)).error().kind());
        assertFalse(device.fatalError().isPresent(), "the timeout was recovered by resetting the queue alone");
        assertInstanceOf(Completion.Succeeded.class,
                device.queue(0).awaitAll(List.of(onHealthy), AsyncBlockDevice.NO_TIME_BUDGET).get(0));
        assertArrayEquals(PatternedDisk.expected(3, 1), kept);
        rig.fake().faults().clearQueueFaults();
        byte[] again = new byte[512];
        stalled.readAt(6, again);
        assertArrayEquals(PatternedDisk.expected(6, 1), again);
        assertEquals(List.of(), rig.machine().violations());
    }

    @Test
    void withoutTheOptionRingResetIsNotAcceptedAndAQueueResetIsRefused() {
        Rig rig = rig();
        VirtioBlkDevice device = rig.open(TWO.withRingReset(false));
        assertFalse(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_RESET),
                "not allowed: the feature word written is the one written before queue reset existed");
        BlockDeviceException refused = assertThrows(BlockDeviceException.class, () -> device.queue(1).resetQueue());
        assertEquals(ErrorKind.UNSUPPORTED, refused.kind());
        byte[] sector = new byte[512];
        device.queue(1).readAt(4, sector);
        assertArrayEquals(PatternedDisk.expected(4, 1), sector, "a refused reset leaves the queue as it was");
        assertEquals(List.of(), rig.machine().violations());
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDeviceThatNeverReportsTheResetDoneTimesOutAndTheDeviceResetRecovers() {
        Rig rig = rig();
        rig.fake().faults().stalledQueue(1);
        rig.fake().faults().overrideRegister(ControlRegister.QUEUE_RESET.offset(), 1);
        VirtioBlkDevice device = rig.open(TWO);
        RequestHandle held = device.queue(1).submitRead(6, new byte[512]);

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.queue(1).resetQueue());

        assertEquals(ErrorKind.TIMEOUT, error.kind());
        assertTrue(error.getMessage().contains("did not report its reset done"), error.getMessage());
        Completion.Failed failed = assertInstanceOf(Completion.Failed.class,
                device.queue(1).awaitAll(List.of(held), AsyncBlockDevice.NO_TIME_BUDGET).get(0));
        assertEquals(ErrorKind.TIMEOUT, failed.error().kind());
        assertEquals(ErrorKind.TIMEOUT, assertThrows(BlockDeviceException.class,
                () -> device.queue(0).readAt(1, new byte[512])).kind(), "the device is unusable until it is reset");
        BlockDeviceException refused = assertThrows(BlockDeviceException.class, () -> device.queue(0).resetQueue());
        assertTrue(refused.getMessage().contains("unusable until reset"), refused.getMessage());
        rig.fake().faults().clearRegisterOverride(ControlRegister.QUEUE_RESET.offset()).clearQueueFaults();
        device.reset();
        byte[] sector = new byte[512];
        device.queue(1).readAt(6, sector);
        assertArrayEquals(PatternedDisk.expected(6, 1), sector);
    }

    @Test
    void aResetNeverReportedDoneIsGivenUpWhenItsTimeRunsOut() {
        Rig rig = rig();
        rig.fake().faults().overrideRegister(ControlRegister.QUEUE_RESET.offset(), 1);
        DriverOptions options = TWO.withBudgets(20_000_000L, 1_000_000, 100_000L, 256, 128 * 1024);
        VirtioBlkDevice device = rig.open(options);
        long start = rig.machine().clock().now();

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.queue(1).resetQueue());

        long waited = rig.machine().clock().now() - start;
        assertTrue(waited >= 20_000_000L && waited < 20_000_000L + 2 * 100_000L, "waited " + waited + " ns of virtual time");
        java.util.regex.Matcher reads = java.util.regex.Pattern.compile("after (\\d+) reads within 20 ms").matcher(error.getMessage());
        assertTrue(reads.find(), error.getMessage());
        int count = Integer.parseInt(reads.group(1));
        assertTrue(count > 100 && count <= 201, "one read per 100 us poll interval: " + error.getMessage());
    }

    @Test
    void aResetNeverReportedDoneIsGivenUpWhenItsPollsRunOut() {
        Rig rig = rig();
        rig.fake().faults().overrideRegister(ControlRegister.QUEUE_RESET.offset(), 1);
        VirtioBlkDevice device = rig.open(TWO.withBudgets(1_000_000_000L, 5, 100_000L, 256, 128 * 1024));

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.queue(1).resetQueue());

        assertEquals(ErrorKind.TIMEOUT, error.kind());
        assertTrue(error.getMessage().contains("queue 1 did not report its reset done after 5 reads within 1000 ms"), error.getMessage());
    }
}
