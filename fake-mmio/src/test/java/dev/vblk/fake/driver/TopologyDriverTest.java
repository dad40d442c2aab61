package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockTopology;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * VIRTIO_BLK_F_TOPOLOGY on the fake device: accepted only when the options allow it, its hints read
 * (under the configuration generation) into the device's info in bytes, and hints that break their
 * own rules dropped one by one without the device becoming unusable.
 */
class TopologyDriverTest {

    private static final DriverOptions TOPOLOGY = FakeRig.TEST_OPTIONS.withTopology(true);

    private static FakeRig rig(FakeBlkConfig.Topology topology, long blkSize) {
        return FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(64)).blkSize(blkSize).topology(topology).build());
    }

    @Test
    void topologyIsNegotiatedWhenAllowedAndItsHintsAreReadInBytes() {
        FakeRig rig = rig(new FakeBlkConfig.Topology(3, 1, 8, 64), 512);
        VirtioBlkDevice driver = rig.open(TOPOLOGY);
        assertTrue(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.TOPOLOGY));
        assertTrue(FeatureBits.has(rig.device().negotiatedFeatures(), BlkFeatures.TOPOLOGY));
        assertEquals(Optional.of(new BlockTopology(4096, 512, 4096, 32768)), driver.info().topology());
        assertEquals(3, driver.config().physicalBlockExp());
        assertEquals(64, driver.config().optIoSize());
    }

    @Test
    void theHintsCountInLogicalBlocksOfTheDevicesBlockSize() {
        VirtioBlkDevice driver = rig(new FakeBlkConfig.Topology(1, 1, 2, 16), 4096).open(TOPOLOGY);
        assertEquals(Optional.of(new BlockTopology(8192, 4096, 8192, 65536)), driver.info().topology());
    }

    @Test
    void topologyIsNotAcceptedUnlessTheOptionsAllowIt() {
        FakeRig rig = rig(new FakeBlkConfig.Topology(3, 1, 8, 64), 512);
        VirtioBlkDevice driver = rig.open();
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.TOPOLOGY),
                "not allowed by default: the feature word written is that of the traces recorded before");
        assertFalse(FeatureBits.has(rig.device().negotiatedFeatures(), BlkFeatures.TOPOLOGY));
        assertEquals(Optional.empty(), driver.info().topology());
        assertEquals(0, driver.config().physicalBlockExp());
    }

    @Test
    void aDeviceThatDoesNotOfferTopologyGivesNoHints() {
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(64))
                .features(VirtioBlk.QEMU_DEFAULT_FEATURES & ~VirtioBlk.bit(VirtioBlk.F_TOPOLOGY))
                .topology(new FakeBlkConfig.Topology(3, 1, 8, 64)).build());
        VirtioBlkDevice driver = rig.open(TOPOLOGY);
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.TOPOLOGY));
        assertEquals(Optional.empty(), driver.info().topology());
    }

    @Test
    void anUnstableConfigurationGenerationStillGivesTheHints() {
        FakeRig rig = rig(new FakeBlkConfig.Topology(2, 3, 4, 8), 512);
        rig.device().faults().unstableConfigGeneration(5);
        VirtioBlkDevice driver = rig.open(TOPOLOGY);
        assertEquals(Optional.of(new BlockTopology(2048, 1536, 2048, 4096)), driver.info().topology());
    }

    /**
     * Each row: the four fields as the device gives them, then the topology the driver reports. A
     * physical block above 1 MiB counts as one logical block, an alignment offset of a physical block
     * or more as 0, an opt_io_size that is not a multiple of min_io_size as not given.
     */
    @ParameterizedTest(name = "exp {0}, alignment {1}, min {2}, opt {3}")
    @CsvSource({
        "255, 255, 0, 7,          512, 0, 0, 3584",
        "12, 0, 0, 0,             512, 0, 0, 0",
        "11, 0, 0, 0,             1048576, 0, 0, 0",
        "32, 1, 1, 1,             512, 0, 512, 512",
        "4, 16, 0, 0,             8192, 0, 0, 0",
        "4, 15, 0, 0,             8192, 7680, 0, 0",
        "0, 0, 8, 12,             512, 0, 4096, 0",
        "0, 0, 65535, 4294967294, 512, 0, 33553920, 0",
        "0, 0, 0, 4294967295,     512, 0, 0, 2199023255040",
    })
    void hintsThatBreakTheirRulesAreDroppedAndTheDeviceStaysUsable(int exp, int alignment, int min, long opt,
            int physicalBytes, long alignmentBytes, long minBytes, long optimalBytes) {
        FakeRig rig = rig(new FakeBlkConfig.Topology(exp, alignment, min, opt), 512);
        VirtioBlkDevice driver = rig.open(TOPOLOGY);
        assertEquals(Optional.of(new BlockTopology(physicalBytes, alignmentBytes, minBytes, optimalBytes)),
                driver.info().topology());
        byte[] sector = new byte[512];
        driver.readAt(5, sector);
        assertArrayEquals(PatternedDisk.expected(5, 1), sector);
    }
}
