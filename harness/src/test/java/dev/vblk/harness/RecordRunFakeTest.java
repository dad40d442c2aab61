package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.ErrorKind;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.PlatformException;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.workload.NamedPattern;
import dev.vblk.workload.Workload;
import dev.vblk.workload.WorkloadPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording runs on the fake device: deterministic, so whole traces can be compared. */
class RecordRunFakeTest {

    private static final String DEVICE = "virtio-blk@0x0a003e00";

    @TempDir
    Path directory;

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void metadataDescribesTargetDisksWorkloadAndBoard() throws Exception {
        FakeTarget target = FakeTarget.signedDisk("signed", 2048);
        Workload workload = WorkloadPreset.KNOWN_SECTORS.workload().withSeed(7);
        Path file = directory.resolve("t.trace.avro");
        RecordRun.QEMU_VIRT.record(target, workload, TraceCodec.DEFLATE, file);

        TraceMetadata metadata = TraceReader.readComplete(file).metadata();
        assertEquals("fake", metadata.platform().get("kind"));
        assertEquals("31", metadata.platform().get("device.0.slot"));
        assertEquals("2048", metadata.platform().get("device.0.capacitySectors"));
        assertEquals("normal", metadata.platform().get("device.0.requestHook"));
        assertEquals(List.of(new TraceMetadata.DiskImage("signed", 2048 * 512,
                sha256(NamedPattern.SIGNATURE.sectors(0, 2048)))), metadata.diskImages());
        assertEquals(WorkloadPreset.KNOWN_SECTORS.text(), metadata.workload());
        assertEquals(7, metadata.seed().getAsLong());
        assertEquals(BoardParameters.QEMU_VIRT_DEFAULTS.toMap(), metadata.board());
    }

    @Test
    void traceHoldsDiscoveryThenOneOperationPerStepWithItsOutcome() throws Exception {
        Workload workload = Workload.parse("w", """
                read 9 1
                write 40 2 pattern=complement
                read 40 2
                get-id
                flush
                """);
        Path file = directory.resolve("t.trace.avro");
        RunSummary summary = RecordRun.QEMU_VIRT.record(FakeTarget.signedDisk("d", 256), workload, TraceCodec.ZSTANDARD, file);

        Trace trace = TraceReader.readComplete(file);
        assertTrue(trace.complete());
        TraceShape shape = TraceShape.of(trace);
        assertEquals(List.of(
                new BlockOperation(OperationKind.DISCOVERY, "", 0, 0, 0, new byte[0]),
                BlockOperation.read(DEVICE, 9, 1),
                BlockOperation.write(DEVICE, 40, NamedPattern.COMPLEMENT.sectors(40, 2)),
                BlockOperation.read(DEVICE, 40, 2),
                BlockOperation.simple(OperationKind.GET_ID, DEVICE),
                BlockOperation.simple(OperationKind.FLUSH, DEVICE)), shape.operations());
        assertEquals(OperationOutcome.Succeeded.ofData(NamedPattern.SIGNATURE.sector(9)), shape.outcomes().get(1));
        assertEquals(OperationOutcome.Succeeded.ofData(NamedPattern.COMPLEMENT.sectors(40, 2)), shape.outcomes().get(3));
        assertEquals(OperationOutcome.Succeeded.ofData("vblk-fake".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                shape.outcomes().get(4));

        assertEquals(trace.events().size(), summary.events());
        assertEquals(6, summary.operations());
        assertEquals(0, summary.failures());
        assertEquals(512 + 1024 + 1024, summary.dataBytes());
        assertEquals(java.nio.file.Files.size(file), summary.traceBytes());
        assertEquals(List.of(DEVICE), summary.devices());
    }

    @Test
    void aFailedStepIsARecordedOutcomeAndTheRunGoesOn() throws Exception {
        Workload workload = Workload.parse("w", """
                read 300 1
                write 0 1 byte=0x11
                read 3 1
                device 1
                read 3 1
                device 0
                read 4 1
                """);
        FakeTarget target = new FakeTarget(List.of(new FakeTarget.FakeDrive("ro",
                FakeBlkConfig.builder().disk(SignedImages.inMemory(256)).readOnly(true).build())));
        Path file = directory.resolve("t.trace.avro");
        RunSummary summary = RecordRun.QEMU_VIRT.record(target, workload, TraceCodec.NONE, file);

        assertEquals(2, summary.failures(), "the operations that failed; the steps on device 1 made none: " + summary.steps());
        assertEquals(List.of(false, false, true, false, false, true, true),
                summary.steps().stream().map(StepResult::succeeded).toList());
        assertEquals(List.of(false, false, false, true, true, false, false),
                summary.steps().stream().map(StepResult::missedDevice).toList());
        assertTrue(summary.steps().get(3).failure().orElseThrow().contains("no block device #1"));
        assertEquals("", summary.steps().get(4).device());
        assertEquals(DEVICE, summary.steps().get(6).device());

        List<OperationOutcome> outcomes = TraceShape.of(TraceReader.readComplete(file)).outcomes();
        assertEquals(5, outcomes.size(), "the discovery and the four steps that reached the device");
        assertEquals(5, summary.operations());
        assertEquals(Optional.of(ErrorKind.OUT_OF_RANGE),
                assertInstanceOf(OperationOutcome.Failed.class, outcomes.get(1)).blockErrorKind());
        assertEquals(Optional.of(ErrorKind.READ_ONLY),
                assertInstanceOf(OperationOutcome.Failed.class, outcomes.get(2)).blockErrorKind());
        assertEquals(OperationOutcome.Succeeded.ofData(NamedPattern.SIGNATURE.sector(4)), outcomes.get(4));
    }

    @Test
    void recordingTheSameWorkloadTwiceOnTheFakeGivesTheSameEvents() {
        Path first = directory.resolve("a.trace.avro");
        Path second = directory.resolve("b.trace.avro");
        Workload workload = WorkloadPreset.STANDARD.workload();
        RecordRun.QEMU_VIRT.record(FakeTarget.signedDisk("d", 2048), workload, TraceCodec.DEFLATE, first);
        RecordRun.QEMU_VIRT.record(FakeTarget.signedDisk("d", 2048), workload, TraceCodec.DEFLATE, second);
        List<TraceEvent> a = TraceReader.readComplete(first).events();
        assertEquals(a, TraceReader.readComplete(second).events());
        assertTrue(TraceShape.of(TraceReader.readComplete(first)).differences(TraceShape.of(TraceReader.readComplete(second)))
                .isEmpty());
    }

    @Test
    void shapesOfDifferentWorkloadsDiffer() {
        Path first = directory.resolve("a.trace.avro");
        Path second = directory.resolve("b.trace.avro");
        RecordRun.QEMU_VIRT.record(FakeTarget.signedDisk("d", 64), Workload.parse("a", "read 1 1\nread 2 1"),
                TraceCodec.DEFLATE, first);
        RecordRun.QEMU_VIRT.record(FakeTarget.signedDisk("d", 64), Workload.parse("b", "read 1 1\nread 3 1"),
                TraceCodec.DEFLATE, second);
        List<String> differences = TraceShape.of(TraceReader.readComplete(first))
                .differences(TraceShape.of(TraceReader.readComplete(second)));
        assertEquals(2, differences.size(), differences.toString());
        assertTrue(differences.get(0).startsWith("operation 3 was read " + DEVICE + " sector 2"), differences.get(0));
        assertTrue(differences.get(1).startsWith("outcome 3 was Succeeded"), differences.get(1));
    }

    @Test
    void aStreamReadKeepsCallsInFlightAndSavesThemInOrderLeavingOutTheOneThatFailed() throws Exception {
        long badSector = 4101 + 300;
        FakeTarget target = new FakeTarget(List.of(new FakeTarget.FakeDrive("d", FakeBlkConfig.builder()
                .disk(SignedImages.inMemory(24000))
                .requestHook(request -> request.type() == 0 && request.sector() <= badSector
                        && badSector < request.sector() + request.sectorCount() ? RequestOutcome.status(1)
                                : RequestOutcome.normal())
                .build())));
        Path saved = directory.resolve("saved.bin");
        Path file = directory.resolve("t.trace.avro");
        RunSummary summary = RecordRun.QEMU_VIRT.record(target,
                Workload.parse("s", "stream read 5 20000 save=" + saved), TraceCodec.DEFLATE, file);

        byte[] expected = new byte[(20000 - 2048) * 512];
        byte[] before = NamedPattern.SIGNATURE.sectors(5, 4096);
        System.arraycopy(before, 0, expected, 0, before.length);
        byte[] after = NamedPattern.SIGNATURE.sectors(6149, 20005 - 6149);
        System.arraycopy(after, 0, expected, before.length, after.length);
        assertArrayEquals(expected, Files.readAllBytes(saved));
        assertEquals(1, summary.failures());
        assertEquals(expected.length, summary.dataBytes());
        assertTrue(summary.steps().get(0).failure().orElseThrow().startsWith("call read 4101 2048 IO_ERROR"),
                summary.steps().get(0).toString());

        List<TraceEvent.OperationBegin> begins = TraceReader.readComplete(file).events().stream()
                .filter(event -> event instanceof TraceEvent.OperationBegin).map(event -> (TraceEvent.OperationBegin) event)
                .toList();
        assertEquals(10, begins.stream().filter(begin -> begin.kind() == OperationKind.READ && begin.submitted()).count());
        assertEquals(3, begins.stream().filter(begin -> begin.kind() == OperationKind.WAIT_ALL).count(),
                "the oldest four calls waited for together, then four, then the last two");
        assertEquals(List.of(OperationKind.DISCOVERY, OperationKind.READ, OperationKind.READ, OperationKind.READ,
                OperationKind.READ, OperationKind.READ, OperationKind.READ, OperationKind.READ, OperationKind.READ,
                OperationKind.WAIT_ALL), begins.subList(0, 10).stream().map(TraceEvent.OperationBegin::kind).toList(),
                "the calls in flight before the first wait");
    }

    @Test
    void aStreamNamesItsFirstTenFailedCallsAndCountsEveryOne() {
        FakeTarget target = new FakeTarget(List.of(new FakeTarget.FakeDrive("d", FakeBlkConfig.builder()
                .disk(SignedImages.inMemory(24576)).requestHook(request -> RequestOutcome.status(1)).build())));
        List<byte[]> saved = new ArrayList<>();
        RunSummary summary = RecordRun.QEMU_VIRT.withReadSink((step, first, data) -> saved.add(data))
                .runUnrecorded(target, Workload.parse("s", "stream read 0 24576"));
        assertEquals(12, summary.failures());
        assertEquals(0, summary.dataBytes());
        assertTrue(saved.isEmpty(), "nothing of a failed read is saved");
        String failure = summary.steps().get(0).failure().orElseThrow();
        assertTrue(failure.startsWith("call read 0 2048 IO_ERROR"), failure);
        assertTrue(failure.contains("call read 18432 2048 IO_ERROR") && !failure.contains("call read 20480 2048"), failure);
        assertTrue(failure.endsWith("; and 2 more"), failure);
    }

    @Test
    void aStreamWriteTakesItsFileAsItGoesAndAStreamPastTheDeviceMakesNoCall() throws Exception {
        byte[] data = NamedPattern.COMPLEMENT.sectors(0, 5000);
        Path from = Files.write(directory.resolve("data.bin"), data);
        Path back = directory.resolve("back.bin");
        RunSummary summary = RecordRun.QEMU_VIRT.runUnrecorded(FakeTarget.signedDisk("d", 8192), Workload.parse("w",
                "stream write 100 4999 file=" + from + " from=512\nstream read 99 5001 save=" + back));
        assertEquals(0, summary.failures(), summary.steps().toString());
        byte[] expected = new byte[5001 * 512];
        System.arraycopy(NamedPattern.SIGNATURE.sectors(99, 1), 0, expected, 0, 512);
        System.arraycopy(data, 512, expected, 512, 4999 * 512);
        System.arraycopy(NamedPattern.SIGNATURE.sectors(5099, 1), 0, expected, 5000 * 512, 512);
        assertArrayEquals(expected, Files.readAllBytes(back));

        Path file = directory.resolve("past.trace.avro");
        OutsideDeviceException past = assertThrows(OutsideDeviceException.class, () -> RecordRun.QEMU_VIRT.record(
                FakeTarget.signedDisk("d", 2048), Workload.parse("p", "read 0 1\nstream read 1000 1049"),
                TraceCodec.DEFLATE, file));
        assertEquals("'stream read 1000 1049' reaches sector 2048, past the end of " + DEVICE + ", which has 2048 sectors",
                past.getMessage());
        assertEquals(2048, past.capacitySectors());
        assertEquals(List.of(OperationKind.DISCOVERY, OperationKind.READ), TraceReader.readComplete(file).events().stream()
                .filter(event -> event instanceof TraceEvent.OperationBegin)
                .map(event -> ((TraceEvent.OperationBegin) event).kind()).toList(), "the stream step made no call");
    }

    @Test
    void unrecordedRunMakesTheSameCallsWithoutATrace() {
        Workload workload = WorkloadPreset.STANDARD.workload();
        RunSummary recorded = RecordRun.QEMU_VIRT.record(FakeTarget.signedDisk("d", 2048), workload, TraceCodec.DEFLATE,
                directory.resolve("t.trace.avro"));
        RunSummary unrecorded = RecordRun.QEMU_VIRT.runUnrecorded(FakeTarget.signedDisk("d", 2048), workload);
        assertEquals(0, unrecorded.events());
        assertEquals(0, unrecorded.traceBytes());
        assertTrue(recorded.events() > 0);
        assertEquals(recorded.operations(), unrecorded.operations());
        assertEquals(recorded.failures(), unrecorded.failures());
        assertEquals(recorded.dataBytes(), unrecorded.dataBytes());
        assertEquals(recorded.steps(), unrecorded.steps());
        assertFalse(recorded.steps().isEmpty());
    }

    @Test
    void aPlatformFailureStopsTheRunAndLeavesTheTraceWithoutItsEndMarker() {
        FakeTarget target = FakeTarget.signedDisk("signed", 2048);
        Workload workload = Workload.parse("many", "read 0 1\n".repeat(50));
        Path file = directory.resolve("stopped.trace.avro");
        int[] steps = {0};
        boolean[] dead = {false};
        RecordRun run = RecordRun.QEMU_VIRT.withStepListener(step -> {
            if (++steps[0] == 3) {
                dead[0] = true;
            }
        }).withPlatformView(platform -> new ForwardingPlatform(platform) {
            @Override
            public long readRegister(long address, AccessWidth width) {
                if (dead[0]) {
                    throw new PlatformException("the machine is gone");
                }
                return super.readRegister(address, width);
            }

            @Override
            public void writeRegister(long address, AccessWidth width, long value) {
                if (dead[0]) {
                    throw new PlatformException("the machine is gone");
                }
                super.writeRegister(address, width, value);
            }
        });

        HarnessException failure = assertThrows(HarnessException.class,
                () -> run.record(target, workload, TraceCodec.DEFLATE, file));

        assertEquals("step 4 'read 0 1' failed: PLATFORM_ERROR: " + failure.getCause().getCause().getMessage()
                + "; the trace " + file + " stops there, without its end marker", failure.getMessage());
        assertEquals(3, steps[0], "no step after the failed one ran");
        Trace trace = TraceReader.readValidPrefix(file);
        assertFalse(trace.complete());
        TraceEvent last = trace.events().get(trace.events().size() - 1);
        assertTrue(last instanceof TraceEvent.OperationEnd end && end.outcome() instanceof OperationOutcome.Failed failed
                && failed.errorKind().equals(ErrorKind.PLATFORM_ERROR.name()), last.toString());
    }
    /** More devices than the machine's RAM can set up: the run fails naming the first it could not, not a run on some. */
    @Test
    void aDeviceTheDriverCannotSetUpFailsTheRun() {
        List<FakeTarget.FakeDrive> drives = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            drives.add(new FakeTarget.FakeDrive("d" + i, FakeBlkConfig.builder().disk(SignedImages.inMemory(2048)).build()));
        }
        Path file = directory.resolve("many.trace.avro");
        HarnessException failure = assertThrows(HarnessException.class,
                () -> RecordRun.QEMU_VIRT.record(new FakeTarget(drives), WorkloadPreset.DISCOVERY.workload(), TraceCodec.DEFLATE, file));
        assertTrue(failure.getMessage().matches("discovery failed: the driver could not set up \\d+ of the 20 block devices, "
                + "the first in slot \\d+: .*out of memory.*"), failure.getMessage());
        assertTrue(TraceReader.readComplete(file).events().size() > 0, "the trace is complete, ending with the discovery");
    }
}
