package dev.vblk.bench.qemu;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

/**
 * Timed runs of the driver ({@code VirtioBlkDevice}) on a machine's first drive, brought up the way
 * the command line does it: a fresh {@link DriverSession} discovery per run, and for a recorded run
 * a recorded session ({@link DriverSession#record}) writing a trace file (deleted afterwards). Discovery is not timed.
 */
final class DriverRun {

    private final QemuMachine machine;
    private final BoardParameters board;
    private final TraceMetadata.DiskImage image;
    private final Path traceDirectory;

    DriverRun(QemuMachine machine, BoardParameters board, TraceMetadata.DiskImage image, Path traceDirectory) {
        this.machine = machine;
        this.board = board;
        this.image = image;
        this.traceDirectory = traceDirectory;
    }

    /** Runs {@code pattern} for about {@code budgetNanos}, recorded or not. */
    Measurement run(AccessPattern pattern, boolean recorded, long budgetNanos) {
        if (!recorded) {
            return drive(DriverSession.discover(machine.platform(), board), pattern, budgetNanos);
        }
        Path trace = null;
        try {
            trace = Files.createTempFile(traceDirectory, "bench-", ".trace.avro");
            TraceMetadata metadata = TraceMetadata.of(Instant.now(),
                    Map.of("kind", "qemu", "qemu.version", machine.qemuVersion(),
                            "qemu.command", String.join(" ", machine.commandLine())),
                    List.of(image), "benchmark " + pattern.label(), OptionalLong.empty(), board.toMap());
            try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(trace, metadata, TraceCodec.DEFAULT))) {
                DriverSession session = DriverSession.record(machine.platform(), board, recorder);
                return drive(session, pattern, budgetNanos);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a trace in " + traceDirectory, e);
        } finally {
            deleteQuietly(trace);
        }
    }

    /** Runs the workload on the session's first device, then closes the session's devices. */
    private static Measurement drive(DriverSession session, AccessPattern pattern, long budgetNanos) {
        try {
            return driveFirstDevice(session, pattern, budgetNanos);
        } finally {
            session.closeDevices();
        }
    }

    private static Measurement driveFirstDevice(DriverSession session, AccessPattern pattern, long budgetNanos) {
        BlockDevice device = session.device(session.deviceNames().get(0)).orElseThrow();
        LongUnaryOperator positions = pattern.positions(device.capacitySectors());
        if (pattern.depth() > 1) {
            String name = session.deviceNames().get(0);
            int sectors = pattern.callBytes() / BlockDevice.SECTOR_SIZE;
            Measurement batches = Measurement.timed(budgetNanos, batch -> {
                List<Long> tickets = new ArrayList<>();
                for (int i = 0; i < pattern.depth(); i++) {
                    long sector = positions.applyAsLong(batch * pattern.depth() + i);
                    tickets.add(session.submit(BlockOperation.read(name, sector, sectors)));
                }
                session.complete(OperationKind.WAIT_ALL, name, tickets, AsyncBlockDevice.NO_TIME_BUDGET);
            });
            return new Measurement(batches.calls() * pattern.depth(), batches.nanos());
        }
        byte[] buffer = pattern.payload();
        return Measurement.timed(budgetNanos, call -> {
            long sector = positions.applyAsLong(call);
            if (pattern.write()) {
                device.writeAt(sector, buffer);
            } else {
                device.readAt(sector, buffer);
            }
        });
    }

    private static void deleteQuietly(Path trace) {
        if (trace == null) {
            return;
        }
        try {
            Files.deleteIfExists(trace);
        } catch (IOException e) {
            // A left-over temporary trace does not change the figures.
        }
    }
}
