package dev.vblk.cli;

import dev.vblk.jfr.BlockRequestEvent;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk report}: per-operation latency percentiles from a Flight Recorder file. */
@Command(name = "report",
        description = {
            "Per-operation latencies (count, p50, p90, p99, max) of the driver's block requests in a Flight",
            "Recorder file written with --jfr, and how many of each failed."},
        footer = {
            "",
            "Examples:",
            "  vblk record disk.img --preset standard --jfr run.jfr && vblk report run.jfr"})
final class ReportCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE.jfr", description = "A Flight Recorder file.")
    Path file;

    @Spec
    CommandSpec spec;

    /** The latencies of one operation, in nanoseconds, and its failures by outcome. */
    record OperationLatencies(String operation, List<Long> nanos, Map<String, Integer> failures) {

        long percentile(double p) {
            List<Long> sorted = nanos.stream().sorted().toList();
            int rank = (int) Math.ceil(p / 100 * sorted.size());
            return sorted.get(Math.max(0, rank - 1));
        }
    }

    @Override
    public Integer call() {
        Inputs.existingFile(file, "Flight Recorder file");
        Map<String, OperationLatencies> byOperation = read(file);
        PrintWriter out = spec.commandLine().getOut();
        if (byOperation.isEmpty()) {
            out.println("no " + BlockRequestEvent.NAME + " events in " + file + " (was it written with --jfr?)");
            return ExitCodes.OK;
        }
        out.printf("%-13s %7s %10s %10s %10s %10s  %s%n", "operation", "count", "p50 us", "p90 us", "p99 us", "max us",
                "failed");
        for (OperationLatencies op : byOperation.values()) {
            out.printf("%-13s %7d %10s %10s %10s %10s  %s%n", op.operation(), op.nanos().size(), micros(op.percentile(50)),
                    micros(op.percentile(90)), micros(op.percentile(99)), micros(op.percentile(100)),
                    op.failures().isEmpty() ? "0" : op.failures().toString());
        }
        return ExitCodes.OK;
    }

    static Map<String, OperationLatencies> read(Path file) {
        Map<String, OperationLatencies> byOperation = new TreeMap<>();
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals(BlockRequestEvent.NAME)) {
                    continue;
                }
                String operation = event.getString("operation");
                OperationLatencies latencies = byOperation.computeIfAbsent(operation,
                        name -> new OperationLatencies(name, new ArrayList<>(), new TreeMap<>()));
                latencies.nanos().add(event.getDuration().toNanos());
                String outcome = event.getString("outcome");
                if (!"OK".equals(outcome)) {
                    latencies.failures().merge(outcome, 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new BadInputException(file + " is not a Flight Recorder file: " + e.getMessage(), e);
        }
        return byOperation;
    }

    private static String micros(long nanos) {
        return String.format("%.1f", nanos / 1000.0);
    }
}
