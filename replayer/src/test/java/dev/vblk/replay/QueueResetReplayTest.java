package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording whose driver accepted VIRTIO_F_RING_RESET and reset a stalled queue by itself replays
 * strictly: the option travels in the trace's board metadata, and without it the replay diverges at
 * the feature word. A queue reset made by hand is an operation of its own (QUEUE_RESET), issued again
 * by strict replay and, its register traffic and the fresh ring's requests followed, by relaxed replay.
 */
class QueueResetReplayTest {

    @TempDir
    Path dir;

    @Test
    void aRecordingWithAQueueResetReplaysStrictlyWithTheOptionFromTheTrace() {
        DriverOptions options = FakeTraces.OPTIONS.withMaxQueues(2).withRingReset(true);
        Path file = FakeTraces.record(dir.resolve("reset.trace.avro"), FakeBlkConfig.builder().numQueues(2)
                .idString("reset-test").build(), faults -> faults.stalledQueue(1), options, session -> {
                    String healthy = DriverSession.queueName(FakeTraces.DEVICE, 0);
                    String stalled = DriverSession.queueName(FakeTraces.DEVICE, 1);
                    session.perform(BlockOperation.write(healthy, 0, FakeTraces.pattern(4096, 1)));
                    assertEquals(ErrorKind.TIMEOUT, assertThrows(BlockDeviceException.class,
                            () -> session.perform(BlockOperation.read(stalled, 8, 8))).kind());
                    session.perform(BlockOperation.read(healthy, 0, 8));
                });
        assertEquals("true", FakeTraces.read(file).metadata().board().get("driver.ringReset"));

        ReplayResult strict = Replayer.strict(file);

        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult without = Replayer.strict(file, ReplayOptions.DEFAULTS.withDriverOptions(options.withRingReset(false)));
        assertEquals(ReplayResult.Status.DIVERGED, without.status(), "the option changes the calls the driver makes");
    }

    @Test
    void aQueueResetByHandIsRecordedAndReplaysStrictlyAndRelaxed() {
        DriverOptions options = FakeTraces.OPTIONS.withMaxQueues(2).withRingReset(true);
        String first = DriverSession.queueName(FakeTraces.DEVICE, 0);
        String second = DriverSession.queueName(FakeTraces.DEVICE, 1);
        Path file = FakeTraces.record(dir.resolve("by-hand.trace.avro"), FakeBlkConfig.builder().numQueues(2)
                .idString("reset-test").build(), options, List.of(
                        BlockOperation.write(second, 16, FakeTraces.pattern(4096, 2)),
                        BlockOperation.read(second, 16, 8),
                        BlockOperation.simple(OperationKind.QUEUE_RESET, second),
                        BlockOperation.read(second, 16, 8),
                        BlockOperation.write(second, 32, FakeTraces.pattern(1024, 3)),
                        BlockOperation.read(second, 32, 2),
                        BlockOperation.simple(OperationKind.QUEUE_RESET, first),
                        BlockOperation.read(first, 16, 8)));
        Trace trace = FakeTraces.read(file);
        List<TraceEvent.OperationBegin> resets = trace.events().stream().filter(TraceEvent.OperationBegin.class::isInstance)
                .map(TraceEvent.OperationBegin.class::cast).filter(begin -> begin.kind() == OperationKind.QUEUE_RESET).toList();
        assertEquals(List.of(second, first), resets.stream().map(TraceEvent.OperationBegin::device).toList());
        assertEquals(List.of(), failures(trace), "every call succeeded, the reads after the resets too");
        long queueReset = MmioWindow.QEMU_VIRT.slot(31).baseAddress() + MmioRegister.QUEUE_RESET.offset();
        assertEquals(2, trace.events().stream().filter(event -> event instanceof TraceEvent.RegisterWrite write
                && write.address() == queueReset && write.value() == 1).count(), "QueueReset written 1 for each reset");

        ReplayResult strict = Replayer.strict(file);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult relaxed = Replayer.relaxed(file);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    @Test
    void aQueueResetWithoutRingResetIsUnsupportedAndReplays() {
        Path file = FakeTraces.record(dir.resolve("unsupported.trace.avro"), FakeBlkConfig.builder().idString("reset-test")
                .build(), FakeTraces.OPTIONS, List.of(BlockOperation.simple(OperationKind.QUEUE_RESET, FakeTraces.DEVICE),
                        BlockOperation.read(FakeTraces.DEVICE, 0, 1)));
        Trace trace = FakeTraces.read(file);
        assertEquals(List.of(ErrorKind.UNSUPPORTED.name()), failures(trace));

        ReplayResult strict = Replayer.strict(file);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult relaxed = Replayer.relaxed(file);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    @Test
    void theGoldenRecordingOnQemusPciFunctionResetsQueueZeroAndReplaysStrictAndRelaxed() {
        Path golden = TraceRegressionTest.repositoryRoot().resolve("traces/pci-queue-reset.trace.avro");
        Trace trace = FakeTraces.read(golden);
        assertEquals("true", trace.metadata().board().get("driver.ringReset"));
        assertEquals("true", trace.metadata().board().get("driver.topology"));
        List<TraceEvent.OperationBegin> begins = trace.events().stream().filter(TraceEvent.OperationBegin.class::isInstance)
                .map(TraceEvent.OperationBegin.class::cast).toList();
        int reset = begins.stream().map(TraceEvent.OperationBegin::kind).toList().indexOf(OperationKind.QUEUE_RESET);
        assertEquals("virtio-blk@pci:00:01.0", begins.get(reset).device());
        assertTrue(begins.subList(reset + 1, begins.size()).stream().anyMatch(begin -> begin.kind() == OperationKind.READ)
                && begins.subList(reset + 1, begins.size()).stream().anyMatch(begin -> begin.kind() == OperationKind.WRITE),
                "reads and writes on the reset queue after the reset");
        assertEquals(List.of(), failures(trace));

        ReplayResult strict = Replayer.strict(golden);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult relaxed = Replayer.relaxed(golden);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    private static List<String> failures(Trace trace) {
        return trace.events().stream().filter(TraceEvent.OperationEnd.class::isInstance)
                .map(event -> ((TraceEvent.OperationEnd) event).outcome())
                .filter(OperationOutcome.Failed.class::isInstance)
                .map(outcome -> ((OperationOutcome.Failed) outcome).errorKind()).toList();
    }
}
