package dev.vblk.replay;

import dev.vblk.trace.OperationKind;
import java.util.Optional;

/**
 * The top-level operations of a trace read one at a time from an {@link EventWindow}, each once
 * every event up to its end is in the window, and what is wrong with their order if anything: the
 * reasons a trace cannot be replayed, found as the trace is read rather than before.
 */
final class OperationStream {

    private final EventWindow events;
    private final TopLevelOperations finder = new TopLevelOperations();
    private int position;
    private int count;
    private boolean ended;
    private RecordedOperation first;
    private RecordedOperation last;
    private String nesting;
    private String misplaced;
    private final boolean opensTheSession;

    OperationStream(EventWindow events) {
        this(events, true);
    }

    /**
     * @param opensTheSession whether the events start with the session's DISCOVERY: those of a
     *     whole trace, or of the thread that discovered the devices; the other threads of a run of
     *     several have none
     */
    OperationStream(EventWindow events, boolean opensTheSession) {
        this.events = events;
        this.opensTheSession = opensTheSession;
    }

    /**
     * The next top-level operation, or empty at the end of the trace or once its markers turned out
     * not to nest.
     */
    Optional<RecordedOperation> next() {
        while (!ended) {
            Optional<RecordedOperation> found;
            try {
                if (events.has(position)) {
                    found = finder.accept(position, events.get(position));
                    position++;
                } else {
                    found = finder.finish(position, events.cutShortAt(position));
                    ended = true;
                }
            } catch (IllegalArgumentException e) {
                nesting = e.getMessage();
                ended = true;
                return Optional.empty();
            }
            if (found.isPresent()) {
                take(found.get());
                return found;
            }
        }
        return Optional.empty();
    }

    /** Reads the rest of the trace, keeping none of it. */
    void skipRest() {
        while (next().isPresent()) {
            events.dropBefore(position);
        }
    }

    /** The index of the next event not yet read. */
    int position() {
        return position;
    }

    /** Whether the markers read so far nest as calls do. */
    boolean markersNest() {
        return nesting == null;
    }

    /** How many operations were handed out. */
    int count() {
        return count;
    }

    /** The last operation handed out, or null. */
    RecordedOperation last() {
        return last;
    }

    /**
     * Why the operations read so far cannot be replayed, in the order a reader of the whole trace
     * would say it: markers that do not nest, no operation (at the end), a first operation that is
     * not a DISCOVERY, a later top-level DISCOVERY or INIT.
     */
    Optional<String> problem() {
        if (nesting != null) {
            return Optional.of("its operation markers do not nest: " + nesting);
        }
        if (first == null) {
            return ended ? Optional.of("it holds no complete operation") : Optional.empty();
        }
        if (opensTheSession && first.begin().kind() != OperationKind.DISCOVERY) {
            return Optional.of("it does not start with a DISCOVERY operation");
        }
        return Optional.ofNullable(misplaced);
    }

    private void take(RecordedOperation operation) {
        count++;
        last = operation;
        if (first == null) {
            first = operation;
            if (opensTheSession) {
                return;
            }
        }
        OperationKind kind = operation.begin().kind();
        if (misplaced == null && (kind == OperationKind.DISCOVERY || kind == OperationKind.INIT)) {
            misplaced = "event " + operation.beginIndex() + " begins a top-level " + kind
                    + " operation, which a driver session does not issue";
        }
    }
}
