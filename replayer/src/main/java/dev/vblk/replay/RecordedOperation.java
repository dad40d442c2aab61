package dev.vblk.replay;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One top-level operation of a trace (not nested in another) with its end: what a replay issues and
 * checks, in order.
 *
 * @param beginIndex the index of its {@link TraceEvent.OperationBegin}
 * @param endIndex the index of its {@link TraceEvent.OperationEnd}
 */
public record RecordedOperation(int beginIndex, int endIndex, TraceEvent.OperationBegin begin, TraceEvent.OperationEnd end) {

    /**
     * The top-level operations of {@code events} that ended, in order. An operation that began but
     * did not end (a trace cut short) is left out, and so is everything after its begin.
     */
    public static List<RecordedOperation> completeTopLevel(List<TraceEvent> events) {
        List<RecordedOperation> operations = new ArrayList<>();
        Deque<Integer> open = new ArrayDeque<>();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent event = events.get(i);
            if (event instanceof TraceEvent.OperationBegin) {
                open.push(i);
            } else if (event instanceof TraceEvent.OperationEnd end && !open.isEmpty()) {
                int begin = open.pop();
                TraceEvent.OperationBegin opened = (TraceEvent.OperationBegin) events.get(begin);
                if (opened.operationId() != end.operationId()) {
                    throw new IllegalArgumentException(String.format(
                            "event %d ends operation %d, but operation %d (event %d) is the one open",
                            i, end.operationId(), opened.operationId(), begin));
                }
                if (open.isEmpty()) {
                    operations.add(new RecordedOperation(begin, i, opened, end));
                }
            } else if (event instanceof TraceEvent.OperationEnd end) {
                throw new IllegalArgumentException(String.format(
                        "event %d ends operation %d, which never began", i, end.operationId()));
            }
        }
        return operations;
    }
}
