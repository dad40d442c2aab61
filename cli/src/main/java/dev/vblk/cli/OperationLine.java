package dev.vblk.cli;

import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.trace.TraceEvent;

/**
 * One operation of a trace and how it ended.
 *
 * @param begin its begin marker
 * @param end its end marker, or null if the trace has none
 */
record OperationLine(TraceEvent.OperationBegin begin, TraceEvent.OperationEnd end) {

    String render() {
        return TraceEventFormatter.operation(begin) + " -> "
                + (end == null ? "(no end)" : TraceEventFormatter.outcome(end.outcome()));
    }
}
