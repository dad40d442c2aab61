package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.block.ZoneDescriptor;
import dev.vblk.block.ZoneState;
import dev.vblk.block.ZoneType;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.block.ZonedCharacteristics;
import dev.vblk.block.ZonedModel;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.spec.ZoneFormat;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * VirtIO 1.2's VIRTIO_BLK_F_ZONED on the fake device: negotiated only when offered and allowed (a
 * host-managed device without it refuses FEATURES_OK, and with it DISCARD is not accepted); the zoned
 * characteristics in the info; every zone command with the states it leads to; the open and active
 * limits and the sequential-write rules refused with the zone error kinds; and a device that breaks
 * the zone rules caught, never reported as a success.
 */
class ZonedDriverTest {

    private static final DriverOptions ZONED = FakeRig.TEST_OPTIONS.withZoned(true);
    /** Eight zones of 64 sectors; the first conventional, 2 open and 3 active at most. */
    private static final FakeBlkConfig.Zoned HOST_MANAGED = FakeBlkConfig.Zoned.hostManaged(64);
    private static final long ZONE = 64;

    private static FakeBlkConfig.Builder offering(FakeBlkConfig.Zoned zoned) {
        return FakeBlkConfig.builder().disk(PatternedDisk.of(512)).zoned(zoned);
    }

    private static ZonedBlockDevice zoned(FakeBlkConfig.Zoned zoned) {
        return FakeRig.of(offering(zoned).build()).open(ZONED).zoned().orElseThrow();
    }

    private static ErrorKind failure(Runnable call) {
        return assertThrows(BlockDeviceException.class, call::run).kind();
    }

    private static ZoneDescriptor zone(ZonedBlockDevice device, long start) {
        return device.reportZones(start, 1).get(0);
    }

    private static byte[] sectors(int count, int fill) {
        byte[] data = new byte[count * 512];
        Arrays.fill(data, (byte) fill);
        return data;
    }

    @Test
    void aHostManagedDeviceIsNegotiatedWithoutDiscardAndDescribedInTheInfo() {
        FakeRig rig = FakeRig.of(offering(HOST_MANAGED).build());
        VirtioBlkDevice driver = rig.open(ZONED);
        assertTrue(FeatureBits.has(rig.device().negotiatedFeatures(), BlkFeatures.ZONED));
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.DISCARD));
        assertEquals(new ZonedCharacteristics(ZonedModel.HOST_MANAGED, 64, 2, 3, 64, 512), driver.info().zoned().get());
        assertEquals(8, driver.info().zoned().get().zoneCount(driver.info().capacitySectors()));
        assertTrue(driver.zoned().isPresent());
        assertTrue(rig.platform().violations().isEmpty(), rig.platform().violations().toString());
    }

    @Test
    void aHostManagedDeviceCannotBeUsedWithoutTheOption() {
        FakeRig rig = FakeRig.of(offering(HOST_MANAGED).build());
        BlockDeviceException refused = assertThrows(BlockDeviceException.class, rig::open);
        assertEquals(ErrorKind.FEATURE_NEGOTIATION_FAILED, refused.kind());
    }

    @Test
    void aHostAwareDeviceWithoutTheOptionIsUsedAsAnyOther() {
        FakeRig rig = FakeRig.of(offering(FakeBlkConfig.Zoned.hostAware(64)).build());
        VirtioBlkDevice driver = rig.open();
        assertFalse(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.ZONED));
        assertTrue(driver.info().zoned().isEmpty());
        assertTrue(driver.zoned().isEmpty());
        driver.writeAt(100, sectors(1, 7));
        byte[] back = new byte[512];
        driver.readAt(100, back);
        assertArrayEquals(sectors(1, 7), back);
    }

    @Test
    void aDriveManagedDeviceHasNoZoneCommands() {
        VirtioBlkDevice driver = FakeRig.of(offering(HOST_MANAGED.withModel(0)).build()).open(ZONED);
        assertTrue(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.ZONED));
        assertTrue(driver.zoned().isEmpty());
        assertTrue(FeatureBits.has(driver.negotiatedFeatures(), BlkFeatures.DISCARD));
    }

    @Test
    void aModelTheSpecificationDoesNotDefineFailsInitialisation() {
        FakeRig rig = FakeRig.of(offering(HOST_MANAGED.withModel(7)).build());
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, assertThrows(BlockDeviceException.class, () -> rig.open(ZONED)).kind());
    }

    @Test
    void theReportDescribesEveryZoneFromTheOneHoldingTheSector() {
        ZonedBlockDevice device = zoned(HOST_MANAGED);
        List<ZoneDescriptor> zones = device.reportZones(0, 100);
        assertEquals(8, zones.size());
        assertEquals(new ZoneDescriptor(0, 64, 0, ZoneType.CONVENTIONAL, ZoneState.NOT_WRITE_POINTER), zones.get(0));
        assertEquals(new ZoneDescriptor(64, 64, 64, ZoneType.SEQUENTIAL_WRITE_REQUIRED, ZoneState.EMPTY), zones.get(1));
        List<ZoneDescriptor> fromMiddle = device.reportZones(200, 2);
        assertEquals(List.of(192L, 256L), fromMiddle.stream().map(ZoneDescriptor::start).toList());
    }

    @Test
    void writesAndAppendsMoveTheWritePointerAndOpenTheZoneImplicitly() {
        VirtioBlkDevice driver = FakeRig.of(offering(HOST_MANAGED).build()).open(ZONED);
        ZonedBlockDevice device = driver.zoned().orElseThrow();
        driver.writeAt(ZONE, sectors(2, 1));
        assertEquals(new ZoneDescriptor(64, 64, 66, ZoneType.SEQUENTIAL_WRITE_REQUIRED, ZoneState.IMPLICITLY_OPEN),
                zone(device, ZONE));
        assertEquals(66, device.zoneAppend(ZONE, sectors(3, 2)));
        assertEquals(69, zone(device, ZONE).writePointer());
        byte[] back = new byte[3 * 512];
        driver.readAt(66, back);
        assertArrayEquals(sectors(3, 2), back);
        assertEquals(ErrorKind.ZONE_UNALIGNED_WRITE, failure(() -> driver.writeAt(ZONE, sectors(1, 3))));
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> driver.writeAt(2 * ZONE - 1, sectors(2, 3))));
        driver.writeAt(3, sectors(1, 4));
    }

    @Test
    void aHostAwareZoneTakesWritesAnywhereUntilItIsFull() {
        VirtioBlkDevice driver = FakeRig.of(offering(FakeBlkConfig.Zoned.hostAware(64)).build()).open(ZONED);
        ZonedBlockDevice device = driver.zoned().orElseThrow();
        assertEquals(ZonedModel.HOST_AWARE, device.characteristics().model());
        driver.writeAt(ZONE + 10, sectors(2, 1));
        assertEquals(new ZoneDescriptor(64, 64, 76, ZoneType.SEQUENTIAL_WRITE_PREFERRED, ZoneState.IMPLICITLY_OPEN),
                zone(device, ZONE));
        driver.writeAt(ZONE, sectors(1, 1));
        assertEquals(76, zone(device, ZONE).writePointer());
        device.finishZone(ZONE);
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> driver.writeAt(ZONE, sectors(1, 1))));
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> device.zoneAppend(2 * ZONE, sectors(1, 1))));
    }

    @Test
    void openCloseFinishAndResetLeadToTheirStates() {
        VirtioBlkDevice driver = FakeRig.of(offering(HOST_MANAGED).build()).open(ZONED);
        ZonedBlockDevice device = driver.zoned().orElseThrow();
        device.openZone(ZONE);
        assertEquals(ZoneState.EXPLICITLY_OPEN, zone(device, ZONE).state());
        device.closeZone(ZONE);
        assertEquals(ZoneState.EMPTY, zone(device, ZONE).state());
        device.zoneAppend(ZONE, sectors(1, 5));
        device.closeZone(ZONE);
        assertEquals(ZoneState.CLOSED, zone(device, ZONE).state());
        device.finishZone(ZONE);
        assertEquals(ZoneState.FULL, zone(device, ZONE).state());
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> device.zoneAppend(ZONE, sectors(1, 5))));
        device.resetZone(ZONE);
        assertEquals(new ZoneDescriptor(64, 64, 64, ZoneType.SEQUENTIAL_WRITE_REQUIRED, ZoneState.EMPTY), zone(device, ZONE));
        byte[] back = new byte[512];
        driver.readAt(ZONE, back);
        assertArrayEquals(new byte[512], back);
        device.zoneAppend(2 * ZONE, sectors(1, 6));
        device.finishZone(3 * ZONE);
        device.resetAllZones();
        assertTrue(device.reportZones(ZONE, 7).stream().allMatch(z -> z.state() == ZoneState.EMPTY));
    }

    @Test
    void zoneCommandsOnAConventionalZoneAreRefused() {
        ZonedBlockDevice device = zoned(HOST_MANAGED);
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> device.openZone(0)));
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> device.resetZone(0)));
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> device.zoneAppend(0, sectors(1, 1))));
    }

    @Test
    void theOpenAndActiveLimitsAreKept() {
        ZonedBlockDevice device = zoned(HOST_MANAGED);
        device.openZone(ZONE);
        device.openZone(2 * ZONE);
        assertEquals(ErrorKind.ZONE_OPEN_RESOURCE, failure(() -> device.openZone(3 * ZONE)));
        device.zoneAppend(ZONE, sectors(1, 1));
        device.closeZone(ZONE);
        device.openZone(3 * ZONE);
        assertEquals(ErrorKind.ZONE_ACTIVE_RESOURCE, failure(() -> device.openZone(4 * ZONE)));
        assertEquals(ErrorKind.ZONE_ACTIVE_RESOURCE, failure(() -> device.zoneAppend(4 * ZONE, sectors(1, 1))));
        assertEquals(ZoneState.EMPTY, zone(device, 4 * ZONE).state());
    }

    @Test
    void callsTheDriverCanJudgeAreRefusedBeforeTheyAreSent() {
        ZonedBlockDevice device = zoned(HOST_MANAGED);
        assertEquals(ErrorKind.INVALID_ARGUMENT, failure(() -> device.openZone(ZONE + 1)));
        assertEquals(ErrorKind.OUT_OF_RANGE, failure(() -> device.resetZone(8 * ZONE)));
        assertEquals(ErrorKind.INVALID_ARGUMENT, failure(() -> device.zoneAppend(ZONE, sectors(65, 1))));
        assertEquals(ErrorKind.INVALID_ARGUMENT, failure(() -> device.zoneAppend(ZONE, new byte[100])));
        assertEquals(ErrorKind.INVALID_ARGUMENT, failure(() -> device.reportZones(0, 0)));
        ZonedBlockDevice noAppend = zoned(HOST_MANAGED.withLimits(2, 3, 0));
        assertEquals(ErrorKind.UNSUPPORTED, failure(() -> noAppend.zoneAppend(ZONE, sectors(1, 1))));
    }

    @Test
    void anAppendLeavesADataDescriptorForItsAppendSector() {
        FakeRig oneSegment = FakeRig.of(offering(HOST_MANAGED).segMax(1).build());
        ZonedBlockDevice cramped = oneSegment.open(ZONED).zoned().orElseThrow();
        assertEquals(ErrorKind.INVALID_ARGUMENT, failure(() -> cramped.zoneAppend(ZONE, sectors(1, 1))));
        FakeRig twoSegments = FakeRig.of(offering(HOST_MANAGED).segMax(2).build());
        ZonedBlockDevice device = twoSegments.open(ZONED).zoned().orElseThrow();
        assertEquals(ErrorKind.INVALID_ARGUMENT, failure(() -> device.zoneAppend(ZONE, sectors(9, 1))));
        assertEquals(ZONE, device.zoneAppend(ZONE, sectors(8, 1)));
        assertTrue(oneSegment.platform().violations().isEmpty(), oneSegment.platform().violations().toString());
        assertTrue(twoSegments.platform().violations().isEmpty(), twoSegments.platform().violations().toString());
    }

    @ParameterizedTest
    @EnumSource(value = FakeBlkConfig.ZoneLie.class, names = {"WRITE_POINTER_OUTSIDE_ZONE", "EMPTY_ZONE_WITH_DATA",
            "UNDEFINED_STATE"})
    void aReportThatBreaksTheZoneRulesIsAProtocolViolation(FakeBlkConfig.ZoneLie lie) {
        VirtioBlkDevice driver = FakeRig.of(offering(HOST_MANAGED.withLie(lie)).build()).open(ZONED);
        ZonedBlockDevice device = driver.zoned().orElseThrow();
        driver.writeAt(ZONE, sectors(1, 1));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> device.reportZones(ZONE, 1)));
        assertTrue(driver.fatalError().isPresent());
    }

    @Test
    void anAppendAnsweredOutsideItsZoneIsNotASuccess() {
        VirtioBlkDevice driver = FakeRig.of(offering(HOST_MANAGED.withLie(FakeBlkConfig.ZoneLie.APPEND_OUTSIDE_ZONE))
                .build()).open(ZONED);
        BlockDeviceException error = assertThrows(BlockDeviceException.class,
                () -> driver.zoned().orElseThrow().zoneAppend(ZONE, sectors(1, 1)));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, error.kind());
        assertEquals(RequestType.ZONE_APPEND, error.requestType());
    }

    /** A rig whose device answers every request of raw type {@code type} as {@code outcome} says, the rest normally. */
    private static FakeRig answering(FakeBlkConfig.Zoned zoned, int type, RequestOutcome outcome) {
        return FakeRig.of(offering(zoned).requestHook(request -> request.type() == type ? outcome
                : RequestOutcome.normal()).build());
    }

    @Test
    void aZoneStatusIsAZoneErrorOnlyWhenZonedWasNegotiated() {
        RequestOutcome invalid = RequestOutcome.status(VirtioBlk.S_ZONE_INVALID_CMD);
        VirtioBlkDevice zonedDriver = answering(HOST_MANAGED, VirtioBlk.T_IN, invalid).open(ZONED);
        assertEquals(ErrorKind.ZONE_INVALID_COMMAND, failure(() -> zonedDriver.readAt(0, new byte[512])));
        assertTrue(zonedDriver.fatalError().isEmpty());
        VirtioBlkDevice plain = answering(FakeBlkConfig.Zoned.hostAware(64), VirtioBlk.T_IN, invalid).open();
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> plain.readAt(0, new byte[512])));
    }

    /** What the driver makes of {@code report} written by the device as its answer to a report of {@code maxZones} from {@code sector}. */
    private static List<ZoneDescriptor> reported(byte[] report, long sector, int maxZones) {
        VirtioBlkDevice driver = answering(HOST_MANAGED, VirtioBlk.T_ZONE_REPORT, RequestOutcome.data(report)).open(ZONED);
        return driver.zoned().orElseThrow().reportZones(sector, maxZones);
    }

    private static ZoneDescriptor sequential(long start, long capacity, long writePointer, ZoneState state) {
        return new ZoneDescriptor(start, capacity, writePointer, ZoneType.SEQUENTIAL_WRITE_REQUIRED, state);
    }

    @Test
    void aReportWhoseZonesKeepTheRulesIsBelieved() {
        List<ZoneDescriptor> zones = List.of(sequential(ZONE, 48, ZONE + 20, ZoneState.CLOSED),
                sequential(2 * ZONE, ZONE, 2 * ZONE, ZoneState.EMPTY));
        assertEquals(zones, reported(ZoneFormat.report(zones), ZONE + 5, 2));
        List<ZoneDescriptor> last = List.of(sequential(7 * ZONE, ZONE, 8 * ZONE, ZoneState.FULL));
        assertEquals(last, reported(ZoneFormat.report(last), 8 * ZONE - 1, 4));
    }

    @Test
    void aReportWhoseZonesDoNotFollowFromTheSectorIsAProtocolViolation() {
        ZoneDescriptor second = sequential(2 * ZONE, ZONE, 2 * ZONE, ZoneState.EMPTY);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(List.of(second)), ZONE + 5, 1)));
        ZoneDescriptor first = sequential(ZONE, ZONE, ZONE, ZoneState.EMPTY);
        ZoneDescriptor third = sequential(3 * ZONE, ZONE, 3 * ZONE, ZoneState.EMPTY);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(List.of(first, third)), ZONE, 2)));
    }

    @Test
    void aReportOfAZonePastTheCapacityIsAProtocolViolation() {
        List<ZoneDescriptor> pastTheEnd = List.of(sequential(7 * ZONE, ZONE, 7 * ZONE, ZoneState.EMPTY),
                sequential(8 * ZONE, 0, 8 * ZONE, ZoneState.OFFLINE));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(pastTheEnd), 7 * ZONE, 2)));
    }

    @Test
    void aReportOfMoreZonesThanTheBufferHoldsIsAProtocolViolation() {
        byte[] report = ZoneFormat.report(List.of(sequential(ZONE, ZONE, ZONE, ZoneState.EMPTY)));
        LittleEndian.put(report, 0, 8, 2);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(report, ZONE, 1)));
        LittleEndian.put(report, 0, 8, -1);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(report, ZONE, 1)));
    }

    @Test
    void aZoneLargerThanTheZoneSizeIsAProtocolViolation() {
        ZoneDescriptor oversized = sequential(ZONE, ZONE + 1, ZONE, ZoneState.EMPTY);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(List.of(oversized)), ZONE, 1)));
    }

    @Test
    void aTypeAndStateThatDoNotGoTogetherAreAProtocolViolation() {
        ZoneDescriptor conventionalWithWritePointer = new ZoneDescriptor(0, ZONE, 0, ZoneType.CONVENTIONAL, ZoneState.EMPTY);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION,
                failure(() -> reported(ZoneFormat.report(List.of(conventionalWithWritePointer)), 0, 1)));
        ZoneDescriptor sequentialWithout = sequential(ZONE, ZONE, ZONE, ZoneState.NOT_WRITE_POINTER);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(List.of(sequentialWithout)),
                ZONE, 1)));
    }

    @Test
    void aWritePointerPastTheZoneCapacityIsAProtocolViolation() {
        ZoneDescriptor beyondCapacity = sequential(ZONE, 48, ZONE + 49, ZoneState.IMPLICITLY_OPEN);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(List.of(beyondCapacity)),
                ZONE, 1)));
        ZoneDescriptor beforeStart = sequential(ZONE, ZONE, ZONE - 1, ZoneState.CLOSED);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(List.of(beforeStart)), ZONE, 1)));
    }

    /** What the driver makes of a zone append of {@code sectors} answered with append_sector {@code answered}. */
    private static long appendAnswered(long zoneStart, int sectors, long answered) {
        byte[] appendSector = new byte[8];
        LittleEndian.put(appendSector, 0, 8, answered);
        VirtioBlkDevice driver = answering(HOST_MANAGED, VirtioBlk.T_ZONE_APPEND, RequestOutcome.data(appendSector))
                .open(ZONED);
        return driver.zoned().orElseThrow().zoneAppend(zoneStart, sectors(sectors, 1));
    }

    @Test
    void anAppendAnsweredAnywhereItsDataFitsInTheZoneIsBelieved() {
        assertEquals(ZONE, appendAnswered(ZONE, 4, ZONE));
        assertEquals(2 * ZONE - 4, appendAnswered(ZONE, 4, 2 * ZONE - 4));
    }

    @Test
    void anAppendAnsweredBeforeItsZoneOrTooNearItsEndIsNotASuccess() {
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> appendAnswered(ZONE, 4, ZONE - 1)));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> appendAnswered(ZONE, 4, 2 * ZONE - 3)));
    }

    @Test
    void anAppendWhoseSectorWasNotWrittenIsNotASuccess() {
        VirtioBlkDevice driver = answering(HOST_MANAGED, VirtioBlk.T_ZONE_APPEND, RequestOutcome.normal().withUsedLen(1))
                .open(ZONED);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> driver.zoned().orElseThrow().zoneAppend(ZONE,
                sectors(1, 1))));
    }

    @Test
    void aReportShorterThanItsHeaderIsNotASuccess() {
        VirtioBlkDevice driver = answering(HOST_MANAGED, VirtioBlk.T_ZONE_REPORT, RequestOutcome.normal().withUsedLen(9))
                .open(ZONED);
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> driver.zoned().orElseThrow().reportZones(0, 4)));
    }

    @Test
    void aDeviceThatIsNotZonedHasNoZoneCommands() {
        VirtioBlkDevice driver = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(512)).build()).open(ZONED);
        assertTrue(driver.zoned().isEmpty());
        assertTrue(driver.info().zoned().isEmpty());
    }

    @Test
    void anAppendMustBeAWholeMultipleOfTheWriteGranularityAndAGranularityOf0TakesAnySectors() {
        ZonedBlockDevice coarse = zoned(new FakeBlkConfig.Zoned(1, ZONE, 2, 3, ZONE, 4096, 1, FakeBlkConfig.ZoneLie.NONE));
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> coarse.zoneAppend(ZONE, sectors(1, 1)));
        assertEquals(ErrorKind.INVALID_ARGUMENT, error.kind());
        assertTrue(error.getMessage().contains("is not a multiple of the write granularity, 4096 bytes"), error.getMessage());
        assertEquals(ZONE, coarse.zoneAppend(ZONE, sectors(8, 1)));

        ZonedBlockDevice any = zoned(new FakeBlkConfig.Zoned(1, ZONE, 2, 3, ZONE, 0, 1, FakeBlkConfig.ZoneLie.NONE));
        assertEquals(ZONE, any.zoneAppend(ZONE, sectors(1, 1)));
        assertEquals(ZONE + 1, any.zoneAppend(ZONE, sectors(3, 1)));
    }

    @Test
    void aReportAsksForNoMoreZonesThanOneRequestCarries() {
        FakeBlkConfig.Zoned small = new FakeBlkConfig.Zoned(2, 8, 0, 0, 8, 512, 0, FakeBlkConfig.ZoneLie.NONE);
        VirtioBlkDevice driver = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(8192)).zoned(small)
                .segMax(1).sizeMax(4096).build()).open(ZONED);
        int fit = (driver.maxTransferBytes() - 64) / 64;
        assertTrue(fit < 1024, "the transfer limit, not the disk, bounds the report: " + fit);

        List<ZoneDescriptor> zones = driver.zoned().orElseThrow().reportZones(0, 1024);

        assertEquals(fit, zones.size());
        assertEquals(8L * (fit - 1), zones.get(fit - 1).start());
    }

    @Test
    void theLargestAppendLeavesASectorOfOneRequestForTheAppendSector() {
        FakeBlkConfig.Zoned large = new FakeBlkConfig.Zoned(1, 512, 2, 3, 512, 512, 1, FakeBlkConfig.ZoneLie.NONE);
        VirtioBlkDevice driver = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(2048)).zoned(large).segMax(64).build())
                .open(ZONED);
        int most = (driver.maxTransferBytes() - 512) / 512;
        assertTrue(most < 63 * 8, "one request's transfer limit binds, not its 63 data descriptors of a page: " + most);
        ZonedBlockDevice device = driver.zoned().orElseThrow();

        assertEquals(512, device.zoneAppend(512, sectors(most, 1)));
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.zoneAppend(1024, sectors(most + 1, 1)));
        assertTrue(error.getMessage().contains("carries " + (most + 1) + " sectors; at most " + most + " fit"), error.getMessage());
    }

    @Test
    void answersAtTheLimitsOfTheRulesAreBelieved() {
        assertEquals(List.of(), reported(ZoneFormat.report(List.of()), ZONE, 2), "a report of no zones");
        List<ZoneDescriptor> offline = List.of(sequential(ZONE, 0, ZONE, ZoneState.OFFLINE));
        assertEquals(offline, reported(ZoneFormat.report(offline), ZONE, 1), "a zone of no capacity");
        List<ZoneDescriptor> atTheEnd = List.of(sequential(ZONE, 48, ZONE + 48, ZoneState.CLOSED));
        assertEquals(atTheEnd, reported(ZoneFormat.report(atTheEnd), ZONE, 1), "a write pointer at the end of the capacity");
        List<ZoneDescriptor> pastTheEnd = List.of(sequential(ZONE, 48, ZONE + 49, ZoneState.CLOSED));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, failure(() -> reported(ZoneFormat.report(pastTheEnd), ZONE, 1)));
    }

    @Test
    void theLastZoneOfACapacityThatIsNoWholeNumberOfZonesIsShorter() {
        VirtioBlkDevice driver = FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(8 * 64 + 32)).zoned(HOST_MANAGED)
                .requestHook(request -> request.type() == VirtioBlk.T_ZONE_REPORT && request.sector() >= 8 * ZONE
                        ? RequestOutcome.data(ZoneFormat.report(List.of(sequential(8 * ZONE, request.sector() == 8 * ZONE ? 32 : 33,
                                8 * ZONE, ZoneState.EMPTY))))
                        : RequestOutcome.normal()).build()).open(ZONED);
        ZonedBlockDevice device = driver.zoned().orElseThrow();

        assertEquals(List.of(sequential(8 * ZONE, 32, 8 * ZONE, ZoneState.EMPTY)), device.reportZones(8 * ZONE, 1));
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.reportZones(8 * ZONE + 1, 1));
        assertTrue(error.getMessage().contains("has a capacity of 33 sectors in a zone of 32"), error.getMessage());
    }

    @Test
    void anAppendAnsweredWithoutItsAppendSectorIsAProtocolViolation() {
        ZonedBlockDevice device = answering(HOST_MANAGED, VirtioBlk.T_ZONE_APPEND, RequestOutcome.status(VirtioBlk.S_OK))
                .open(ZONED).zoned().orElseThrow();

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.zoneAppend(ZONE, sectors(1, 1)));

        assertEquals(ErrorKind.PROTOCOL_VIOLATION, error.kind());
        assertTrue(error.getMessage().contains("the device reported success but wrote 1 bytes; 9 bytes expected"), error.getMessage());
    }
}
