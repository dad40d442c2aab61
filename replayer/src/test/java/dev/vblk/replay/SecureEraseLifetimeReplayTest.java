package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.session.BlockOperation;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormat;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VirtIO 1.2's secure erase and lifetime report in replay: the golden recording made with
 * {@code record --fake --secure-erase --lifetime} is format 5, stores both choices and replays strictly
 * and relaxed (its operations re-issued on a trace-driven device); a driver not allowed the features
 * diverges from it; a recording with a lifetime holding reserved values replays the values as they were.
 */
class SecureEraseLifetimeReplayTest {

    @TempDir
    Path dir;

    private static final Path GOLDEN = TraceRegressionTest.repositoryRoot()
            .resolve("traces/fake/secure-erase-lifetime.trace.avro");

    @Test
    void theGoldenRecordingIsFormatFiveWithBothKindsAndReplaysStrictAndRelaxed() {
        Trace trace = FakeTraces.read(GOLDEN);
        assertEquals(TraceFormat.FORMAT_VERSION, trace.metadata().formatVersion());
        assertEquals("true", trace.metadata().board().get("driver.secureErase"));
        assertEquals("true", trace.metadata().board().get("driver.lifetime"));
        Map<OperationKind, Long> kinds = trace.events().stream()
                .filter(TraceEvent.OperationBegin.class::isInstance).map(e -> ((TraceEvent.OperationBegin) e).kind())
                .collect(Collectors.groupingBy(k -> k, Collectors.counting()));
        assertEquals(3L, kinds.get(OperationKind.SECURE_ERASE), kinds.toString());
        assertEquals(2L, kinds.get(OperationKind.GET_LIFETIME), kinds.toString());

        ReplayResult strict = Replayer.strict(GOLDEN);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult relaxed = Replayer.relaxed(GOLDEN);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    @Test
    void aDriverNotAllowedTheFeaturesDivergesFromTheGoldenRecording() {
        ReplayResult refused = Replayer.strict(GOLDEN, ReplayOptions.DEFAULTS.withDriverOptions(DriverOptions.DEFAULTS));
        assertEquals(ReplayResult.Status.DIVERGED, refused.status(), refused.render());
    }

    @Test
    void aReservedLifetimeIsRecordedAndReplayedAsTheDeviceGaveIt() {
        FakeBlkConfig config = FakeBlkConfig.builder().offerSecureErase(true).offerLifetime(true)
                .lifetime(new FakeBlkConfig.Lifetime(9, 12, 0xffff)).build();
        Path file = FakeTraces.record(dir.resolve("reserved.trace.avro"), config,
                FakeTraces.OPTIONS.withSecureErase(true).withLifetime(true), List.of(
                        BlockOperation.simple(OperationKind.GET_LIFETIME, FakeTraces.DEVICE),
                        BlockOperation.range(OperationKind.SECURE_ERASE, FakeTraces.DEVICE, 8, 16)));
        List<TraceEvent> events = FakeTraces.read(file).events();
        assertTrue(events.contains(new TraceEvent.OperationEnd(2,
                OperationOutcome.Succeeded.ofData(new byte[] {9, 0, 12, 0, (byte) 0xff, (byte) 0xff}))), events.toString());
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(file).status(), Replayer.strict(file).render());
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.relaxed(file).status(), Replayer.relaxed(file).render());
    }
}
