package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.fake.blk.ConfigTear;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.MemoryLie;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.SuppressionLie;
import dev.vblk.fake.blk.UsedIdLie;
import dev.vblk.fake.blk.UsedIndexLie;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver against a device that lies about memory, on the split and the packed ring: a used index
 * that moves backwards, beyond the queue or under the driver's reads, a used element naming no head,
 * notification suppression fields rewritten, and a capacity torn across a config change. The driver
 * fails the lying request with PROTOCOL_VIOLATION where it can tell, never returns data the device
 * did not give, always finishes in its time budget, and never takes a torn capacity.
 */
class MemoryLieDriverTest {

    private static final int SECTORS = 64;

    private static FakeRig rig(boolean packed, MemoryLie lie) {
        return FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(SECTORS)).offerPackedRing(packed)
                .requestHook(RequestHook.NORMAL.at(1, RequestOutcome.lying(RequestOutcome.normal(), lie))).build());
    }

    private static VirtioBlkDevice open(FakeRig rig, boolean packed) {
        VirtioBlkDevice device = rig.open(FakeRig.TEST_OPTIONS.withPackedRing(packed));
        assertEquals(packed, FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_PACKED));
        return device;
    }

    private static void reads(VirtioBlkDevice device, long sector) {
        byte[] buffer = new byte[512];
        device.readAt(sector, buffer);
        assertArrayEquals(PatternedDisk.expected(sector, 1), buffer, "sector " + sector);
    }

    private static void violates(VirtioBlkDevice device, long sector) {
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> reads(device, sector));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, error.kind(), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void usedIndexMovingBackwardsBreaksTheQueue(boolean packed) {
        VirtioBlkDevice device = open(rig(packed, new UsedIndexLie(UsedIndexLie.Kind.BACKWARDS, 3)), packed);
        reads(device, 0);
        violates(device, 1);
        violates(device, 2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void usedIndexBeyondTheQueueBreaksTheQueue(boolean packed) {
        VirtioBlkDevice device = open(rig(packed, new UsedIndexLie(UsedIndexLie.Kind.BEYOND_QUEUE, 1)), packed);
        reads(device, 0);
        violates(device, 1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void usedIndexOrIdRewrittenAfterTheDriverReadItBreaksTheQueue(boolean packed) {
        VirtioBlkDevice device = open(rig(packed, new UsedIndexLie(UsedIndexLie.Kind.REWRITTEN_AFTER_READ, 1)), packed);
        reads(device, 0);
        violates(device, 1);
        violates(device, 2);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void usedElementNamingNoHeadBreaksTheQueue(boolean packed) {
        VirtioBlkDevice device = open(rig(packed, new UsedIdLie()), packed);
        reads(device, 0);
        violates(device, 1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void suppressionFieldsRewrittenCostNoMoreThanTheBudget(boolean packed) {
        for (SuppressionLie.Field field : SuppressionLie.Field.values()) {
            for (int value : new int[] {0, 1, 0xffff}) {
                FakeRig rig = rig(packed, new SuppressionLie(field, value));
                VirtioBlkDevice device = open(rig, packed);
                for (int sector = 0; sector < 4; sector++) {
                    long start = rig.platform().nanoTime();
                    try {
                        reads(device, sector);
                    } catch (BlockDeviceException e) {
                        assertEquals(ErrorKind.TIMEOUT, e.kind(), field + " " + value + ": " + e.getMessage());
                    }
                    long took = rig.platform().nanoTime() - start;
                    long budget = 2 * (20_000_000L + 2 * 100_000L) + 2_000_000L;
                    assertTrue(took <= budget, field + " " + value + " took " + took + " ns");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void capacityTornAcrossAConfigChangeIsNeverTaken(boolean packed) {
        FakeRig rig = rig(packed, new ConfigTear((1L << 32) + 7));
        VirtioBlkDevice device = open(rig, packed);
        int generation = rig.device().configGeneration();
        reads(device, 0);
        reads(device, 1);
        reads(device, 2);
        assertTrue(rig.device().configGeneration() >= generation + 3, "the change and the tear moved the generation");
        assertEquals(SECTORS, device.info().capacitySectors());
        assertEquals(SECTORS, device.config().capacity());
    }
}
