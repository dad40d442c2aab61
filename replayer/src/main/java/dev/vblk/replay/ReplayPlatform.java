package dev.vblk.replay;

import dev.vblk.block.ErrorKind;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A platform that answers the driver from a trace, strictly: every call must be the next recorded
 * platform event (same kind and arguments, same value or bytes for writes) and gets exactly the
 * recorded result. Operation markers are stepped over, and kept as the operation in flight.
 *
 * <p>On the first mismatch it throws a {@link ReplayDivergence} and keeps it ({@link #divergence()}):
 * every later call throws the same one, so the first difference is what gets reported however the
 * driver handles the exception.
 *
 * <p>A replayer that issues the operations itself announces each top-level operation with
 * {@link #beginOperation} and {@link #endOperation}: the driver may then not run past the recorded
 * end of an operation, and may not finish it while recorded calls remain. Where the trace recorded
 * a platform failure (an operation that ended in {@code PLATFORM_ERROR} after its last call), the
 * next call throws a {@link ReplayedPlatformFailure} instead. Without announcements, markers are
 * simply stepped over.
 *
 * <p>It reads the trace through an {@link EventWindow}: the replayer reads each operation's events
 * into the window before announcing it, and drops them once past, so a trace of any length is
 * replayed in the memory of its longest operation.
 */
public final class ReplayPlatform implements Platform {

    /** How many events before a divergence its report shows. */
    static final int CONTEXT_EVENTS = 8;

    /** An operation open at the replay's position: where it began, and its begin. */
    private record Open(int index, TraceEvent.OperationBegin begin) {}

    private final EventWindow events;
    private final ThreadTurns turns;
    private final Deque<Open> open = new ArrayDeque<>();
    private int cursor;
    private RecordedOperation current;
    private ReplayedPlatformFailure failure;
    private ReplayDivergence divergence;

    /**
     * @param events the trace's events, read on demand; the platform reads no further than the end
     *     of the operation announced, and only a window of events is kept
     */
    ReplayPlatform(EventWindow events) {
        this(events, null);
    }

    /**
     * @param events one thread's events of a run of several threads ({@link TraceSource.ThreadView})
     * @param turns the turns the replay's threads take the events in, or null when one thread
     *     replays the whole trace
     */
    ReplayPlatform(EventWindow events, ThreadTurns turns) {
        this.events = events;
        this.turns = turns;
    }

    /** The index of the next trace event not yet consumed. */
    public int position() {
        return cursor;
    }

    /** The first divergence, if the driver has diverged. */
    public Optional<ReplayDivergence> divergence() {
        return Optional.ofNullable(divergence);
    }

    /**
     * Announces that the replayer issues {@code operation} now: every event before its begin must
     * have been consumed.
     */
    public void beginOperation(RecordedOperation operation) {
        if (divergence != null) {
            return;
        }
        if (cursor < operation.beginIndex()) {
            skipMarkers(operation.beginIndex());
        }
        if (cursor < operation.beginIndex()) {
            throw diverge(cursor, "the replay issues " + TraceEventFormatter.operation(operation.begin())
                    + " (event " + operation.beginIndex() + ") with recorded calls left before it",
                    "no more calls before the next operation");
        }
        open.clear();
        open.push(new Open(operation.beginIndex(), operation.begin()));
        take(operation.beginIndex());
        cursor = operation.beginIndex() + 1;
        current = operation;
        failure = null;
    }

    /** Announces that {@code operation} returned: every recorded call in it must have been made. */
    public void endOperation(RecordedOperation operation) {
        if (divergence != null) {
            return;
        }
        if (operation.pendingSubmission()) {
            if (cursor < operation.endIndex()) {
                throw diverge(cursor, "the submission " + TraceEventFormatter.operation(operation.begin())
                        + " returned, but the trace has " + (operation.endIndex() - cursor) + " more event(s) in it",
                        "no more calls in this submission");
            }
            open.clear();
            current = null;
            failure = null;
            return;
        }
        skipMarkers(operation.endIndex());
        if (cursor < operation.endIndex()) {
            throw diverge(cursor, TraceEventFormatter.operation(operation.begin()) + " returned, but the trace has "
                    + (operation.endIndex() - cursor) + " more event(s) in it", "no more calls in this operation");
        }
        take(operation.endIndex());
        cursor = operation.endIndex() + 1;
        open.clear();
        current = null;
        failure = null;
    }

    /** Announces that the replay is over: no event may be left. */
    public void finish() {
        if (divergence == null && events.has(cursor)) {
            throw diverge(cursor, "the replay ended with " + (events.end() - cursor) + " trace event(s) left",
                    "no more calls");
        }
    }

    // ---- Platform ----

    // Each call is first matched against the upcoming event without making a PlatformCall (the
    // common case: one thread, no marker in the way); anything else takes next(), which decides.

    @Override
    public long readRegister(long address, AccessWidth width) {
        TraceEvent event = upcoming();
        if (PlatformCall.RegisterRead.records(event, address, width)) {
            cursor++;
        } else {
            event = next(new PlatformCall.RegisterRead(address, width));
        }
        return ((TraceEvent.RegisterRead) event).value();
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        if (PlatformCall.RegisterWrite.records(upcoming(), address, width, value)) {
            cursor++;
        } else {
            next(new PlatformCall.RegisterWrite(address, width, width.truncate(value)));
        }
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        TraceEvent event = upcoming();
        if (PlatformCall.MemoryRead.records(event, address, length)) {
            cursor++;
        } else {
            event = next(new PlatformCall.MemoryRead(address, length));
        }
        ((TraceEvent.MemoryRead) event).copyTo(destination, offset);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        if (PlatformCall.MemoryWrite.records(upcoming(), address, source, offset, length)) {
            cursor++;
        } else {
            next(new PlatformCall.MemoryWrite(address, Arrays.copyOfRange(source, offset, offset + length)));
        }
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        TraceEvent event = upcoming();
        if (PlatformCall.FrameAllocation.records(event, frameCount, alignment)) {
            cursor++;
        } else {
            event = next(new PlatformCall.FrameAllocation(frameCount, alignment));
        }
        return ((TraceEvent.FrameAllocation) event).address();
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        if (PlatformCall.FrameFree.records(upcoming(), address, frameCount)) {
            cursor++;
        } else {
            next(new PlatformCall.FrameFree(address, frameCount));
        }
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        return recordedWait(line, timeoutNanos);
    }

    /** The recorded answer: an edge wait is recorded as an interrupt wait on its line. */
    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        return recordedWait(line, timeoutNanos);
    }

    private boolean recordedWait(int line, long timeoutNanos) {
        TraceEvent event = upcoming();
        if (PlatformCall.InterruptWait.records(event, line, timeoutNanos)) {
            cursor++;
        } else {
            event = next(new PlatformCall.InterruptWait(line, timeoutNanos));
        }
        return ((TraceEvent.InterruptWait) event).raised();
    }

    @Override
    public long nanoTime() {
        TraceEvent event = upcoming();
        if (PlatformCall.ClockRead.records(event)) {
            cursor++;
        } else {
            event = next(new PlatformCall.ClockRead());
        }
        return ((TraceEvent.ClockRead) event).nanos();
    }

    // ---- matching ----

    /**
     * The event at the cursor when a call that it records may simply take it: one thread replays the
     * trace, nothing diverged or failed, and the event is within the operation; else null, and
     * {@link #next} decides (a marker at the cursor records no call, so it goes there too).
     */
    private TraceEvent upcoming() {
        if (divergence != null || failure != null || turns != null || !events.has(cursor)
                || (current != null && current.pendingSubmission() && cursor >= current.endIndex())) {
            return null;
        }
        return events.get(cursor);
    }

    private TraceEvent next(PlatformCall call) {
        if (divergence != null) {
            throw divergence;
        }
        if (failure != null) {
            throw failure;
        }
        while (true) {
            if (!events.has(cursor)) {
                throw diverge(cursor, call, "the trace ends here");
            }
            if (current != null && current.pendingSubmission() && cursor >= current.endIndex()) {
                throw diverge(cursor, call, "the submission " + TraceEventFormatter.operation(current.begin()) + " ends here");
            }
            TraceEvent event = events.get(cursor);
            awaitTurn(cursor);
            if (event instanceof TraceEvent.OperationBegin begin) {
                taken(cursor);
                open.push(new Open(cursor++, begin));
            } else if (event instanceof TraceEvent.OperationEnd end) {
                if (current == null || open.size() > 1
                        || (end.operationId() != current.begin().operationId() && !recordsPlatformFailure(end.outcome()))) {
                    open.poll();
                    taken(cursor);
                    cursor++;
                    continue;
                }
                if (recordsPlatformFailure(end.outcome())) {
                    OperationOutcome.Failed failed = (OperationOutcome.Failed) end.outcome();
                    failure = new ReplayedPlatformFailure(failed.errorKind(), failed.message());
                    throw failure;
                }
                throw diverge(cursor, call, TraceEventFormatter.operation(current.begin()) + " ends here");
            } else if (call.matches(event)) {
                taken(cursor);
                cursor++;
                return event;
            } else {
                throw diverge(cursor, call, null);
            }
        }
    }

    /** Whether an operation's outcome says its platform failed after the last recorded call. */
    private static boolean recordsPlatformFailure(OperationOutcome outcome) {
        if (!(outcome instanceof OperationOutcome.Failed failed)) {
            return false;
        }
        Optional<ErrorKind> kind = failed.blockErrorKind();
        return kind.isEmpty() || kind.get() == ErrorKind.PLATFORM_ERROR;
    }

    private void skipMarkers(int limit) {
        while (cursor < limit) {
            TraceEvent event = events.get(cursor);
            if (event instanceof TraceEvent.OperationBegin begin) {
                open.push(new Open(cursor, begin));
            } else if (event instanceof TraceEvent.OperationEnd) {
                open.poll();
            } else {
                return;
            }
            take(cursor);
            cursor++;
        }
    }

    /** With several threads: waits until the event at {@code index} is the next of all the threads' events. */
    private void awaitTurn(int index) {
        if (turns != null) {
            turns.awaitTurn(events.ordinal(index));
        }
    }

    /** With several threads: marks the event at {@code index}, whose turn it is, taken. */
    private void taken(int index) {
        if (turns != null) {
            turns.taken(events.ordinal(index));
        }
    }

    /** With several threads: waits for the turn of the event at {@code index} and takes it. */
    private void take(int index) {
        if (turns != null) {
            turns.take(events.ordinal(index));
        }
    }

    // ---- reports ----

    private ReplayDivergence diverge(int index, PlatformCall call, String traceSide) {
        TraceEventFormatter formatter = events.formatterAt(index);
        String actual = formatter.format(call);
        String expected;
        String headline;
        if (traceSide != null) {
            expected = traceSide;
            headline = "event " + index + ": " + traceSide + ", but the driver went on: " + actual.strip();
        } else {
            TraceEvent event = events.get(index);
            expected = formatter.format(event);
            headline = "event " + index + ": " + difference(formatter, call, event, actual, expected);
        }
        return store(index, headline, expected, actual);
    }

    private ReplayDivergence diverge(int index, String headlineText, String actual) {
        TraceEventFormatter formatter = events.formatterAt(index);
        String expected = events.has(index) ? formatter.format(events.get(index)) : "the end of the trace";
        return store(index, "event " + index + ": " + headlineText + "; next: " + expected.strip(), expected, actual);
    }

    private ReplayDivergence store(int index, String headline, String expected, String actual) {
        DivergenceReport report = new DivergenceReport("", "strict", OptionalLong.of(index), headline, expected, actual,
                operationInFlight(), events.context(index));
        divergence = new ReplayDivergence(report);
        return divergence;
    }

    private static String difference(TraceEventFormatter formatter, PlatformCall call, TraceEvent event, String actual,
            String expected) {
        if (call instanceof PlatformCall.RegisterWrite write && event instanceof TraceEvent.RegisterWrite recorded
                && write.address() == recorded.address()) {
            return formatter.registerShortName(write.address()) + ": driver wrote "
                    + formatter.registerValue(write.address(), write.value()) + ", trace has "
                    + formatter.registerValue(recorded.address(), recorded.value());
        }
        if (call instanceof PlatformCall.MemoryWrite write && event instanceof TraceEvent.MemoryWrite recorded
                && write.address() == recorded.address()) {
            byte[] mine = write.data();
            byte[] theirs = recorded.data();
            int at = 0;
            while (at < Math.min(mine.length, theirs.length) && mine[at] == theirs[at]) {
                at++;
            }
            return String.format("memory 0x%x: driver wrote %d byte(s), trace has %d; first difference at byte %d "
                    + "(driver %s, trace %s)", write.address(), mine.length, theirs.length, at,
                    at < mine.length ? String.format("%02x", mine[at]) : "none",
                    at < theirs.length ? String.format("%02x", theirs[at]) : "none");
        }
        return "driver: " + actual.strip() + "; trace has: " + expected.strip();
    }

    private String operationInFlight() {
        if (open.isEmpty()) {
            return "";
        }
        List<String> names = new ArrayList<>();
        open.descendingIterator().forEachRemaining(operation -> names.add(
                TraceEventFormatter.operation(operation.begin()) + " (began at event " + operation.index() + ")"));
        return String.join(" > ", names);
    }
}
