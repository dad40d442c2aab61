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
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.InOrderFault;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.queue.SplitVirtqueueLayout;
import dev.vblk.virtio.spec.DescriptorLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VIRTIO_F_IN_ORDER on the fake device, on the split and the packed ring: batches completed under one
 * used entry give back every request with its data, the feature is accepted only when the options
 * allow it, and a device that completes a request out of order or leaves one out of a batch fails
 * the affected calls with PROTOCOL_VIOLATION, never with a success the device did not give.
 */
class InOrderDriverTest {

    private static final int SECTORS = 1024;
    private static final DriverOptions IN_ORDER = FakeRig.TEST_OPTIONS.withInOrder(true);

    /** Counts the driver's reads of used entries: a split ring's used elements, a packed ring's id and length. */
    private static final class UsedEntryReads extends ForwardingPlatform {
        private final int entryBytes;
        int reads;

        UsedEntryReads(Platform platform, boolean packed) {
            super(platform);
            this.entryBytes = packed ? DescriptorLayout.PACKED_FLAGS_OFFSET - DescriptorLayout.LENGTH_OFFSET
                    : SplitVirtqueueLayout.USED_ELEMENT_SIZE;
        }

        @Override
        public byte[] readMemory(long address, int length) {
            if (length == entryBytes) {
                reads++;
            }
            return super.readMemory(address, length);
        }
    }

    private static FakeRig rig(FakeBlkConfig.Builder config) {
        return FakeRig.of(config.disk(PatternedDisk.of(SECTORS)).offerInOrder(true).offerPackedRing(true).build());
    }

    private static DriverOptions options(boolean packed) {
        return IN_ORDER.withPackedRing(packed);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void batchesCompletedUnderOneUsedEntryGiveBackEveryReadWithItsData(boolean packed) {
        // Eight entries, three descriptors a read: chains in ring order wrap the table's end.
        FakeRig rig = rig(FakeBlkConfig.builder().queueNumMax(8));
        rig.device().faults().batchCompletions(CompletionBatching.of(2, CompletionBatching.Order.REVERSE));
        UsedEntryReads counting = new UsedEntryReads(rig.platform(), packed);
        VirtioBlkDevice device = VirtioBlkDevice.open(counting, rig.slot(), options(packed).withIndirectDescriptors(false));
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.IN_ORDER));
        int before = counting.reads;
        int rounds = 25;
        long sector = 0;
        for (int round = 0; round < rounds; round++) {
            List<RequestHandle> handles = new ArrayList<>();
            List<byte[]> buffers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                byte[] buffer = new byte[512];
                handles.add(device.submitRead(sector + i, buffer));
                buffers.add(buffer);
            }
            for (Completion completion : device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET)) {
                assertInstanceOf(Completion.Succeeded.class, completion, completion.toString());
            }
            for (int i = 0; i < 2; i++) {
                assertArrayEquals(PatternedDisk.expected(sector + i, 1), buffers.get(i), "round " + round + " read " + i);
            }
            sector = (sector + 7) % (SECTORS - 2);
        }
        assertEquals(rounds, counting.reads - before, "one used entry read for each batch of two");
        assertEquals(List.of(), rig.platform().violations());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void deepQueuesWithIndirectTablesCompleteInOrderAcrossManyLaps(boolean packed) {
        FakeRig rig = rig(FakeBlkConfig.builder().queueNumMax(16));
        rig.device().faults().batchCompletions(CompletionBatching.of(5, CompletionBatching.Order.SHUFFLED).withSeed(7)
                .releasingAfter(200_000));
        VirtioBlkDevice device = rig.open(options(packed));
        for (int round = 0; round < 20; round++) {
            List<RequestHandle> handles = new ArrayList<>();
            List<byte[]> buffers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                byte[] buffer = new byte[2 * 512];
                handles.add(device.submitRead(round * 24L + 2L * i, buffer));
                buffers.add(buffer);
            }
            for (Completion completion : device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET)) {
                assertInstanceOf(Completion.Succeeded.class, completion, completion.toString());
            }
            for (int i = 0; i < 12; i++) {
                assertArrayEquals(PatternedDisk.expected(round * 24L + 2L * i, 2), buffers.get(i));
            }
        }
        assertEquals(List.of(), rig.platform().violations());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theFeatureIsAcceptedOnlyWhenTheOptionsAllowIt(boolean packed) {
        FakeRig offered = rig(FakeBlkConfig.builder());
        VirtioBlkDevice byDefault = offered.open(FakeRig.TEST_OPTIONS.withPackedRing(packed));
        assertFalse(FeatureBits.has(byDefault.negotiatedFeatures(), FeatureBits.IN_ORDER));
        byte[] buffer = new byte[512];
        byDefault.readAt(5, buffer);
        assertArrayEquals(PatternedDisk.expected(5, 1), buffer);

        FakeRig notOffered = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(SECTORS)).offerPackedRing(true).build());
        assertFalse(FeatureBits.has(notOffered.open(options(packed)).negotiatedFeatures(), FeatureBits.IN_ORDER));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aRequestCompletedBeforeAnEarlierOneIsAProtocolViolationAndNeverASuccess(boolean packed) {
        FakeRig rig = rig(FakeBlkConfig.builder());
        rig.device().faults().inOrderFault(InOrderFault.OUT_OF_ORDER);
        rig.device().setRequestHook(request -> request.sector() == 100
                ? RequestOutcome.delayed(1_000_000, RequestOutcome.normal()) : RequestOutcome.normal());
        VirtioBlkDevice device = rig.open(options(packed));
        RequestHandle first = device.submitRead(100, new byte[512]);
        RequestHandle second = device.submitRead(200, new byte[512]);

        List<Completion> ended = device.awaitAll(List.of(first, second), AsyncBlockDevice.NO_TIME_BUDGET);

        Completion.Failed failed = assertInstanceOf(Completion.Failed.class, ended.get(0), ended.toString());
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failed.error().kind(), failed.error().toString());
        if (!packed) {
            assertTrue(failed.error().getMessage().contains("VIRTIO_F_IN_ORDER"), failed.error().getMessage());
        }
        assertBrokenUntilReset(rig, device);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aBatchThatLeavesARequestOutIsAProtocolViolationAndNeverASuccess(boolean packed) {
        FakeRig rig = rig(FakeBlkConfig.builder());
        rig.device().faults().inOrderFault(InOrderFault.SKIP_BUFFER)
                .batchCompletions(CompletionBatching.of(2, CompletionBatching.Order.ARRIVAL));
        VirtioBlkDevice device = rig.open(options(packed));
        RequestHandle first = device.submitRead(100, new byte[512]);
        RequestHandle second = device.submitRead(200, new byte[512]);

        List<Completion> ended = device.awaitAll(List.of(first, second), AsyncBlockDevice.NO_TIME_BUDGET);

        Completion.Failed failed = assertInstanceOf(Completion.Failed.class, ended.get(0), ended.toString());
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failed.error().kind(), failed.error().toString());
        assertBrokenUntilReset(rig, device);
    }

    /**
     * The violation is fatal: the next call fails with it until the device is reset, and once the device
     * keeps the order again it reads after the reset.
     */
    private static void assertBrokenUntilReset(FakeRig rig, VirtioBlkDevice device) {
        BlockDeviceException later = assertThrows(BlockDeviceException.class, () -> device.readAt(0, new byte[512]));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, later.kind());
        rig.device().faults().inOrderFault(InOrderFault.NONE).batchCompletions(CompletionBatching.NONE);
        device.reset();
        byte[] buffer = new byte[512];
        device.readAt(3, buffer);
        assertArrayEquals(PatternedDisk.expected(3, 1), buffer);
    }
}
