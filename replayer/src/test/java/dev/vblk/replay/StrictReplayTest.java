package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.MmioRegister;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictReplayTest {

    @TempDir
    Path dir;

    private Path mixedTrace(RequestHook hook) {
        return FakeTraces.record(dir.resolve("mixed.trace.avro"), hook, FakeTraces.mixedWorkload());
    }

    @Test
    void reproducesAFakeRecordingConsumingEveryEvent() {
        Path file = mixedTrace(RequestHook.NORMAL);
        Trace trace = FakeTraces.read(file);

        ReplayResult result = Replayer.strict(file);

        assertEquals(ReplayResult.Status.REPRODUCED, result.status(), result.render());
        assertEquals(trace.events().size(), result.eventsReplayed());
        assertEquals(FakeTraces.mixedWorkload().size() + 1, result.operationsCompared());
        assertEquals(result.operationsInTrace(), result.operationsCompared());
        assertFalse(result.truncated());
    }

    @Test
    void readingTheTraceOnTheReplaysOwnThreadReproducesTheSame() {
        Path file = mixedTrace(RequestHook.NORMAL.at(3, RequestOutcome.status(1)));

        ReplayResult ahead = Replayer.strict(file);
        ReplayResult own = Replayer.strict(file, ReplayOptions.DEFAULTS.withoutReadAhead());

        assertEquals(ReplayResult.Status.REPRODUCED, own.status(), own.render());
        assertEquals(ahead.render(), own.render());
        assertEquals(ahead.eventsReplayed(), own.eventsReplayed());
    }

    @Test
    void reproducesARecordedIoErrorAndTheFailuresAfterIt() {
        Path file = mixedTrace(RequestHook.NORMAL.at(3, RequestOutcome.status(1)));
        long failures = FakeTraces.read(file).events().stream()
                .filter(e -> e instanceof TraceEvent.OperationEnd end && end.outcome() instanceof OperationOutcome.Failed failed
                        && failed.errorKind().equals("IO_ERROR"))
                .count();
        assertEquals(1, failures, "the recording holds the injected I/O error");

        ReplayResult result = Replayer.strict(file);

        assertEquals(ReplayResult.Status.REPRODUCED, result.status(), result.render());
    }

    @Test
    void reproducesATimeoutADeviceThatNeedsAResetAndTheResetAfterIt() {
        Path timeout = FakeTraces.record(dir.resolve("timeout.trace.avro"),
                RequestHook.NORMAL.at(1, RequestOutcome.never()), FakeTraces.mixedWorkload());
        Path broken = FakeTraces.record(dir.resolve("broken.trace.avro"),
                RequestHook.NORMAL.at(2, RequestOutcome.needsReset()), FakeTraces.mixedWorkload());

        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(timeout).status(), Replayer.strict(timeout).render());
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(broken).status(), Replayer.strict(broken).render());
        assertTrue(outcomes(timeout).contains("TIMEOUT"));
        assertTrue(outcomes(broken).contains("DEVICE_NEEDS_RESET"));
    }

    private static List<String> outcomes(Path file) {
        List<String> kinds = new ArrayList<>();
        for (TraceEvent event : FakeTraces.read(file).events()) {
            if (event instanceof TraceEvent.OperationEnd end && end.outcome() instanceof OperationOutcome.Failed failed) {
                kinds.add(failed.errorKind());
            }
        }
        return kinds;
    }

    /** A driver that forgets FEATURES_OK when it sets the status bits. */
    static Platform droppingFeaturesOk(Platform platform) {
        return new ForwardingPlatform(platform) {
            @Override
            public void writeRegister(long address, AccessWidth width, long value) {
                boolean status = (address - 0x0a00_0000L) % 0x200 == MmioRegister.STATUS.offset();
                super.writeRegister(address, width, status ? value & ~DeviceStatus.FEATURES_OK : value);
            }
        };
    }

    @Test
    void reportsADriverChangeAtTheEventWithDecodedRegistersAndContext() {
        Path file = mixedTrace(RequestHook.NORMAL);
        List<TraceEvent> events = FakeTraces.read(file).events();
        int firstFeaturesOk = -1;
        for (int i = 0; i < events.size() && firstFeaturesOk < 0; i++) {
            if (events.get(i) instanceof TraceEvent.RegisterWrite write
                    && write.address() == 0x0a00_3e00L + MmioRegister.STATUS.offset()
                    && (write.value() & DeviceStatus.FEATURES_OK) != 0) {
                firstFeaturesOk = i;
            }
        }

        ReplayResult result = Replayer.strict(file, ReplayOptions.DEFAULTS.withDriverView(StrictReplayTest::droppingFeaturesOk));

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        DivergenceReport report = result.divergence().orElseThrow();
        assertEquals(OptionalLong.of(firstFeaturesOk), report.eventIndex());
        assertEquals("event " + firstFeaturesOk + ": Status: driver wrote ACKNOWLEDGE|DRIVER, trace has "
                + "ACKNOWLEDGE|DRIVER|FEATURES_OK", report.headline());
        assertTrue(report.operation().startsWith("operation 1: discovery"), report.operation());
        assertEquals(ReplayPlatform.CONTEXT_EVENTS, report.context().size());
        assertTrue(report.context().stream().anyMatch(line -> line.contains("DriverFeatures (slot 31)")
                && line.contains("VERSION_1")), String.join("\n", report.context()));
        assertEquals(file.toString(), report.trace());
        String text = report.render();
        assertTrue(text.contains("Replay diverged (strict) in " + file), text);
        assertTrue(text.contains("write Status (slot 31) <- ACKNOWLEDGE|DRIVER|FEATURES_OK"), text);
        assertTrue(text.contains("write Status (slot 31) <- ACKNOWLEDGE|DRIVER\n"), text);
    }

    /**
     * A driver whose first call of one kind ({@code readRegister}, {@code readMemory},
     * {@code writeMemory}, {@code allocateFrames}, {@code freeFrames}, {@code awaitInterrupt}) differs
     * from the recording in one argument, or ({@code sameBytesShifted}) writes the recorded bytes
     * from further into a larger array.
     */
    private static ReplayOptions changingFirst(String kind) {
        return ReplayOptions.DEFAULTS.withDriverView(platform -> new ForwardingPlatform(platform) {
            private boolean changed;

            private boolean first(String call) {
                boolean change = !changed && call.equals(kind);
                changed |= change;
                return change;
            }

            @Override
            public long readRegister(long address, AccessWidth width) {
                return super.readRegister(first("readRegister") ? address + 4 : address, width);
            }

            @Override
            public void readMemory(long address, byte[] destination, int offset, int length) {
                super.readMemory(address, destination, offset, first("readMemory") ? length - 1 : length);
            }

            @Override
            public void writeMemory(long address, byte[] source, int offset, int length) {
                boolean differ = first("writeMemory");
                if (!differ && !first("sameBytesShifted")) {
                    super.writeMemory(address, source, offset, length);
                    return;
                }
                byte[] shifted = new byte[length + 5];
                System.arraycopy(source, offset, shifted, 3, length);
                if (differ) {
                    shifted[3 + length - 1] ^= 1;
                }
                super.writeMemory(address, shifted, 3, length);
            }

            @Override
            public OptionalLong allocateFrames(int frameCount, long alignment) {
                return super.allocateFrames(first("allocateFrames") ? frameCount + 1 : frameCount, alignment);
            }

            @Override
            public void freeFrames(long address, int frameCount) {
                super.freeFrames(first("freeFrames") ? address + 4096 : address, frameCount);
            }

            @Override
            public boolean awaitInterrupt(int line, long timeoutNanos) {
                return super.awaitInterrupt(line, first("awaitInterrupt") ? timeoutNanos + 1 : timeoutNanos);
            }
        });
    }

    @ParameterizedTest
    @CsvSource({"readRegister, RegisterRead", "readMemory, MemoryRead", "writeMemory, MemoryWrite",
        "allocateFrames, FrameAllocation", "freeFrames, FrameFree", "awaitInterrupt, InterruptWait"})
    void aCallThatDiffersInOneArgumentDivergesAtItsEvent(String call, String event) {
        Path file = mixedTrace(RequestHook.NORMAL);
        List<TraceEvent> events = FakeTraces.read(file).events();
        int first = 0;
        while (!events.get(first).getClass().getSimpleName().equals(event)) {
            first++;
        }

        ReplayResult result = Replayer.strict(file, changingFirst(call));

        assertEquals(ReplayResult.Status.DIVERGED, result.status(), result.render());
        assertEquals(OptionalLong.of(first), result.divergence().orElseThrow().eventIndex(), result.render());
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(file, changingFirst("sameBytesShifted")).status());
    }

    @Test
    void aDriverThatStopsEarlyLeavesEventsUnconsumedAndDiverges() {
        Path file = mixedTrace(RequestHook.NORMAL);
        Trace trace = FakeTraces.read(file);
        List<TraceEvent> longer = new ArrayList<>(trace.events());
        longer.add(new TraceEvent.ClockRead(5));

        ReplayResult result = Replayer.strict(new Trace(trace.metadata(), longer, true), "longer", ReplayOptions.DEFAULTS);

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        DivergenceReport report = result.divergence().orElseThrow();
        assertEquals(OptionalLong.of(trace.events().size()), report.eventIndex());
        assertTrue(report.headline().contains("1 trace event(s) left"), report.headline());
        assertTrue(report.headline().contains("read clock -> 5 ns"), report.headline());
    }

    @Test
    void aDriverThatMakesOneMoreCallDivergesWhereTheOperationEnds() {
        Path file = mixedTrace(RequestHook.NORMAL);
        ReplayOptions extraClockRead = ReplayOptions.DEFAULTS.withDriverView(platform -> new ForwardingPlatform(platform) {
            private boolean done;

            @Override
            public void freeFrames(long address, int frameCount) {
                super.freeFrames(address, frameCount);
                if (!done) {
                    done = true;
                    super.nanoTime();
                }
            }
        });

        ReplayResult result = Replayer.strict(file, extraClockRead);

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        DivergenceReport report = result.divergence().orElseThrow();
        assertTrue(report.actual().contains("read clock"), report.render());
    }

    @Test
    void aTruncatedTraceIsBadUnlessItsValidPrefixIsAskedForThenReplaysUpToItsLastCompleteOperation() throws Exception {
        Path file = mixedTrace(RequestHook.NORMAL);
        Trace trace = FakeTraces.read(file);
        List<RecordedOperation> operations = RecordedOperation.completeTopLevel(trace.events());
        RecordedOperation third = operations.get(3);
        int cut = third.beginIndex() + 5;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TraceWriter writer = TraceWriter.create(bytes, trace.metadata(), TraceCodec.DEFLATE);
        for (TraceEvent event : trace.events().subList(0, cut)) {
            writer.append(event);
        }
        writer.checkpoint();
        Path truncated = dir.resolve("cut.trace.avro");
        Files.write(truncated, bytes.toByteArray());
        assertEquals(cut, TraceReader.readValidPrefix(truncated).events().size());

        ReplayResult refused = Replayer.strict(truncated);
        assertEquals(ReplayResult.Status.BAD_TRACE, refused.status(), refused.render());
        assertTrue(refused.message().contains("cut short"), refused.message());
        assertEquals(ReplayResult.Status.BAD_TRACE, Replayer.relaxed(truncated).status());

        ReplayResult result = Replayer.strict(truncated, ReplayOptions.DEFAULTS.withValidPrefix());

        assertEquals(ReplayResult.Status.REPRODUCED, result.status(), result.render());
        assertTrue(result.truncated());
        assertEquals(3, result.operationsCompared());
        assertEquals(operations.get(2).endIndex() + 1, result.eventsReplayed());
        assertTrue(result.notes().get(0).contains("cut short"), result.notes().toString());
    }

    @Test
    void replayingTwiceGivesIdenticalResults() {
        Path file = mixedTrace(RequestHook.NORMAL.at(4, RequestOutcome.status(1)));
        ReplayOptions changed = ReplayOptions.DEFAULTS.withDriverView(StrictReplayTest::droppingFeaturesOk);

        assertEquals(Replayer.strict(file), Replayer.strict(file));
        assertEquals(Replayer.strict(file, changed), Replayer.strict(file, changed));
        assertEquals(Replayer.relaxed(file), Replayer.relaxed(file));
        assertEquals(Replayer.branch(file, 200), Replayer.branch(file, 200));
    }

    @Test
    void aFileThatIsNotATraceIsABadTrace() throws Exception {
        Path file = dir.resolve("junk.trace.avro");
        Files.writeString(file, "not a trace");

        ReplayResult result = Replayer.strict(file);

        assertEquals(ReplayResult.Status.BAD_TRACE, result.status());
        assertTrue(result.message().contains("cannot be read"), result.message());
    }

    @Test
    void aTraceWithoutDiscoveryIsABadTrace() {
        Trace trace = FakeTraces.read(mixedTrace(RequestHook.NORMAL));
        List<RecordedOperation> operations = RecordedOperation.completeTopLevel(trace.events());
        List<TraceEvent> withoutDiscovery = trace.events().subList(operations.get(1).beginIndex(), trace.events().size());

        ReplayResult result = Replayer.strict(new Trace(trace.metadata(), withoutDiscovery, true), "t", ReplayOptions.DEFAULTS);

        assertEquals(ReplayResult.Status.BAD_TRACE, result.status());
        assertTrue(result.message().contains("DISCOVERY"), result.message());
    }
}
