package dev.vblk.replay;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Which operation the events of a trace belong to as they go by: the submitted operation whose
 * submission they are (format 2), else the innermost synchronous operation in flight, else none. A
 * request belongs to the operation that made its chain available.
 */
final class RequestOwners {

    /** The synchronous operations in flight, innermost first. */
    private final Deque<Long> operations = new ArrayDeque<>();
    /** The submitted operation whose submission the events are, 0 outside one. */
    private long submission;

    /** Takes an operation marker; other events change nothing. */
    void accept(TraceEvent event) {
        if (event instanceof TraceEvent.OperationBegin begin) {
            submission = begin.submitted() ? begin.operationId() : 0;
            if (!begin.submitted()) {
                operations.push(begin.operationId());
            }
        } else if (event instanceof TraceEvent.OperationEnd end) {
            submission = 0;
            operations.removeFirstOccurrence(end.operationId());
        }
    }

    /** The operation whose events these are, or 0. */
    long current() {
        return submission != 0 ? submission : operations.isEmpty() ? 0 : operations.peek();
    }
}
