package dev.vblk.replay;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One top-level call of a trace (not nested in another): what a replay issues and checks, in order.
 * A call made synchronously spans its begin to its end. A submission (format 2) spans its begin to
 * the next top-level marker and has no end of its own there, unless the submission itself failed; its
 * completion is one of the {@code completions} of a later poll or wait.
 *
 * @param beginIndex the index of its {@link TraceEvent.OperationBegin}
 * @param endIndex the index of its {@link TraceEvent.OperationEnd}; for a submission that did not fail,
 *     the index of the next top-level marker
 * @param end its end, or null for a submission that did not fail
 * @param completions for a poll or wait, the ends of the submitted operations it delivered, in order
 */
public record RecordedOperation(int beginIndex, int endIndex, TraceEvent.OperationBegin begin, TraceEvent.OperationEnd end,
        List<TraceEvent.OperationEnd> completions) {

    public RecordedOperation {
        completions = List.copyOf(completions);
    }

    /** Whether this is a submission whose completion comes later. */
    public boolean pendingSubmission() {
        return end == null;
    }

    /**
     * The top-level calls of {@code events} that ended, in order. A call that began but did not end
     * (a trace cut short) is left out, and so is everything after its begin; a submission at the very
     * end runs to the end of the events.
     *
     * @throws IllegalArgumentException if the markers do not nest as calls do
     */
    public static List<RecordedOperation> completeTopLevel(List<TraceEvent> events) {
        TopLevelOperations finder = new TopLevelOperations();
        List<RecordedOperation> operations = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            finder.accept(i, events.get(i)).ifPresent(operations::add);
        }
        finder.finish(events.size()).ifPresent(operations::add);
        return operations;
    }
}
