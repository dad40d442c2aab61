package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.session.BlockOperation;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VirtIO 1.2's zone commands in recording and replay: a host-managed fake device's zone commands are
 * recorded as operations of their own under the board key {@code driver.zoned}, an append's outcome
 * the sector the device wrote, and a strict replay issues them again; request reconstruction decodes
 * the zone requests, so a relaxed replay answers them from the trace on a device with the recorded
 * zoned characteristics, as the golden recording {@code traces/fake/zoned.trace.avro} shows; a driver
 * not allowed ZONED diverges.
 */
class ZonedReplayTest {

    private static final long ZONE = 64;
    private static final Path GOLDEN = TraceRegressionTest.repositoryRoot().resolve("traces/fake/zoned.trace.avro");

    @TempDir
    Path dir;

    private Path recorded() {
        FakeBlkConfig config = FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(8 * ZONE))
                .zoned(FakeBlkConfig.Zoned.hostManaged(ZONE)).build();
        byte[] data = new byte[4 * 512];
        Arrays.fill(data, (byte) 0x5a);
        return FakeTraces.record(dir.resolve("zoned.trace.avro"), config, FakeTraces.OPTIONS.withZoned(true), List.of(
                BlockOperation.zoneReport(FakeTraces.DEVICE, 0, 8),
                BlockOperation.zone(OperationKind.ZONE_OPEN, FakeTraces.DEVICE, ZONE),
                BlockOperation.zoneAppend(FakeTraces.DEVICE, ZONE, data),
                BlockOperation.zoneAppend(FakeTraces.DEVICE, ZONE, data),
                BlockOperation.zone(OperationKind.ZONE_CLOSE, FakeTraces.DEVICE, ZONE),
                BlockOperation.zone(OperationKind.ZONE_FINISH, FakeTraces.DEVICE, 2 * ZONE),
                BlockOperation.zone(OperationKind.ZONE_RESET, FakeTraces.DEVICE, ZONE),
                BlockOperation.simple(OperationKind.ZONE_RESET_ALL, FakeTraces.DEVICE),
                BlockOperation.zoneReport(FakeTraces.DEVICE, ZONE, 2)));
    }

    @Test
    void zoneCommandsAreRecordedAsTheirKindsAndReplayStrictly() {
        Path file = recorded();
        Trace trace = FakeTraces.read(file);
        assertEquals("true", trace.metadata().board().get("driver.zoned"));
        List<OperationKind> kinds = trace.events().stream().filter(TraceEvent.OperationBegin.class::isInstance)
                .map(e -> ((TraceEvent.OperationBegin) e).kind()).filter(OperationKind::zoneCommand).toList();
        assertEquals(List.of(OperationKind.ZONE_REPORT, OperationKind.ZONE_OPEN, OperationKind.ZONE_APPEND,
                OperationKind.ZONE_APPEND, OperationKind.ZONE_CLOSE, OperationKind.ZONE_FINISH, OperationKind.ZONE_RESET,
                OperationKind.ZONE_RESET_ALL, OperationKind.ZONE_REPORT), kinds);
        List<TraceEvent> events = trace.events();
        assertTrue(events.contains(new TraceEvent.OperationEnd(5,
                OperationOutcome.Succeeded.ofData(new byte[] {(byte) (ZONE + 4), 0, 0, 0, 0, 0, 0, 0}))),
                "the second append's outcome is the sector it wrote, after the first's four: " + events);
        ReplayResult strict = Replayer.strict(file);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
    }

    @Test
    void theGoldenRecordingHoldsEveryZoneCommandAndReplaysStrictAndRelaxed() {
        Trace trace = FakeTraces.read(GOLDEN);
        assertEquals("true", trace.metadata().board().get("driver.zoned"));
        Set<OperationKind> kinds = trace.events().stream().filter(TraceEvent.OperationBegin.class::isInstance)
                .map(e -> ((TraceEvent.OperationBegin) e).kind()).collect(Collectors.toSet());
        assertTrue(kinds.containsAll(Arrays.stream(OperationKind.values()).filter(OperationKind::zoneCommand).toList()), kinds::toString);
        ReplayResult strict = Replayer.strict(GOLDEN);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult relaxed = Replayer.relaxed(GOLDEN);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    @Test
    void aDriverNotAllowedZonedDivergesFromAZonedRecording() {
        Path file = recorded();
        ReplayResult refused = Replayer.strict(file, ReplayOptions.DEFAULTS.withDriverOptions(DriverOptions.DEFAULTS));
        assertEquals(ReplayResult.Status.DIVERGED, refused.status(), refused.render());
        ReplayResult relaxed = Replayer.relaxed(file, ReplayOptions.DEFAULTS.withDriverOptions(DriverOptions.DEFAULTS));
        assertEquals(ReplayResult.Status.DIVERGED, relaxed.status(), relaxed.render());
    }

    @Test
    void reconstructionDecodesTheZoneRequestsAndWhatTheDeviceAnswered() {
        Trace trace = FakeTraces.read(recorded());
        List<ReconstructedRequest> zone = RequestReconstructor.reconstruct(trace.events(), MmioWindow.QEMU_VIRT).stream()
                .filter(r -> r.requestType().map(type -> type.name().startsWith("ZONE_")).orElse(false)).toList();
        assertEquals(List.of("zone-report sector 0", "zone-open sector " + ZONE, "zone-append sector " + ZONE + ", 4 sector(s)",
                "zone-append sector " + ZONE + ", 4 sector(s)", "zone-close sector " + ZONE, "zone-finish sector " + 2 * ZONE,
                "zone-reset sector " + ZONE, "zone-reset-all", "zone-report sector " + ZONE),
                zone.stream().map(ReconstructedRequest::describeRequest).toList());
        ReconstructedRequest secondAppend = zone.get(3);
        assertEquals(4 * 512, secondAppend.writeData().length);
        assertEquals((byte) 0x5a, secondAppend.writeData()[0]);
        assertArrayEquals(new byte[] {(byte) (ZONE + 4), 0, 0, 0, 0, 0, 0, 0},
                ((ReconstructedRequest.Answered) secondAppend.completion()).data().orElseThrow(), "the append_sector answered");
        byte[] report = ((ReconstructedRequest.Answered) zone.get(0).completion()).data().orElseThrow();
        assertEquals(8, report[0], "the first report's nr_zones");
    }

    @Test
    void zoneCommandsReplayRelaxedOnADeviceWithTheRecordedCharacteristics() {
        Path file = recorded();
        try (TraceDrivenMachine machine = TraceDrivenMachine.fromTrace(FakeTraces.read(file).events(), MmioWindow.QEMU_VIRT)) {
            FakeBlkConfig.Zoned recorded = FakeBlkConfig.Zoned.hostManaged(ZONE);
            FakeBlkConfig.Zoned rebuilt = machine.devices().get(MmioWindow.QEMU_VIRT.slotCount() - 1).config().zoned();
            assertEquals(List.of((long) recorded.model(), recorded.zoneSectors(), recorded.maxOpenZones(), recorded.maxActiveZones(),
                    recorded.maxAppendSectors(), recorded.writeGranularity()), List.of((long) rebuilt.model(), rebuilt.zoneSectors(),
                    rebuilt.maxOpenZones(), rebuilt.maxActiveZones(), rebuilt.maxAppendSectors(), rebuilt.writeGranularity()));
        }
        ReplayResult relaxed = Replayer.relaxed(file);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }
}
