package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import org.junit.jupiter.api.Test;

/** The BlockDevice contract on the fake device with the packed ring offered and allowed. */
class PackedRingContractTest extends FakeBlockDeviceContractTest {

    @Override
    protected FakeBlkConfig.Builder configure(FakeBlkConfig.Builder config) {
        return config.offerPackedRing(true);
    }

    @Override
    protected DriverOptions options() {
        return FakeRig.TEST_OPTIONS.withPackedRing(true);
    }

    @Test
    void packedRingIsNegotiated() {
        long features = open(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS))).negotiatedFeatures();
        assertTrue(FeatureBits.has(features, FeatureBits.RING_PACKED), FeatureBits.describe(features, java.util.Map.of()));
    }
}
