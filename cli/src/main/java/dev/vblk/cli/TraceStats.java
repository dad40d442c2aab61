package dev.vblk.cli;

import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts of a trace's events: by kind, bytes of guest memory read and written, operations by kind and
 * how many failed.
 *
 * @param events events by kind ({@code RegisterRead}, ...)
 * @param memoryBytesRead bytes of all memory reads
 * @param memoryBytesWritten bytes of all memory writes
 * @param operations operations begun, by kind ({@code READ}, ...)
 * @param failures failed operations, by the failed operation's kind
 */
record TraceStats(SortedMap<String, Long> events, long memoryBytesRead, long memoryBytesWritten,
        SortedMap<String, Long> operations, SortedMap<String, Long> failures) {

    /** Counts events as they stream past; holds only the operations still open. */
    static final class Counter {
        private final SortedMap<String, Long> kinds = new TreeMap<>();
        private final SortedMap<String, Long> operations = new TreeMap<>();
        private final SortedMap<String, Long> failures = new TreeMap<>();
        private final Map<Long, String> open = new HashMap<>();
        private long read;
        private long written;

        /** Counts the trace's next event. */
        void accept(TraceEvent event) {
            kinds.merge(event.getClass().getSimpleName(), 1L, Long::sum);
            if (event instanceof TraceEvent.MemoryRead r) {
                read += r.length();
            } else if (event instanceof TraceEvent.MemoryWrite w) {
                written += w.length();
            } else if (event instanceof TraceEvent.OperationBegin begin) {
                operations.merge(begin.kind().name(), 1L, Long::sum);
                open.put(begin.operationId(), begin.kind().name());
            } else if (event instanceof TraceEvent.OperationEnd end) {
                String kind = open.remove(end.operationId());
                if (end.outcome() instanceof OperationOutcome.Failed) {
                    failures.merge(kind == null ? "?" : kind, 1L, Long::sum);
                }
            }
        }

        /** The counts so far. */
        TraceStats stats() {
            return new TraceStats(new TreeMap<>(kinds), read, written, new TreeMap<>(operations), new TreeMap<>(failures));
        }
    }
}
