package dev.vblk.replay;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds a trace's {@link RecordedOperation top-level operations} as its events go by, one event at a
 * time: it keeps only the markers of the operations open, so a trace of any length can be read as a
 * stream. Give it every event in order, then {@link #finish}.
 */
final class TopLevelOperations {

    /** An operation begun and not yet ended. */
    private record Open(int index, TraceEvent.OperationBegin begin) {}

    private final Deque<Open> open = new ArrayDeque<>();
    private final Set<Long> submitted = new HashSet<>();
    private List<TraceEvent.OperationEnd> completions = new ArrayList<>();
    private Open submission;

    /**
     * Takes the event at {@code index}.
     *
     * @return the top-level operation it completes, if it completes one
     * @throws IllegalArgumentException if the markers do not nest as calls do
     */
    Optional<RecordedOperation> accept(int index, TraceEvent event) {
        if (event instanceof TraceEvent.OperationBegin begin) {
            return begin(index, begin);
        }
        if (event instanceof TraceEvent.OperationEnd end) {
            return end(index, end);
        }
        return Optional.empty();
    }

    /**
     * Ends the trace after {@code size} events: a submission still running ends there; a call that
     * began but did not end is left out.
     */
    Optional<RecordedOperation> finish(int size) {
        return finish(size, false);
    }

    /**
     * Ends the trace after {@code size} events, as {@link #finish(int)} does; when the file was
     * {@code cut} there (no end marker), a submission still running is left out too, since its events
     * may have been cut with it.
     */
    Optional<RecordedOperation> finish(int size, boolean cut) {
        Optional<RecordedOperation> last = Optional.ofNullable(cut ? null : submission)
                .map(pending -> new RecordedOperation(pending.index(), size, pending.begin(), null, List.of()));
        submission = null;
        return last;
    }

    private Optional<RecordedOperation> begin(int index, TraceEvent.OperationBegin begin) {
        Optional<RecordedOperation> ended = Optional.empty();
        if (open.isEmpty() && submission != null) {
            ended = Optional.of(new RecordedOperation(submission.index(), index, submission.begin(), null, List.of()));
            submission = null;
        }
        if (begin.submitted()) {
            if (!open.isEmpty()) {
                throw new IllegalArgumentException(String.format("event %d submits operation %d inside operation %d",
                        index, begin.operationId(), open.peek().begin().operationId()));
            }
            submission = new Open(index, begin);
            submitted.add(begin.operationId());
        } else {
            open.push(new Open(index, begin));
        }
        return ended;
    }

    private Optional<RecordedOperation> end(int index, TraceEvent.OperationEnd end) {
        if (open.isEmpty()) {
            if (submission == null || submission.begin().operationId() != end.operationId()) {
                throw new IllegalArgumentException(String.format(
                        "event %d ends operation %d, which never began or is not open", index, end.operationId()));
            }
            RecordedOperation refused = new RecordedOperation(submission.index(), index, submission.begin(), end, List.of());
            submitted.remove(end.operationId());
            submission = null;
            return Optional.of(refused);
        }
        Open opened = open.peek();
        if (opened.begin().operationId() == end.operationId()) {
            open.pop();
            if (open.isEmpty()) {
                RecordedOperation operation = new RecordedOperation(opened.index(), index, opened.begin(), end, completions);
                completions = new ArrayList<>();
                return Optional.of(operation);
            }
        } else if (open.size() == 1 && opened.begin().kind().takesCompletions() && submitted.remove(end.operationId())) {
            completions.add(end);
        } else {
            throw new IllegalArgumentException(String.format(
                    "event %d ends operation %d, but operation %d (event %d) is the one open",
                    index, end.operationId(), opened.begin().operationId(), opened.index()));
        }
        return Optional.empty();
    }
}
