package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.dma.DmaMapping;
import dev.vblk.dma.PhysicalRun;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.violation.Violation;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * VIRTIO_F_ACCESS_PLATFORM on the fake device, which then reaches only what the driver maps in the
 * machine's DMA windows: transfers in every ring and buffer arrangement stay inside them, queue and
 * device resets map the fresh rings, close unmaps everything; a driver that does not accept the
 * feature is refused FEATURES_OK by a device that requires it and served by one that only offers it;
 * and a device access outside the windows is a violation.
 */
class AccessPlatformDriverTest {

    private static final DriverOptions ALLOWED = FakeRig.TEST_OPTIONS.withAccessPlatform(true);

    private static FakeRig requiring() {
        return FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(2048)).offerAccessPlatform(true)
                .offerPackedRing(true).build());
    }

    /** Writes a random 96 KiB and reads it back, then reads the start of the disk again. */
    private static void roundTrip(VirtioBlkDevice driver) {
        byte[] data = new byte[96 * 1024];
        new Random(33).nextBytes(data);
        driver.writeAt(100, data);
        byte[] back = new byte[data.length];
        driver.readAt(100, back);
        assertArrayEquals(data, back);
    }

    @ParameterizedTest
    @CsvSource({"false,true,true", "true,true,true", "false,false,true", "false,true,false", "true,false,false"})
    void everyTransferStaysInsideTheMappedWindows(boolean packed, boolean pooled, boolean indirect) {
        FakeRig rig = requiring();
        VirtioBlkDevice driver = rig.open(ALLOWED.withPackedRing(packed).withPooledBuffers(pooled)
                .withIndirectDescriptors(indirect).withMaxRequestBytes(32 * 1024));
        assertTrue(FeatureBits.has(driver.negotiatedFeatures(), FeatureBits.ACCESS_PLATFORM));
        assertEquals(packed, FeatureBits.has(driver.negotiatedFeatures(), FeatureBits.RING_PACKED));
        roundTrip(driver);
        assertEquals(List.of(), rig.platform().violations());
        driver.close();
        assertEquals(List.of(), rig.platform().dmaMapping().mapped(), "close unmaps the rings and buffers");
    }

    @Test
    void aQueueResetAndADeviceResetMapTheFreshRingsAndUnmapTheOldOnes() {
        FakeRig rig = requiring();
        VirtioBlkDevice driver = rig.open(ALLOWED.withRingReset(true));
        List<PhysicalRun> before = rig.platform().dmaMapping().mapped();
        driver.queue(0).resetQueue();
        roundTrip(driver);
        assertEquals(before.size(), rig.platform().dmaMapping().mapped().size());
        driver.reset();
        roundTrip(driver);
        assertEquals(before.size(), rig.platform().dmaMapping().mapped().size());
        assertEquals(List.of(), rig.platform().violations());
    }

    @Test
    void withoutTheOptionTheDriverDeclinesItAndADeviceRequiringItRefusesFeaturesOk() {
        FakeRig rig = requiring();
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> rig.open(FakeRig.TEST_OPTIONS));
        assertEquals(ErrorKind.FEATURE_NEGOTIATION_FAILED, error.kind(), error.getMessage());
        assertTrue(error.getMessage().contains("did not accept features"), error.getMessage());
        assertEquals(List.of(), rig.platform().dmaMapping().mapped());
    }

    @Test
    void aDeviceOfferingItWithoutRequiringItServesADriverThatDeclinesIt() {
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(2048))
                .features(VirtioBlk.QEMU_DEFAULT_FEATURES | VirtioBlk.bit(VirtioBlk.F_ACCESS_PLATFORM)).build());
        VirtioBlkDevice driver = rig.open(FakeRig.TEST_OPTIONS);
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), FeatureBits.ACCESS_PLATFORM));
        roundTrip(driver);
        assertEquals(List.of(), rig.platform().violations());
    }

    @Test
    void aDeviceThatDoesNotOfferItIsNotRestricted() {
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(2048)).build());
        VirtioBlkDevice driver = rig.open(ALLOWED);
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), FeatureBits.ACCESS_PLATFORM));
        roundTrip(driver);
        assertEquals(List.of(), rig.platform().dmaMapping().mapped(), "nothing is mapped without the feature");
        assertEquals(List.of(), rig.platform().violations());
    }

    @Test
    void aDeviceAccessOutsideTheMappedWindowsIsAViolationAndIsRefused() {
        FakeRig rig = requiring();
        Platform mapsNothing = new ForwardingPlatform(rig.platform()) {
            @Override
            public DmaMapping dmaMapping() {
                return DmaMapping.UNRESTRICTED;
            }
        };
        VirtioBlkDevice driver = VirtioBlkDevice.open(mapsNothing, rig.slot(), ALLOWED);
        assertThrows(BlockDeviceException.class, () -> driver.readAt(0, new byte[512]));
        List<Violation> violations = rig.platform().violations();
        assertFalse(violations.isEmpty());
        assertTrue(violations.stream().allMatch(v -> v.kind() == ViolationKind.DMA_OUTSIDE_MAPPING), violations.toString());
    }
}
