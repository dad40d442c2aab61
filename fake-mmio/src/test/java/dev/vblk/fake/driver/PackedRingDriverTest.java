package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The driver's packed ring against the fake device's: rings that wrap inside chains, completions out
 * of order, lost interrupts, and used descriptors the driver must not believe.
 */
class PackedRingDriverTest {

    private static final int SECTORS = 2048;
    private static final DriverOptions PACKED = FakeRig.TEST_OPTIONS.withPackedRing(true);

    private final List<FakeRig> rigs = new ArrayList<>();

    private FakeRig rig(FakeBlkConfig.Builder config) {
        InMemoryDisk disk = PatternedDisk.of(SECTORS);
        FakeRig rig = FakeRig.of(config.disk(disk).offerPackedRing(true).build());
        rigs.add(rig);
        return rig;
    }

    @AfterEach
    void noViolations() {
        for (FakeRig rig : rigs) {
            assertEquals(List.of(), rig.platform().violations(), "the driver broke no rule of the packed ring");
        }
    }

    /** Rounds of {@code perRound} reads of 2 sectors in flight at once, checking data and single completion. */
    private static void readRounds(VirtioBlkDevice device, int rounds, int perRound) {
        long sector = 0;
        for (int round = 0; round < rounds; round++) {
            List<RequestHandle> handles = new ArrayList<>();
            List<byte[]> buffers = new ArrayList<>();
            List<Long> sectors = new ArrayList<>();
            for (int i = 0; i < perRound; i++) {
                byte[] buffer = new byte[2 * 512];
                handles.add(device.submitRead(sector, buffer));
                buffers.add(buffer);
                sectors.add(sector);
                sector = (sector + 2) % SECTORS;
            }
            List<Completion> completions = device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
            Set<RequestHandle> seen = new HashSet<>();
            for (Completion completion : completions) {
                assertInstanceOf(Completion.Succeeded.class, completion, completion.toString());
                assertTrue(seen.add(completion.handle()), "completed twice: " + completion.handle());
            }
            assertEquals(perRound, seen.size());
            for (int i = 0; i < perRound; i++) {
                assertArrayEquals(PatternedDisk.expected(sectors.get(i), 2), buffers.get(i), "round " + round + " read " + i);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(CompletionBatching.Order.class)
    void directChainsWrapTheRingEndInEveryCompletionOrder(CompletionBatching.Order order) {
        FakeRig rig = rig(FakeBlkConfig.builder().queueNumMax(8));
        rig.device().faults().batchCompletions(CompletionBatching.of(2, order).withSeed(3));
        VirtioBlkDevice device = rig.open(PACKED.withIndirectDescriptors(false));
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_PACKED));
        // Three descriptors a request in a ring of eight: chains straddle the ring's end, and the
        // wrap counters flip inside a chain.
        readRounds(device, 40, 2);
    }

    @ParameterizedTest
    @EnumSource(CompletionMode.class)
    void indirectChainsLapTheRingManyTimesOutOfOrder(CompletionMode mode) {
        FakeRig rig = rig(FakeBlkConfig.builder().queueNumMax(16));
        rig.device().faults().batchCompletions(CompletionBatching.of(16, CompletionBatching.Order.SHUFFLED).withSeed(11));
        VirtioBlkDevice device = rig.open(PACKED.withCompletion(mode));
        assertEquals(16, device.maxInFlight());
        readRounds(device, 20, 16);
    }

    @Test
    void withoutTheEventIndexEveryPublicationIsNotifiedAndCoalescedInterruptsStillComplete() {
        FakeRig rig = rig(FakeBlkConfig.builder().offerEventIndex(false));
        rig.device().faults().coalesceInterrupts(4, 1_000_000);
        VirtioBlkDevice device = rig.open(PACKED);
        readRounds(device, 10, 3);
    }

    @Test
    void aDroppedInterruptCostsTimeButNotTheRequest() {
        for (CompletionMode mode : CompletionMode.values()) {
            FakeRig rig = rig(FakeBlkConfig.builder().offerEventIndex(false));
            rig.device().faults().dropInterrupts(Set.of(0L));
            VirtioBlkDevice device = rig.open(PACKED.withCompletion(mode));
            byte[] buffer = new byte[512];
            device.readAt(0, buffer);
            assertArrayEquals(PatternedDisk.expected(0, 1), buffer, mode.toString());
            assertTrue(device.fatalError().isEmpty(), mode + ": " + device.fatalError());
        }
    }

    @Test
    void usedDescriptorsTheDriverDidNotAskForAreProtocolViolations() {
        List<RequestOutcome.Complete> lies = List.of(
                RequestOutcome.normal().withUsedId(7),
                RequestOutcome.normal().withUsedId(0xffff),
                RequestOutcome.normal().withUsedLen(1 << 20),
                RequestOutcome.normal().duplicated(),
                RequestOutcome.normal().skippingUsedIdx(3));
        for (RequestOutcome.Complete lie : lies) {
            FakeRig rig = rig(FakeBlkConfig.builder().requestHook(RequestHook.NORMAL.at(1, lie)));
            VirtioBlkDevice device = rig.open(PACKED);
            device.readAt(0, new byte[512]);
            // A lie after a good completion (a duplicate) is met by the next collection, at the latest
            // in the next call.
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> {
                device.readAt(1, new byte[512]);
                device.readAt(3, new byte[512]);
            });
            assertEquals(ErrorKind.PROTOCOL_VIOLATION, error.kind(), lie + ": " + error.getMessage());
            device.reset();
            device.readAt(2, new byte[512]);
        }
    }

    /** Submits reads of one sector at sectors 0.. and waits for them all. */
    private static List<Completion> readBatch(VirtioBlkDevice device, int reads) {
        List<RequestHandle> handles = new ArrayList<>();
        for (int i = 0; i < reads; i++) {
            handles.add(device.submitRead(i, new byte[512]));
        }
        return device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
    }

    @Test
    void aDuplicateOfTheLastRequestInFlightFailsTheDeviceInTheCallThatMetIt() {
        FakeRig rig = rig(FakeBlkConfig.builder().offerEventIndex(false).requestHook(RequestHook.NORMAL.at(3,
                RequestOutcome.normal().duplicated())));
        rig.device().faults().batchCompletions(CompletionBatching.of(4, CompletionBatching.Order.ARRIVAL));
        VirtioBlkDevice device = rig.open(PACKED);
        List<Completion> completions = readBatch(device, 4);
        assertEquals(4, completions.size());
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, device.fatalError().map(BlockDeviceException::kind).orElse(null),
                "the duplicate came with the batch's last completion: " + completions);
        rig.device().faults().batchCompletions(CompletionBatching.NONE);
        device.reset();
        device.readAt(0, new byte[512]);
    }

    @Test
    void aUsedPositionThatLapsTheDriversIsAProtocolViolationNotATimeout() {
        FakeRig rig = rig(FakeBlkConfig.builder().queueNumMax(16).requestHook(RequestHook.NORMAL.at(1,
                RequestOutcome.normal().skippingUsedIdx(13))));
        rig.device().faults().batchCompletions(CompletionBatching.of(4, CompletionBatching.Order.ARRIVAL));
        VirtioBlkDevice device = rig.open(PACKED.withIndirectDescriptors(false));
        // Four chains of three descriptors: the jump takes the device's used position a lap past the
        // positions 3 to 11 it then fills, in the next lap.
        for (Completion completion : readBatch(device, 4)) {
            if (completion instanceof Completion.Failed failed) {
                assertEquals(ErrorKind.PROTOCOL_VIOLATION, failed.error().kind(), failed.error().getMessage());
            }
        }
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, device.fatalError().map(BlockDeviceException::kind).orElse(null));
        rig.device().faults().batchCompletions(CompletionBatching.NONE);
        device.reset();
        device.readAt(0, new byte[512]);
    }

    @Test
    void theSplitRingStaysTheDefault() {
        FakeRig rig = rig(FakeBlkConfig.builder());
        VirtioBlkDevice device = rig.open(FakeRig.TEST_OPTIONS);
        assertTrue(!FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_PACKED), "split unless allowed");
        readRounds(device, 2, 4);
    }
}
