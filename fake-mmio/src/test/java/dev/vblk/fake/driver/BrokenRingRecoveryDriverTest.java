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
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.UsedIdLie;
import dev.vblk.fake.blk.UsedIndexLie;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A ring the device breaks (a used element naming no head, a used index moving back or past the queue
 * size, a completion written twice), on the split and the packed ring, with VIRTIO_F_RING_RESET
 * negotiated: that queue alone is reset, each call with a request the device held ends with
 * PROTOCOL_VIOLATION and each call that only waited for a slot with ABORTED, the other queue's
 * request in flight completes, and both queues read correctly afterwards. Without the feature the
 * device stays unusable until reset; a queue reset the device never reports done, or a fresh ring the
 * platform refuses, makes it unusable.
 */
class BrokenRingRecoveryDriverTest {

    private static final int SECTORS = 1024;
    /** The sector whose read the device answers with a broken ring. */
    private static final long BROKEN = 100;
    /** The sector whose read the device answers late, so that it is in flight when the other queue breaks. */
    private static final long LATE = 3;
    private static final DriverOptions TWO = DriverOptions.DEFAULTS.withMaxQueues(2).withRingReset(true)
            .withRequestTimeoutNanos(50_000_000L).withMaxInFlight(2);

    private record Rig(FakePlatform machine, FakeVirtioBlkDevice fake, MmioSlot slot) {
        VirtioBlkDevice open(DriverOptions options) {
            return VirtioBlkDevice.open(machine, slot, options);
        }
    }

    private static Rig rig(String breakage, boolean packed) {
        RequestOutcome broken = switch (breakage) {
            case "usedId" -> RequestOutcome.lying(RequestOutcome.normal(), new UsedIdLie());
            case "backwards" -> RequestOutcome.lying(RequestOutcome.normal(), new UsedIndexLie(UsedIndexLie.Kind.BACKWARDS, 3));
            case "beyond" -> RequestOutcome.lying(RequestOutcome.normal(), new UsedIndexLie(UsedIndexLie.Kind.BEYOND_QUEUE, 1));
            case "duplicated" -> RequestOutcome.normal().duplicated();
            default -> throw new IllegalArgumentException(breakage);
        };
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkDevice fake = machine.attachBlockDevice(FakeBlkConfig.builder().numQueues(2).offerPackedRing(packed)
                .disk(PatternedDisk.of(SECTORS))
                .requestHook(request -> request.sector() == BROKEN ? broken
                        : request.sector() == LATE ? RequestOutcome.delayed(1_000_000L, RequestOutcome.normal())
                        : RequestOutcome.normal())
                .build());
        int slot = FakePlatform.SLOTS - 1;
        return new Rig(machine, fake, new MmioSlot(slot, FakePlatform.slotAddress(slot), machine.interruptLine(slot)));
    }

    private static void reads(AsyncBlockDevice queue, long sector) {
        byte[] buffer = new byte[512];
        ((VirtioBlkQueue) queue).readAt(sector, buffer);
        assertArrayEquals(PatternedDisk.expected(sector, 1), buffer, "sector " + sector);
    }

    private static BlockDeviceException failure(Completion completion) {
        return assertInstanceOf(Completion.Failed.class, completion).error();
    }

    @ParameterizedTest
    @CsvSource({
        "usedId, false, INTERRUPTS", "usedId, true, INTERRUPTS", "usedId, false, POLLING", "usedId, true, POLLING",
        "backwards, false, INTERRUPTS", "backwards, true, INTERRUPTS", "beyond, false, POLLING", "beyond, true, INTERRUPTS",
        "duplicated, false, INTERRUPTS", "duplicated, true, POLLING"})
    void aBrokenRingResetsItsQueueAloneAndEveryQueueWorksAfterwards(String breakage, boolean packed, CompletionMode mode) {
        Rig rig = rig(breakage, packed);
        VirtioBlkDevice device = rig.open(TWO.withCompletion(mode).withPackedRing(packed));
        VirtioBlkQueue other = device.queue(0);
        VirtioBlkQueue breaking = device.queue(1);
        byte[] late = new byte[512];
        RequestHandle onOther = other.submitRead(LATE, late);
        byte[] firstData = new byte[512];
        RequestHandle first = breaking.submitRead(7, firstData);
        byte[] lyingData = new byte[512];
        RequestHandle lying = breaking.submitRead(BROKEN, lyingData);
        RequestHandle waiting = breaking.submitRead(8, new byte[512]);

        Map<RequestHandle, Completion> ended = breaking.awaitAll(List.of(first, lying, waiting), AsyncBlockDevice.NO_TIME_BUDGET)
                .stream().collect(Collectors.toMap(Completion::handle, completion -> completion));

        if (breakage.equals("duplicated") && ended.get(lying) instanceof Completion.Succeeded) {
            assertArrayEquals(PatternedDisk.expected(BROKEN, 1), lyingData, "its own used element came first, its copy broke the ring");
        } else {
            BlockDeviceException broken = failure(ended.get(lying));
            assertEquals(ErrorKind.PROTOCOL_VIOLATION, broken.kind(), broken.getMessage());
            assertTrue(broken.getMessage().contains("its queue was reset"), broken.getMessage());
        }
        if (ended.get(first) instanceof Completion.Succeeded) {
            assertArrayEquals(PatternedDisk.expected(7, 1), firstData, "returned before the ring broke");
        } else {
            BlockDeviceException held = failure(ended.get(first));
            assertEquals(ErrorKind.PROTOCOL_VIOLATION, held.kind(), "held by the device when the ring broke");
            assertTrue(held.getMessage().contains("its queue was reset"), held.getMessage());
        }
        BlockDeviceException aborted = failure(ended.get(waiting));
        assertEquals(ErrorKind.ABORTED, aborted.kind(), "a call that only waited for a slot: " + aborted.getMessage());
        assertFalse(device.fatalError().isPresent(), "the broken ring was recovered by resetting its queue alone");
        assertInstanceOf(Completion.Succeeded.class, other.awaitAll(List.of(onOther), AsyncBlockDevice.NO_TIME_BUDGET).get(0),
                "the other queue's request in flight completes");
        assertArrayEquals(PatternedDisk.expected(LATE, 1), late);
        for (int sector = 10; sector < 30; sector++) {
            reads(breaking, sector);
            reads(other, sector + 100);
        }
        assertEquals(List.of(), rig.machine().violations());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withoutRingResetABrokenRingLeavesTheDeviceUnusableUntilReset(boolean packed) {
        Rig rig = rig("usedId", packed);
        VirtioBlkDevice device = rig.open(TWO.withRingReset(false).withPackedRing(packed));

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> reads(device.queue(1), BROKEN));

        assertEquals(ErrorKind.PROTOCOL_VIOLATION, error.kind(), error.getMessage());
        assertFalse(error.getMessage().contains("reset"), error.getMessage());
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, device.fatalError().orElseThrow().kind());
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, assertThrows(BlockDeviceException.class,
                () -> reads(device.queue(0), 1)).kind(), "every queue refuses calls until the device is reset");
        device.reset();
        reads(device.queue(1), 5);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aQueueResetTheDeviceNeverReportsDoneLeavesTheDeviceUnusable(boolean packed) {
        Rig rig = rig("usedId", packed);
        rig.fake().faults().overrideRegister(ControlRegister.QUEUE_RESET.offset(), 1);
        VirtioBlkDevice device = rig.open(TWO.withPackedRing(packed));

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> reads(device.queue(1), BROKEN));

        assertEquals(ErrorKind.TIMEOUT, error.kind(), error.getMessage());
        assertTrue(error.getMessage().contains("did not report its reset done"), error.getMessage());
        assertEquals(ErrorKind.TIMEOUT, device.fatalError().orElseThrow().kind());
        assertEquals(ErrorKind.TIMEOUT, assertThrows(BlockDeviceException.class, () -> reads(device.queue(0), 1)).kind());
        rig.fake().faults().clearRegisterOverride(ControlRegister.QUEUE_RESET.offset());
        device.reset();
        reads(device.queue(1), 5);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aFreshRingThePlatformRefusesLeavesTheDeviceUnusableAndTheDeviceResetRecovers(boolean packed) {
        Rig rig = rig("usedId", packed);
        VirtioBlkDevice device = rig.open(TWO.withPackedRing(packed));
        rig.machine().allocatorFaults().refuseAll(true);

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> reads(device.queue(1), BROKEN));

        assertEquals(ErrorKind.PLATFORM_ERROR, error.kind(), error.getMessage());
        assertTrue(error.getMessage().contains("queue 1 has no ring after its reset"), error.getMessage());
        assertEquals(ErrorKind.PLATFORM_ERROR, device.fatalError().orElseThrow().kind());
        rig.machine().allocatorFaults().clear();
        device.reset();
        reads(device.queue(1), 5);
        reads(device.queue(0), 6);
        assertEquals(List.of(), rig.machine().violations());
    }
}
