package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.ErrorKind;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.workload.NamedPattern;
import dev.vblk.workload.WorkloadPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recording runs against QEMU's real device. */
@RequiresQemu
class RecordRunQemuTest {

    @TempDir
    Path directory;

    @Test
    void blkdebugErrorIsARecordedOutcomeAndMetadataDescribesQemu() throws Exception {
        Path image = DiskImages.raw(directory, "dbg.img", 2048);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(image)));
        QemuTarget target = QemuTarget.of(DriveConfig.raw(image).withErrors(BlkdebugRule.readError(9)));
        Path file = directory.resolve("io-error.trace.avro");
        RunSummary summary = RecordRun.QEMU_VIRT.record(target, WorkloadPreset.IO_ERROR.workload(), TraceCodec.DEFLATE, file);

        assertEquals(2, summary.failures(), summary.steps().toString());
        assertTrue(summary.steps().get(0).failure().orElseThrow().startsWith("IO_ERROR: "));
        Trace trace = TraceReader.readComplete(file);
        TraceMetadata metadata = trace.metadata();
        assertEquals("qemu", metadata.platform().get("kind"));
        assertTrue(metadata.platform().get("qemu.version").startsWith("QEMU emulator version"), metadata.platform().toString());
        assertTrue(metadata.platform().get("qemu.command").contains("blkdebug"), metadata.platform().get("qemu.command"));
        assertEquals("read_aio errno=5 sector=9 once=false", metadata.platform().get("drive.0.blkdebug"));
        assertEquals("31", metadata.platform().get("drive.0.slot"));
        assertEquals(List.of(new TraceMetadata.DiskImage("dbg.img", 2048 * 512, sha256)), metadata.diskImages());

        List<OperationOutcome> outcomes = TraceShape.of(trace).outcomes();
        assertEquals(Optional.of(ErrorKind.IO_ERROR),
                assertInstanceOf(OperationOutcome.Failed.class, outcomes.get(1)).blockErrorKind());
        assertEquals(OperationOutcome.Succeeded.ofData(NamedPattern.SIGNATURE.sector(8)), outcomes.get(2));
        assertEquals(summary.events(), trace.events().size());
    }

    @Test
    void recordingsWithSharedAndQtestMemoryBothReplayStrictly() throws Exception {
        for (boolean shared : new boolean[] {true, false}) {
            Path image = DiskImages.raw(directory, "m" + shared + ".img", 2048);
            QemuTarget target = new QemuTarget(QemuConfig.builder().drive(DriveConfig.raw(image)).sharedMemory(shared).build());
            Path file = directory.resolve("m" + shared + ".trace.avro");
            RecordRun.QEMU_VIRT.record(target, WorkloadPreset.MULTI_SECTOR_FLUSH.workload(), TraceCodec.DEFLATE, file);
            Trace trace = TraceReader.readComplete(file);
            assertEquals(shared, trace.metadata().platform().get("qemu.command").contains("memory-backend-file"));
            ReplayResult replay = Replayer.strict(file);
            assertTrue(replay.reproduced(), (shared ? "shared" : "qtest") + " memory: " + replay.render());
        }
    }

    @Test
    void unrecordedRunOnQemuSeesTheSameOutcomes() {
        GoldenTrace golden = GoldenTrace.IO_ERROR;
        RunSummary recorded = RecordRun.QEMU_VIRT.record(golden.target(directory), golden.preset().workload(),
                TraceCodec.ZSTANDARD, directory.resolve("t.trace.avro"));
        RunSummary unrecorded = RecordRun.QEMU_VIRT.runUnrecorded(golden.target(directory), golden.preset().workload());
        assertEquals(recorded.steps(), unrecorded.steps());
        assertEquals(recorded.dataBytes(), unrecorded.dataBytes());
    }
}
