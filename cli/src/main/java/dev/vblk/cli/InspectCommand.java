package dev.vblk.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.AccessWidth;
import dev.vblk.replay.ReconstructedRequest;
import dev.vblk.replay.RequestReconstructor;
import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFile;
import dev.vblk.trace.TraceMetadata;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

    @Override
    public Integer call() throws IOException {
        TraceFile trace = Inputs.trace(file, validPrefix);
        TraceStats.Counter counter = new TraceStats.Counter();
        TraceFile.Summary summary = trace.forEach(counter::accept);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            writeJson(out, trace, summary, counter.stats());
            return ExitCodes.OK;
        }
        printMetadata(out, summary);
        out.println();
        out.println("operations");
        OperationLines operations = new OperationLines();
        Consumer<List<OperationLine>> printOperations = lines -> lines.forEach(line -> out.println("  " + line.render()));
        trace.forEach(event -> printOperations.accept(operations.accept(event)));
        printOperations.accept(operations.finish());
        out.println();
        out.println("requests (rebuilt from the descriptor chains the driver published)");
        long requests = forEachRequest(trace, summary.metadata(), request -> out.println("  " + request.describe()));
        if (requests == 0) {
            out.println("  none");
        }
        if (stats) {
            out.println();
            printStats(out, counter.stats());
        } else if (!this.summary) {
            out.println();
            out.println("events");
            TraceEventFormatter text = new TraceEventFormatter(window(summary.metadata()));
            long[] index = {0};
            trace.forEach(event -> out.printf("%6d  %s%n", index[0]++, text.format(event)));
        }
        return ExitCodes.OK;
    }

    /** Gives each request rebuilt from the trace to {@code action}, in order; returns how many there were. */
    private static long forEachRequest(TraceFile trace, TraceMetadata metadata, Consumer<ReconstructedRequest> action) {
        RequestReconstructor reconstructor = new RequestReconstructor(window(metadata));
        long[] count = {0};
        Consumer<List<ReconstructedRequest>> each = requests -> {
            requests.forEach(action);
            count[0] += requests.size();
        };
        trace.forEach(event -> each.accept(reconstructor.accept(event)));
        each.accept(reconstructor.finish());
        return count[0];
    }

    private void printMetadata(PrintWriter out, TraceFile.Summary summary) {
        TraceMetadata metadata = summary.metadata();
        out.printf("trace     %s: %s, %d events, %s%n", file, summary.complete() ? "complete" : "truncated (valid prefix)",
                summary.events(), Sizes.bytes(size(file)));
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

    /** The trace's MMIO window, QEMU's virt window when its board metadata lacks one. */
    static MmioWindow window(TraceMetadata metadata) {
        try {
            return BoardParameters.fromMap(metadata.board()).window();
        } catch (IllegalArgumentException e) {
            return MmioWindow.QEMU_VIRT;
        }
    }

    /** The same document as before, written as it is made: one pass per array, nothing held. */
    private void writeJson(PrintWriter out, TraceFile trace, TraceFile.Summary summary, TraceStats stats) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        TraceMetadata metadata = summary.metadata();
        try (JsonGenerator json = mapper.getFactory().createGenerator(new NonClosingWriter(out))) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("file", file.toString());
            json.writeBooleanField("complete", summary.complete());
            json.writeNumberField("eventCount", summary.events());
            json.writeFieldName("metadata");
            json.writeTree(metadataJson(mapper, metadata));
            json.writeArrayFieldStart("operations");
            OperationLines operations = new OperationLines();
            Consumer<List<OperationLine>> writeOperations = lines -> lines.forEach(line -> write(json, operationJson(mapper, line)));
            trace.forEach(event -> writeOperations.accept(operations.accept(event)));
            writeOperations.accept(operations.finish());
            json.writeEndArray();
            json.writeArrayFieldStart("requests");
            forEachRequest(trace, metadata, request -> write(json, mapper.createObjectNode().put("index", request.index())
                    .put("slot", request.slot()).put("operationId", request.operationId()).put("type", request.type())
                    .put("request", request.describeRequest()).put("sector", request.sector())
                    .put("sectorCount", request.sectorCount()).put("completion", request.describeCompletion())));
            json.writeEndArray();
            if (this.stats) {
                json.writeFieldName("stats");
                json.writeTree(mapper.valueToTree(stats));
            }
            if (!this.summary && !this.stats) {
                json.writeArrayFieldStart("events");
                TraceEventFormatter text = new TraceEventFormatter(window(metadata));
                long[] index = {0};
                trace.forEach(event -> write(json, eventJson(mapper, text, index[0]++, event)));
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        out.println();
    }

    private static ObjectNode metadataJson(ObjectMapper mapper, TraceMetadata metadata) {
        ObjectNode meta = mapper.createObjectNode();
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
        return meta;
    }

    private static ObjectNode operationJson(ObjectMapper mapper, OperationLine line) {
        ObjectNode op = mapper.createObjectNode();
        op.put("id", line.begin().operationId());
        op.put("kind", line.begin().kind().name());
        op.put("device", line.begin().device());
        op.put("sector", line.begin().sector());
        op.put("sectorCount", line.begin().sectorCount());
        if (line.end() != null) {
            op.put("outcome", TraceEventFormatter.outcome(line.end().outcome()));
            op.put("succeeded", line.end().outcome() instanceof OperationOutcome.Succeeded);
            if (line.end().outcome() instanceof OperationOutcome.Succeeded succeeded) {
                op.put("sha256", HexFormat.of().formatHex(succeeded.sha256()));
            }
        }
        return op;
    }

    /**
     * One event as JSON: its index, kind and line of text, then each of its fields (numbers as
     * numbers, data in full as hex, an access width in bytes, an outcome as its text and digest), and
     * for a register access the register's name and the value decoded.
     */
    private static ObjectNode eventJson(ObjectMapper mapper, TraceEventFormatter text, long index, TraceEvent event) {
        ObjectNode node = mapper.createObjectNode().put("index", index).put("kind", event.getClass().getSimpleName());
        if (event instanceof TraceEvent.RegisterRead read) {
            registerJson(node, text, read.address(), read.value());
        } else if (event instanceof TraceEvent.RegisterWrite write) {
            registerJson(node, text, write.address(), write.value());
        }
        node.put("text", text.format(event));
        for (RecordComponent component : event.getClass().getRecordComponents()) {
            Object value;
            try {
                value = component.getAccessor().invoke(event);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of " + event, e);
            }
            String name = component.getName();
            if (value instanceof Long number) {
                node.put(name, number);
            } else if (value instanceof Integer number) {
                node.put(name, number);
            } else if (value instanceof Boolean flag) {
                node.put(name, flag);
            } else if (value instanceof byte[] bytes) {
                node.put(name, HexFormat.of().formatHex(bytes));
            } else if (value instanceof long[] numbers) {
                Arrays.stream(numbers).forEach(node.putArray(name)::add);
            } else if (value instanceof AccessWidth width) {
                node.put(name, width.bytes());
            } else if (value instanceof OptionalLong optional) {
                if (optional.isPresent()) {
                    node.put(name, optional.getAsLong());
                } else {
                    node.putNull(name);
                }
            } else if (value instanceof OperationOutcome outcome) {
                node.put(name, TraceEventFormatter.outcome(outcome));
                node.put("succeeded", outcome instanceof OperationOutcome.Succeeded);
                if (outcome instanceof OperationOutcome.Succeeded succeeded) {
                    node.put("sha256", HexFormat.of().formatHex(succeeded.sha256()));
                }
            } else if (value instanceof Enum<?> constant) {
                node.put(name, constant.name());
            } else if (value != null) {
                node.put(name, value.toString());
            }
        }
        return node;
    }

    /** A register access's register name and decoded value, under the feature pages selected so far. */
    private static void registerJson(ObjectNode node, TraceEventFormatter text, long address, long value) {
        node.put("register", text.registerShortName(address));
        node.put("decoded", text.registerValue(address, value));
    }

    private static void write(JsonGenerator json, ObjectNode node) {
        try {
            json.writeTree(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets the generator flush into the command's writer without closing it. */
    private static final class NonClosingWriter extends FilterWriter {
        NonClosingWriter(Writer out) {
            super(out);
        }

        @Override
        public void close() throws IOException {
            flush();
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
