package dev.vblk.replay;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

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
        List<RecordedOperation> operations = new ArrayList<>();
        Deque<Integer> open = new ArrayDeque<>();
        List<TraceEvent.OperationEnd> completions = new ArrayList<>();
        Set<Long> submitted = new HashSet<>();
        int submission = -1;
        for (int i = 0; i < events.size(); i++) {
            TraceEvent event = events.get(i);
            if (event instanceof TraceEvent.OperationBegin begin) {
                if (open.isEmpty() && submission >= 0) {
                    operations.add(new RecordedOperation(submission, i, (TraceEvent.OperationBegin) events.get(submission),
                            null, List.of()));
                    submission = -1;
                }
                if (begin.submitted()) {
                    if (!open.isEmpty()) {
                        throw new IllegalArgumentException(String.format(
                                "event %d submits operation %d inside operation %d", i, begin.operationId(),
                                ((TraceEvent.OperationBegin) events.get(open.peek())).operationId()));
                    }
                    submission = i;
                    submitted.add(begin.operationId());
                } else {
                    open.push(i);
                }
            } else if (event instanceof TraceEvent.OperationEnd end) {
                if (open.isEmpty()) {
                    TraceEvent.OperationBegin pending = submission >= 0 ? (TraceEvent.OperationBegin) events.get(submission) : null;
                    if (pending == null || pending.operationId() != end.operationId()) {
                        throw new IllegalArgumentException(String.format(
                                "event %d ends operation %d, which never began or is not open", i, end.operationId()));
                    }
                    operations.add(new RecordedOperation(submission, i, pending, end, List.of()));
                    submitted.remove(end.operationId());
                    submission = -1;
                    continue;
                }
                int begin = open.peek();
                TraceEvent.OperationBegin opened = (TraceEvent.OperationBegin) events.get(begin);
                if (opened.operationId() == end.operationId()) {
                    open.pop();
                    if (open.isEmpty()) {
                        operations.add(new RecordedOperation(begin, i, opened, end, completions));
                        completions = new ArrayList<>();
                    }
                } else if (open.size() == 1 && opened.kind().takesCompletions() && submitted.remove(end.operationId())) {
                    completions.add(end);
                } else {
                    throw new IllegalArgumentException(String.format(
                            "event %d ends operation %d, but operation %d (event %d) is the one open",
                            i, end.operationId(), opened.operationId(), begin));
                }
            }
        }
        if (submission >= 0) {
            operations.add(new RecordedOperation(submission, events.size(), (TraceEvent.OperationBegin) events.get(submission),
                    null, List.of()));
        }
        return operations;
    }
}
