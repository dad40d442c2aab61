package dev.vblk.cli;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pairs a trace's operation markers as its events stream past, and hands out each operation with its
 * end in the order the operations began. Only the operations begun and not yet handed out are held:
 * those still open and those that began inside them.
 */
final class OperationLines {

    private final Deque<TraceEvent.OperationBegin> waiting = new ArrayDeque<>();
    private final Map<Long, TraceEvent.OperationEnd> ends = new HashMap<>();

    /** Takes the trace's next event; returns the operations now complete, in the order they began. */
    List<OperationLine> accept(TraceEvent event) {
        if (event instanceof TraceEvent.OperationBegin begin) {
            waiting.addLast(begin);
        } else if (event instanceof TraceEvent.OperationEnd end) {
            ends.put(end.operationId(), end);
            return released(false);
        }
        return List.of();
    }

    /** Ends the trace: returns the operations not yet handed out, those without an end included. */
    List<OperationLine> finish() {
        return released(true);
    }

    private List<OperationLine> released(boolean all) {
        List<OperationLine> lines = new ArrayList<>();
        while (!waiting.isEmpty() && (all || ends.containsKey(waiting.peekFirst().operationId()))) {
            TraceEvent.OperationBegin begin = waiting.pollFirst();
            lines.add(new OperationLine(begin, ends.remove(begin.operationId())));
        }
        return lines;
    }
}
