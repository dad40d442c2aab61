package dev.vblk.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.replay.ReconstructedRequest;
import dev.vblk.replay.RequestReconstructor;
import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk inspect}: a trace's metadata, operations and events, for people or as JSON. */
@Command(name = "inspect",
        sortOptions = false,
        description = {
            "Show a trace: its metadata, the operations and their outcomes, the virtio-blk requests rebuilt",
            "from the descriptor chains in guest memory, and every event with register names, status,",
            "interrupt and feature bits decoded."},
        footer = {
            "",
            "Examples:",
            "  vblk inspect traces/io-error.trace.avro",
            "  vblk inspect --summary traces/write-read.trace.avro",
            "  vblk inspect --stats traces/multi-sector-flush.trace.avro",
            "  vblk inspect --json traces/discovery.trace.avro | jq '.operations'"})
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TRACE", description = "The trace file.")
    Path file;

    @Option(names = "--summary", description = "Metadata, operations and requests, no events.")
    boolean summary;

    @Option(names = "--stats", description = "Counts by event kind and sizes instead of the events.")
    boolean stats;

    @Option(names = "--json", description = "Everything as one JSON document.")
    boolean json;

    @Option(names = "--valid-prefix", description = "Read a trace cut short up to its last intact checkpoint.")
    boolean validPrefix;

    @Spec
    CommandSpec spec;

    /** One operation and how it ended, in trace order of their beginnings. */
    record OperationLine(TraceEvent.OperationBegin begin, TraceEvent.OperationEnd end) {

        String render() {
            return TraceEventFormatter.operation(begin) + " -> "
                    + (end == null ? "(no end)" : TraceEventFormatter.outcome(end.outcome()));
        }
    }

    @Override
    public Integer call() {
        Trace trace = Inputs.trace(file, validPrefix);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(json(trace));
            return ExitCodes.OK;
        }
        printMetadata(out, trace);
        out.println();
        out.println("operations");
        for (OperationLine line : operations(trace.events())) {
            out.println("  " + line.render());
        }
        out.println();
        out.println("requests (rebuilt from the descriptor chains the driver published)");
        List<ReconstructedRequest> requests = RequestReconstructor.reconstruct(trace.events(), window(trace.metadata()));
        if (requests.isEmpty()) {
            out.println("  none");
        }
        requests.forEach(request -> out.println("  " + request.describe()));
        if (stats) {
            out.println();
            printStats(out, TraceStats.of(trace.events()));
        } else if (!summary) {
            out.println();
            out.println("events");
            TraceEventFormatter text = new TraceEventFormatter(window(trace.metadata()));
            List<TraceEvent> events = trace.events();
            for (int i = 0; i < events.size(); i++) {
                out.printf("%6d  %s%n", i, text.format(events.get(i)));
            }
        }
        return ExitCodes.OK;
    }

    private void printMetadata(PrintWriter out, Trace trace) {
        TraceMetadata metadata = trace.metadata();
        out.printf("trace     %s: %s, %d events, %s%n", file, trace.complete() ? "complete" : "truncated (valid prefix)",
                trace.events().size(), Sizes.bytes(size(file)));
        out.printf("format    %d, written by vblk %s, recorded %s%n", metadata.formatVersion(), metadata.projectVersion(),
                metadata.created());
        out.printf("platform  %s%n", metadata.platform().getOrDefault("kind", "?"));
        metadata.platform().forEach((key, value) -> {
            if (!key.equals("kind")) {
                out.printf("          %s = %s%n", key, value);
            }
        });
        for (int i = 0; i < metadata.diskImages().size(); i++) {
            TraceMetadata.DiskImage disk = metadata.diskImages().get(i);
            out.printf("disk %d    %s, %s, sha256 %s%n", i, disk.name(), Sizes.bytes(disk.sizeBytes()), disk.sha256());
        }
        out.printf("board     %s%n", metadata.board());
        metadata.seed().ifPresent(seed -> out.printf("seed      %d%n", seed));
        out.println("workload");
        metadata.workload().lines().forEach(line -> out.println("  | " + line));
    }

    private static void printStats(PrintWriter out, TraceStats stats) {
        out.println("events by kind");
        stats.events().forEach((kind, count) -> out.printf("  %-16s %8d%n", kind, count));
        out.printf("memory read      %s%nmemory written   %s%n", Sizes.bytes(stats.memoryBytesRead()),
                Sizes.bytes(stats.memoryBytesWritten()));
        out.println("operations by kind (failed)");
        stats.operations().forEach((kind, count) -> out.printf("  %-16s %8d (%d)%n", kind, count,
                stats.failures().getOrDefault(kind, 0L)));
    }

    /** The operations of a trace with their ends, in the order they began. */
    static List<OperationLine> operations(List<TraceEvent> events) {
        Map<Long, TraceEvent.OperationEnd> ends = new HashMap<>();
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.OperationEnd end) {
                ends.put(end.operationId(), end);
            }
        }
        return events.stream().filter(TraceEvent.OperationBegin.class::isInstance).map(TraceEvent.OperationBegin.class::cast)
                .map(begin -> new OperationLine(begin, ends.get(begin.operationId()))).toList();
    }

    /** The trace's MMIO window, QEMU's virt window when its board metadata lacks one. */
    static MmioWindow window(TraceMetadata metadata) {
        try {
            return BoardParameters.fromMap(metadata.board()).window();
        } catch (IllegalArgumentException e) {
            return MmioWindow.QEMU_VIRT;
        }
    }

    private String json(Trace trace) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("file", file.toString());
        root.put("complete", trace.complete());
        root.put("eventCount", trace.events().size());
        TraceMetadata metadata = trace.metadata();
        ObjectNode meta = root.putObject("metadata");
        meta.put("formatVersion", metadata.formatVersion());
        meta.put("projectVersion", metadata.projectVersion());
        meta.put("created", metadata.created().toString());
        metadata.platform().forEach(meta.putObject("platform")::put);
        ArrayNode disks = meta.putArray("disks");
        metadata.diskImages().forEach(d -> disks.addObject().put("name", d.name()).put("sizeBytes", d.sizeBytes())
                .put("sha256", d.sha256()));
        metadata.board().forEach(meta.putObject("board")::put);
        meta.put("workload", metadata.workload());
        metadata.seed().ifPresent(seed -> meta.put("seed", seed));
        ArrayNode operations = root.putArray("operations");
        for (OperationLine line : operations(trace.events())) {
            ObjectNode op = operations.addObject();
            op.put("id", line.begin().operationId());
            op.put("kind", line.begin().kind().name());
            op.put("device", line.begin().device());
            op.put("sector", line.begin().sector());
            op.put("sectorCount", line.begin().sectorCount());
            if (line.end() != null) {
                op.put("outcome", TraceEventFormatter.outcome(line.end().outcome()));
                op.put("succeeded", line.end().outcome() instanceof dev.vblk.trace.OperationOutcome.Succeeded);
            }
        }
        ArrayNode requests = root.putArray("requests");
        for (ReconstructedRequest request : RequestReconstructor.reconstruct(trace.events(), window(metadata))) {
            requests.addObject().put("index", request.index()).put("slot", request.slot())
                    .put("operationId", request.operationId()).put("type", request.type())
                    .put("request", request.describeRequest()).put("sector", request.sector())
                    .put("sectorCount", request.sectorCount()).put("completion", request.describeCompletion());
        }
        if (stats) {
            root.set("stats", mapper.valueToTree(TraceStats.of(trace.events())));
        }
        if (!summary && !stats) {
            ArrayNode events = root.putArray("events");
            TraceEventFormatter text = new TraceEventFormatter(window(metadata));
            List<TraceEvent> list = trace.events();
            for (int i = 0; i < list.size(); i++) {
                events.addObject().put("index", i).put("kind", list.get(i).getClass().getSimpleName())
                        .put("text", text.format(list.get(i)));
            }
        }
        try {
            return mapper.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
