package dev.vblk.cli;

import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.util.List;
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

    static TraceStats of(List<TraceEvent> events) {
        SortedMap<String, Long> kinds = new TreeMap<>();
        SortedMap<String, Long> operations = new TreeMap<>();
        SortedMap<String, Long> failures = new TreeMap<>();
        Map<Long, String> open = new TreeMap<>();
        long read = 0;
        long written = 0;
        for (TraceEvent event : events) {
            kinds.merge(event.getClass().getSimpleName(), 1L, Long::sum);
            if (event instanceof TraceEvent.MemoryRead r) {
                read += r.length();
            } else if (event instanceof TraceEvent.MemoryWrite w) {
                written += w.length();
            } else if (event instanceof TraceEvent.OperationBegin begin) {
                operations.merge(begin.kind().name(), 1L, Long::sum);
                open.put(begin.operationId(), begin.kind().name());
            } else if (event instanceof TraceEvent.OperationEnd end && end.outcome() instanceof OperationOutcome.Failed) {
                failures.merge(open.getOrDefault(end.operationId(), "?"), 1L, Long::sum);
            }
        }
        return new TraceStats(kinds, read, written, operations, failures);
    }
}
