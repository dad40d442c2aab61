package dev.vblk.cli;

import dev.vblk.block.BlockDevice;
import dev.vblk.harness.OutsideDeviceException;
import dev.vblk.harness.ReadSink;
import dev.vblk.harness.RecordRun;
import dev.vblk.harness.RunSummary;
import dev.vblk.harness.StepResult;
import dev.vblk.harness.Target;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.TraceCodec;
import dev.vblk.workload.Workload;
import dev.vblk.workload.WorkloadParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * What {@code cat} and {@code put} share: where on which device the data goes, and the trace the
 * run is recorded into when one is named. Both run a workload they write themselves, one
 * {@code stream} step with many calls in flight, so that a run is recorded and replayed like any
 * other.
 */
final class TransferOptions {

    @Option(names = "--sector", paramLabel = "N", required = true, description = "The first sector.")
    long sector;

    @Option(names = "--device", paramLabel = "N", defaultValue = "0",
            description = "Which block device the scan finds, from 0 in slot order, the PCI ones after the "
                    + "virtio-mmio ones (default: ${DEFAULT-VALUE}).")
    int device;

    @Option(names = {"-o", "--trace"}, paramLabel = "TRACE",
            description = "Record the run into this trace (default: not recorded).")
    Path trace;

    /**
     * Checks the sector and device.
     *
     * @throws BadInputException if either is out of range
     */
    void check() {
        if (sector < 0) {
            throw new BadInputException("--sector must be 0 or more, not " + sector);
        }
        if (device < 0 || device > WorkloadParser.MAX_DEVICE_INDEX) {
            throw new BadInputException("--device must be 0 to " + WorkloadParser.MAX_DEVICE_INDEX + ", not " + device);
        }
    }

    /**
     * The workload moving {@code sectors} sectors from the first sector: the device step, the stream
     * step {@code stream} (say {@code read} or {@code write}) with {@code data} after the count, then
     * {@code end}.
     *
     * @throws BadInputException if the sectors end past the largest sector
     */
    Workload workload(String name, String stream, long sectors, String data, String end) {
        if (sector > WorkloadParser.STREAM_SECTOR_LIMIT - sectors) {
            throw new BadInputException("--sector " + sector + " with " + sectors + " sectors passes the largest sector ("
                    + (WorkloadParser.STREAM_SECTOR_LIMIT - 1) + ")");
        }
        return WorkloadParser.parse(name, "device " + device + "\nstream " + stream + " " + sector + " " + sectors + data
                + "\n" + end, Path.of(""));
    }

    /**
     * A file's absolute path as a workload names it.
     *
     * @throws BadInputException if it holds a space, a tab or '#', which the workload language cannot name
     */
    static String workloadPath(Path file) {
        String path = file.toAbsolutePath().toString();
        if (path.chars().anyMatch(c -> c == ' ' || c == '\t' || c == '#')) {
            throw new BadInputException("cannot name " + path + " in a workload: it holds a space, a tab or '#'; "
                    + "use a path without them");
        }
        return path;
    }

    /** Checks the trace file against the command's inputs and outputs, if one is named. */
    void checkTrace(Outputs outputs) {
        if (trace != null) {
            outputs.file(trace, "trace");
        }
    }

    /**
     * Runs {@code workload} on {@code target} with the driver on {@code board}, recorded when a trace is named,
     * giving the bytes read to {@code reads}.
     *
     * @throws BadInputException if the sectors pass the end of the device (no call is made, and no trace is left)
     */
    RunSummary run(BoardParameters board, Target target, Workload workload, ReadSink reads) {
        RecordRun run = new RecordRun(board).withReadSink(reads);
        try {
            return trace == null ? run.runUnrecorded(target, workload) : run.record(target, workload, TraceCodec.DEFAULT, trace);
        } catch (OutsideDeviceException e) {
            if (trace != null) {
                try {
                    Files.deleteIfExists(trace);
                } catch (IOException notDeleted) {
                    e.addSuppressed(notDeleted);
                }
            }
            throw new BadInputException("sectors " + sector + " to " + e.lastSector() + " pass the end of device "
                    + device + " " + e.device() + ": it has " + e.capacitySectors() + " sectors ("
                    + Sizes.bytes(e.capacitySectors() * BlockDevice.SECTOR_SIZE) + ")", e);
        }
    }

    /**
     * Says what the run did, on {@code out}: the steps that failed, the bytes moved, the trace.
     *
     * @return {@link ExitCodes#OK}, or {@link ExitCodes#FOUND_PROBLEMS} when a step failed
     */
    int report(PrintWriter out, String what, RunSummary summary) {
        for (StepResult step : summary.steps()) {
            if (!step.succeeded()) {
                out.printf("step '%s' failed: %s%n", step.step(), step.failure().orElseThrow());
            }
        }
        out.printf("%s %s at sector %d of device %d %s in %d ms%s%n", what, Sizes.bytes(summary.dataBytes()), sector, device,
                summary.devices(), summary.wallTime().toMillis(), summary.failures() > 0 ? ", " + summary.failures()
                        + " step(s) failed" : "");
        if (trace != null) {
            out.printf("trace %s (%s, %d events)%n", trace, Sizes.bytes(summary.traceBytes()), summary.events());
        }
        out.flush();
        return summary.failures() > 0 ? ExitCodes.FOUND_PROBLEMS : ExitCodes.OK;
    }
}
