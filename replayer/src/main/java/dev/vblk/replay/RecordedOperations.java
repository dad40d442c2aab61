package dev.vblk.replay;

import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A trace's top-level operations in the order a replay issues them, and the completions they
 * recorded that the replay has not delivered yet. A poll or wait that delivers a completion recorded
 * later makes it read ahead; the operations read ahead are issued in their turn. The trace's events
 * are dropped as soon as the replay's mode no longer needs them.
 */
final class RecordedOperations {

    private final EventWindow events;
    private final OperationStream stream;
    private final ReplayStrategy strategy;
    /** Operations read ahead of the replay (to find a completion delivered early), not yet issued. */
    private final Deque<RecordedOperation> ahead = new ArrayDeque<>();
    /** The recorded completions read and not yet delivered by the replay, by operation id. */
    private final Map<Long, TraceEvent.OperationEnd> undelivered = new LinkedHashMap<>();

    RecordedOperations(EventWindow events, OperationStream stream, ReplayStrategy strategy) {
        this.events = events;
        this.stream = stream;
        this.strategy = strategy;
    }

    /** The operations as the trace has them, and what is wrong with them. */
    OperationStream stream() {
        return stream;
    }

    /** The next operation to issue: one read ahead before, or the next in the trace. */
    Optional<RecordedOperation> next() {
        return ahead.isEmpty() ? read() : Optional.of(ahead.poll());
    }

    /**
     * The recorded completion of operation {@code id}, taken from those not yet delivered, or null;
     * the trace is read ahead for it when a poll or wait it has not reached yet delivers it.
     */
    TraceEvent.OperationEnd takeCompletion(long id) {
        while (!undelivered.containsKey(id)) {
            Optional<RecordedOperation> later = read();
            if (later.isEmpty()) {
                break;
            }
            ahead.add(later.get());
            dropUnneeded();
        }
        return undelivered.remove(id);
    }

    /** The first recorded completion the replay has not delivered, if any. */
    Optional<Long> firstUndelivered() {
        return undelivered.keySet().stream().findFirst();
    }

    /** Drops the events the replay no longer needs. */
    void dropUnneeded() {
        events.dropBefore(strategy.keptFrom(stream.position()));
    }

    /** Reads the rest of the trace without keeping it; nothing read ahead is issued any more. */
    void skipRest() {
        ahead.clear();
        dropUnneeded();
        stream.skipRest();
    }

    /** Reads the trace's next operation and takes note of the completions it delivers. */
    private Optional<RecordedOperation> read() {
        Optional<RecordedOperation> read = stream.next();
        read.ifPresent(operation -> operation.completions().forEach(end -> undelivered.put(end.operationId(), end)));
        return read;
    }
}
