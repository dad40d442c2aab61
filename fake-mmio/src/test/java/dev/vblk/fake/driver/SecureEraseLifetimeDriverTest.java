package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockLifetime;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * VirtIO 1.2's VIRTIO_BLK_F_SECURE_ERASE and VIRTIO_BLK_F_LIFETIME on the fake device: accepted only
 * when offered and allowed; a secure erase split at max_secure_erase_sectors as a discard is at its
 * limit, its sectors reading zeroes; limits of 0 refuse secure erase alone; the wear report given as
 * the device wrote it, reserved values included.
 */
class SecureEraseLifetimeDriverTest {

    private static final DriverOptions BOTH = FakeRig.TEST_OPTIONS.withSecureErase(true).withLifetime(true);

    private static FakeBlkConfig.Builder offering() {
        return FakeBlkConfig.builder().disk(PatternedDisk.of(64)).offerSecureErase(true).offerLifetime(true);
    }

    /** A rig whose device notes every request it decodes into {@code seen}. */
    private static FakeRig rig(FakeBlkConfig.Builder builder, List<DeviceRequest> seen) {
        return FakeRig.of(builder.requestHook(request -> {
            seen.add(request);
            return RequestOutcome.normal();
        }).build());
    }

    @Test
    void bothAreNegotiatedWhenOfferedAndAllowedAndNotedInTheInfo() {
        FakeRig rig = FakeRig.of(offering().build());
        VirtioBlkDevice driver = rig.open(BOTH);
        assertTrue(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.SECURE_ERASE));
        assertTrue(FeatureBits.has(rig.device().negotiatedFeatures(), BlkFeatures.LIFETIME));
        assertTrue(driver.info().secureEraseSupported());
        assertTrue(driver.info().lifetimeSupported());
        assertEquals(0x3fffff, driver.config().maxSecureEraseSectors());
    }

    @Test
    void neitherIsAcceptedUnlessTheOptionsAllowIt() {
        FakeRig rig = FakeRig.of(offering().build());
        VirtioBlkDevice driver = rig.open();
        assertFalse(FeatureBits.has(rig.device().negotiatedFeatures(), BlkFeatures.SECURE_ERASE));
        assertFalse(FeatureBits.has(rig.device().negotiatedFeatures(), BlkFeatures.LIFETIME));
        assertFalse(driver.info().secureEraseSupported() || driver.info().lifetimeSupported());
        BlockDeviceException erase = assertThrows(BlockDeviceException.class, () -> driver.secureErase(0, 8));
        assertEquals(ErrorKind.UNSUPPORTED, erase.kind());
        assertEquals(ErrorKind.UNSUPPORTED, assertThrows(BlockDeviceException.class, driver::lifetime).kind());
        assertTrue(rig.platform().violations().isEmpty(), rig.platform().violations().toString());
    }

    @Test
    void aDeviceThatDoesNotOfferThemIsNotAskedForThem() {
        VirtioBlkDevice driver = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(64)).build()).open(BOTH);
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.SECURE_ERASE));
        assertFalse(driver.info().secureEraseSupported() || driver.info().lifetimeSupported());
    }

    @Test
    void aSecureEraseIsSplitAtTheDevicesLimitAndItsSectorsReadZeroes() {
        List<DeviceRequest> seen = new ArrayList<>();
        FakeRig rig = rig(offering().secureErase(new FakeBlkConfig.SecureEraseLimits(5, 1, 1)), seen);
        VirtioBlkDevice driver = rig.open(BOTH);
        seen.clear();
        driver.secureErase(8, 12);
        assertEquals(List.of(5L, 5L, 2L), seen.stream().map(DeviceRequest::sectorCount).toList());
        assertEquals(List.of(8L, 13L, 18L), seen.stream().map(DeviceRequest::sector).toList());
        assertTrue(seen.stream().allMatch(r -> r.type() == VirtioBlk.T_SECURE_ERASE));
        byte[] read = new byte[16 * 512];
        driver.readAt(4, read);
        byte[] expected = PatternedDisk.expected(4, 16);
        java.util.Arrays.fill(expected, 4 * 512, 16 * 512, (byte) 0);
        assertArrayEquals(expected, read, "sectors 8 to 19 erased, 4 to 7 kept");
        assertTrue(rig.platform().violations().isEmpty(), rig.platform().violations().toString());
    }

    @Test
    void aSecureEraseIsCheckedAsADiscardIs() {
        VirtioBlkDevice driver = FakeRig.of(offering().build()).open(BOTH);
        assertEquals(ErrorKind.OUT_OF_RANGE, assertThrows(BlockDeviceException.class, () -> driver.secureErase(60, 8)).kind());
        assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(BlockDeviceException.class, () -> driver.secureErase(-1, 8)).kind());
        VirtioBlkDevice readOnly = FakeRig.of(offering().readOnly(true).build()).open(BOTH);
        BlockDeviceException refused = assertThrows(BlockDeviceException.class, () -> readOnly.secureErase(0, 8));
        assertEquals(ErrorKind.READ_ONLY, refused.kind());
        assertEquals(RequestType.SECURE_ERASE, refused.requestType());
    }

    /** Each row: max_secure_erase_sectors, max_secure_erase_seg, secure_erase_sector_alignment, the field named. */
    @ParameterizedTest
    @CsvSource({
        "0, 1, 1, max_secure_erase_sectors",
        "8, 0, 1, max_secure_erase_seg",
        "8, 1, 0, secure_erase_sector_alignment",
    })
    void limitsOfZeroRefuseSecureEraseAloneNamingTheField(long sectors, long segments, long alignment, String field) {
        List<DeviceRequest> seen = new ArrayList<>();
        FakeRig rig = rig(offering().secureErase(new FakeBlkConfig.SecureEraseLimits(sectors, segments, alignment)), seen);
        VirtioBlkDevice driver = rig.open(BOTH);
        assertFalse(driver.info().secureEraseSupported());
        seen.clear();
        BlockDeviceException refused = assertThrows(BlockDeviceException.class, () -> driver.secureErase(0, 8));
        assertEquals(ErrorKind.UNSUPPORTED, refused.kind());
        assertTrue(refused.getMessage().contains(field + " 0"), refused.getMessage());
        assertTrue(seen.isEmpty(), "nothing sent to the device: " + seen);
        driver.discard(0, 8);
        assertEquals(new BlockLifetime(1, 1, 1), driver.lifetime(), "the device stays usable");
    }

    /** Each row: the three fields the device gives, and whether they are all defined values. */
    @ParameterizedTest
    @CsvSource({
        "0, 0, 0, true",
        "3, 11, 10, true",
        "4, 1, 1, false",
        "1, 12, 1, false",
        "65535, 65535, 65535, false",
    })
    void theLifetimeIsGivenAsTheDeviceWroteIt(int preEol, int a, int b, boolean defined) {
        VirtioBlkDevice driver = FakeRig.of(offering().lifetime(new FakeBlkConfig.Lifetime(preEol, a, b)).build()).open(BOTH);
        BlockLifetime lifetime = driver.lifetime();
        assertEquals(new BlockLifetime(preEol, a, b), lifetime);
        assertEquals(defined, lifetime.withinSpecification());
    }

    @Test
    void theLifetimeCallsSubmitOneDeviceWritableRequest() {
        List<DeviceRequest> seen = new ArrayList<>();
        FakeRig rig = rig(offering().lifetime(new FakeBlkConfig.Lifetime(2, 5, 7)), seen);
        VirtioBlkDevice driver = rig.open(BOTH);
        seen.clear();
        byte[] report = new byte[6];
        driver.awaitAll(List.of(driver.submitGetLifetime(report)), Long.MAX_VALUE);
        assertEquals(1, seen.size());
        assertEquals(VirtioBlk.T_GET_LIFETIME, seen.get(0).type());
        assertEquals(6, seen.get(0).dataLength());
        assertEquals(new BlockLifetime(2, 5, 7), BlockLifetime.of(report));
        assertEquals(ErrorKind.INVALID_ARGUMENT,
                assertThrows(BlockDeviceException.class, () -> driver.submitGetLifetime(new byte[5])).kind());
    }
}
