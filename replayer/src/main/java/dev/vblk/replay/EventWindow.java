package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormatException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The events of one pass over a trace that a replay may still look at, by their index in the
 * trace: read from the pass when first asked for, dropped once the replay is past them. Memory holds
 * only the window, whatever the trace's length. A pass that fails (a damaged file, or one cut short
 * that must be complete) ends the window; the failure is kept for the replay to report.
 */
final class EventWindow implements AutoCloseable {

    private final TraceSource.Pass pass;
    /**
     * The window's events, a ring: event {@code i} is at {@code i & (buffered.length - 1)}, so reading
     * one and dropping those behind the replay move nothing.
     */
    private TraceEvent[] buffered = new TraceEvent[1024];
    /** For a pass over one thread's events: each buffered event's position among all the threads' events, at its event's place. */
    private long[] ordinals;
    private boolean threadSwitches;
    /** Advanced over every dropped event, so events in the window are named as after all before them. */
    private final TraceEventFormatter behind;
    private int first;
    /** One past the last event read: the window is [first, next). */
    private int next;
    private int limit = Integer.MAX_VALUE;
    private boolean ended;
    private RuntimeException failure;

    /**
     * @param pass the pass to read; the window closes it
     * @param window the board's MMIO window, to name registers in rendered events
     */
    EventWindow(TraceSource.Pass pass, MmioWindow window) {
        this.pass = pass;
        this.behind = new TraceEventFormatter(window);
    }

    /** Whether the trace has an event at {@code index} (reading up to it if needed), within the limit. */
    boolean has(int index) {
        while (!ended && index >= next) {
            read();
        }
        return index < Math.min(limit, next);
    }

    /** The event at {@code index}, which must exist and not have been dropped. */
    TraceEvent get(int index) {
        if (index < first || !has(index)) {
            throw new IndexOutOfBoundsException("event " + index + " is not in the window [" + first + ", " + next + ")");
        }
        return buffered[index & (buffered.length - 1)];
    }

    /** Forgets the events before {@code index}. */
    void dropBefore(int index) {
        int end = Math.min(index, next);
        int mask = buffered.length - 1;
        for (; first < end; first++) {
            behind.advance(buffered[first & mask]);
            buffered[first & mask] = null;
        }
    }

    /**
     * Where the event at {@code index} stands among all the threads' events of the trace: for a
     * pass over one thread's events ({@link TraceSource.ThreadView}), else {@code index} itself.
     */
    long ordinal(int index) {
        get(index);
        return ordinals == null ? index : ordinals[index & (buffered.length - 1)];
    }

    /**
     * Whether the pass met a thread switch (format 3: the trace holds a run of several threads); a
     * pass over all the threads' events ends at the first one, which it leaves out of the window.
     */
    boolean threadSwitches() {
        return threadSwitches;
    }

    /** Ends the trace at {@code index} for {@link #has}: later events are not replayed. */
    void endAt(int index) {
        limit = index;
    }

    /** Reads the pass to its end and returns how many events the trace has (up to the limit). */
    int end() {
        while (!ended) {
            read();
        }
        return Math.min(limit, next);
    }

    /**
     * Whether the events stop at {@code index} because the file was cut short there (it has no end
     * marker), rather than at the limit or the trace's end.
     */
    boolean cutShortAt(int index) {
        return !has(index) && ended && failure == null && index >= next && !pass.complete();
    }

    /** Once the pass ended: whether the trace ended with its end marker. */
    boolean complete() {
        return ended && failure == null && pass.complete();
    }

    /** Why the pass could not be read to its end, if it could not. */
    Optional<RuntimeException> failure() {
        return Optional.ofNullable(failure);
    }

    /** A formatter that names registers as after the events before {@code index}. */
    TraceEventFormatter formatterAt(int index) {
        TraceEventFormatter formatter = behind.copy();
        for (int i = first; i < index && has(i); i++) {
            formatter.advance(get(i));
        }
        return formatter;
    }

    /** The {@link ReplayPlatform#CONTEXT_EVENTS} events before {@code index} still in the window, rendered with their indices. */
    List<String> context(int index) {
        TraceEventFormatter formatter = behind.copy();
        int from = Math.max(first, index - ReplayPlatform.CONTEXT_EVENTS);
        List<String> lines = new ArrayList<>();
        for (int i = first; i < index && has(i); i++) {
            if (i >= from) {
                lines.add("event " + i + ": " + formatter.format(get(i)));
            } else {
                formatter.advance(get(i));
            }
        }
        return lines;
    }

    private void read() {
        try {
            if (pass.hasNext()) {
                TraceEvent event = pass.next();
                if (event instanceof TraceEvent.ThreadSwitch) {
                    // A run of several threads, which a replay of one thread cannot take: the pass
                    // ends here, and the replay starts again on as many threads.
                    threadSwitches = true;
                    ended = true;
                    return;
                }
                if (next - first == buffered.length) {
                    grow();
                }
                int slot = next & (buffered.length - 1);
                buffered[slot] = event;
                long ordinal = pass.ordinal();
                if (ordinal >= 0) {
                    if (ordinals == null) {
                        ordinals = new long[buffered.length];
                    }
                    ordinals[slot] = ordinal;
                }
                next++;
                return;
            }
        } catch (TraceFormatException | UncheckedIOException e) {
            failure = e;
        }
        ended = true;
    }

    /** Doubles the ring, each event moving to its place in the larger one. */
    private void grow() {
        TraceEvent[] larger = new TraceEvent[buffered.length * 2];
        long[] largerOrdinals = ordinals == null ? null : new long[larger.length];
        for (int i = first; i < next; i++) {
            larger[i & (larger.length - 1)] = buffered[i & (buffered.length - 1)];
            if (ordinals != null) {
                largerOrdinals[i & (larger.length - 1)] = ordinals[i & (buffered.length - 1)];
            }
        }
        buffered = larger;
        ordinals = largerOrdinals;
    }

    @Override
    public void close() {
        pass.close();
    }
}
