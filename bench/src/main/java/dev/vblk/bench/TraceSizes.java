package dev.vblk.bench;

import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Predicate;

/**
 * Trace bytes per event, per codec and per event kind (sizes, not times, so not a JMH benchmark):
 * {@code java -cp benchmarks.jar dev.vblk.bench.TraceSizes}.
 *
 * <p>An event kind's figure is what its events add to the file: the size of the trace with only
 * the operation markers and the events of that kind, less the size with only the markers, divided
 * by the number of those events. Keeping the markers keeps the block discipline (a block closed
 * after every operation) of the real trace. The markers' own figure is measured against an empty
 * trace.
 */
public final class TraceSizes {

    private TraceSizes() {}

    /** Metadata for traces of synthetic events. */
    static TraceMetadata metadata() {
        return TraceMetadata.of(Instant.EPOCH, Map.of("kind", "synthetic"), List.of(), "synthetic events",
                OptionalLong.empty(), Map.of("mmio.base", "0x0a000000", "mmio.stride", "0x200", "mmio.count", "32"));
    }

    /** Prints the table for the QEMU random-read fixture and the synthetic events. */
    public static void main(String[] args) {
        var qemu = TraceReader.readComplete(BenchTraces.get("qemu-random-reads"));
        print("qemu-random-reads", qemu.events(), qemu.metadata());
        print("synthetic", SyntheticEvents.workload(3000, new Random(1)), metadata());
    }

    private static void print(String name, List<TraceEvent> events, TraceMetadata metadata) {
        Map<String, Predicate<TraceEvent>> kinds = new LinkedHashMap<>();
        kinds.put("platform events", event -> true);
        kinds.put("register access", event -> event instanceof TraceEvent.RegisterRead
                || event instanceof TraceEvent.RegisterWrite);
        for (TraceEvent event : events) {
            String kind = event.getClass().getSimpleName();
            if (!isMarker(event)) {
                kinds.putIfAbsent(kind, e -> e.getClass() == event.getClass());
            }
        }
        System.out.printf("%s: %d events%n", name, events.size());
        System.out.printf("%-20s %8s", "kind", "events");
        for (TraceCodec codec : TraceCodec.values()) {
            System.out.printf(" %12s", codec + " B/ev");
        }
        System.out.println();
        printRow("markers", events, metadata, TraceSizes::isMarker, event -> false);
        kinds.forEach((kind, filter) -> printRow(kind, events, metadata, filter.or(TraceSizes::isMarker),
                TraceSizes::isMarker));
        System.out.println();
    }

    private static void printRow(String kind, List<TraceEvent> events, TraceMetadata metadata,
            Predicate<TraceEvent> with, Predicate<TraceEvent> without) {
        List<TraceEvent> more = events.stream().filter(with).toList();
        List<TraceEvent> less = events.stream().filter(without).toList();
        int count = more.size() - less.size();
        System.out.printf("%-20s %8d", kind, count);
        for (TraceCodec codec : TraceCodec.values()) {
            long bytes = size(more, metadata, codec) - size(less, metadata, codec);
            System.out.printf(" %12.2f", (double) bytes / count);
        }
        System.out.println();
    }

    private static boolean isMarker(TraceEvent event) {
        return event instanceof TraceEvent.OperationBegin || event instanceof TraceEvent.OperationEnd;
    }

    private static long size(List<TraceEvent> events, TraceMetadata metadata, TraceCodec codec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter writer = TraceWriter.create(out, metadata, codec)) {
            events.forEach(writer::append);
        }
        return out.size();
    }
}
