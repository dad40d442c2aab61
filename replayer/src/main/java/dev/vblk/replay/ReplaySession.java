package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.Platform;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.TraceFormatException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One replay of a trace, or of one thread's part of it, as a state machine around one operation
 * loop: {@link State#SET_UP} reads the first operation and builds the platform its
 * {@link ReplayStrategy} asks for, {@link State#REPLAY} issues one recorded operation at a time,
 * {@link State#FINISH} checks what a replay that ran to its end must have done, and
 * {@link State#DONE} holds the result. The strategy decides what differs between strict, relaxed and
 * branching replays.
 *
 * <p>What makes a trace unreplayable (damage, markers that do not nest, a misplaced DISCOVERY) may lie
 * past the point where a replay stops; the rest of the trace is read then, without keeping it, and
 * such a finding is reported instead, as if it had been read first ({@link #refusal()}).
 */
final class ReplaySession {

    /** Where the replay stands. */
    private enum State {
        /** The first operation is read and the platform built. */
        SET_UP,
        /** Recorded operations are issued again, one per step. */
        REPLAY,
        /** Every operation was issued; what the whole replay must show is checked. */
        FINISH,
        /** The result is known. */
        DONE
    }

    private final TraceSource source;
    private final String name;
    private final ReplayStrategy strategy;
    private final ReplayOptions options;
    /** In a replay of several threads: this thread's part in it; null when one thread replays the trace. */
    private final ThreadedRun.Part part;
    private final List<String> notes = new ArrayList<>();
    private State state = State.SET_UP;
    private ReplayResult result;
    private EventWindow events;
    private RecordedOperations operations;
    private OperationIssuer issuer;
    private BoardParameters board;
    private String boardProblem;
    private Platform platform;
    private BoardParameters driverBoard;
    private RecordedOperation operation;
    private int compared;
    private int lastEnd = -1;
    /** Whether the rest of the trace was read for {@link #refusal()}, and what it found. */
    private boolean refusalKnown;
    private Optional<ReplayResult> refusal = Optional.empty();
    private boolean metThreadSwitches;

    /**
     * A replay of {@code source}, named {@code name} in its result, in the mode of {@code strategy};
     * {@code part} is the thread's part in a replay of several threads, or null.
     */
    ReplaySession(TraceSource source, String name, ReplayStrategy strategy, ReplayOptions options, ThreadedRun.Part part) {
        this.source = source;
        this.name = name;
        this.strategy = strategy;
        this.options = options;
        this.part = part;
    }

    /** After {@link #execute()}: whether the trace has thread switches (a run of several threads). */
    boolean metThreadSwitches() {
        return metThreadSwitches;
    }

    /** Replays the trace and says whether the recording was reproduced. */
    ReplayResult execute() {
        try {
            board = BoardParameters.fromMap(source.metadata().board());
        } catch (IllegalArgumentException e) {
            boardProblem = e.getMessage();
        }
        TraceSource.Pass pass;
        try {
            pass = source.open();
        } catch (TraceFormatException | UncheckedIOException e) {
            return Replayer.unreadable(name, strategy.mode(), e);
        }
        try (EventWindow opened = new EventWindow(pass, board == null ? MmioWindow.QEMU_VIRT : board.window())) {
            events = opened;
            operations = new RecordedOperations(events, new OperationStream(events, part == null || part.opensTheSession()),
                    strategy);
            issuer = new OperationIssuer(strategy, operations, options, part);
            while (state != State.DONE) {
                switch (state) {
                    case SET_UP -> setUp();
                    case REPLAY -> replayNext();
                    case FINISH -> finish();
                }
            }
            return result;
        } finally {
            metThreadSwitches = events.threadSwitches();
            strategy.close();
        }
    }

    /** Reads the first operation and builds the platform, unless the trace cannot be replayed. */
    private void setUp() {
        Optional<RecordedOperation> first = operations.next();
        if (first.isEmpty() || operations.stream().problem().isPresent()) {
            done(refusal().orElseThrow());
            return;
        }
        if (boardProblem != null) {
            done(refusal().orElseGet(() -> bad(boardProblem)));
            return;
        }
        driverBoard = options.driverOptions().map(board::withOptions).orElse(board);
        Optional<String> refused = strategy.refusal(board);
        if (refused.isPresent()) {
            done(refusal().orElseGet(() -> bad(refused.get())));
            return;
        }
        Platform base;
        try {
            base = strategy.platform(new ReplayStrategy.Setup(events, source, board.window(), board.pci(),
                    driverBoard.options().guestMemoryPerDevice(), issuer::operationInFlight));
        } catch (UnreplayableTraceException e) {
            done(refusal().orElseGet(() -> bad(e.getMessage())));
            return;
        } catch (TraceFormatException | UncheckedIOException e) {
            done(refusal().orElseGet(() -> Replayer.unreadable(name, strategy.mode(), e)));
            return;
        }
        platform = options.driverView().apply(base);
        operation = first.get();
        state = State.REPLAY;
    }

    /** Issues the next operation and compares it; a divergence ends the replay. */
    private void replayNext() {
        operations.dropUnneeded();
        Optional<DivergenceReport> report;
        try {
            report = issuer.issue(operation, platform, driverBoard);
        } catch (ReplayDivergence divergence) {
            report = Optional.of(divergence.report());
        }
        if (report.isPresent()) {
            DivergenceReport found = report.get();
            done(refusal().orElseGet(() -> diverged(found)));
            return;
        }
        compared++;
        lastEnd = operation.endIndex();
        Optional<RecordedOperation> next = operations.next();
        if (next.isEmpty() || operations.stream().problem().isPresent()) {
            state = State.FINISH;
            return;
        }
        operation = next.get();
    }

    /** Every operation was issued: every recorded completion must have been delivered, and every call made. */
    private void finish() {
        Optional<ReplayResult> refused = refusal();
        if (refused.isPresent()) {
            done(refused.get());
            return;
        }
        Optional<Long> undelivered = operations.firstUndelivered();
        if (!strategy.checksStrictly() && !strategy.outcomesLive() && undelivered.isPresent()) {
            done(diverged(new DivergenceReport("", strategy.description(), OptionalLong.empty(),
                    "the completion of operation " + undelivered.get() + " was recorded but never delivered",
                    "its completion", "none", "", strategy.context(lastEnd))));
            return;
        }
        try {
            strategy.finish();
        } catch (ReplayDivergence divergence) {
            done(diverged(divergence.report()));
            return;
        }
        notes.addAll(strategy.notesAtEnd());
        done(result(ReplayResult.Status.REPRODUCED, Optional.empty(), "every call and every outcome matched the trace"));
    }

    private void done(ReplayResult found) {
        result = found;
        state = State.DONE;
    }

    /**
     * Reads the rest of the trace without keeping it, once, and returns the result that outranks
     * the replay's own, as a reader of the whole trace would have found it first: the trace cannot
     * be read, or its operations cannot be replayed. For a trace cut short, notes where the replay
     * stops and ends the trace there.
     */
    private Optional<ReplayResult> refusal() {
        if (refusalKnown) {
            return refusal;
        }
        refusalKnown = true;
        operations.skipRest();
        int size = events.end();
        Optional<String> problem = operations.stream().problem();
        if (events.failure().isPresent()) {
            refusal = Optional.of(Replayer.unreadable(name, strategy.mode(), events.failure().get()));
        } else if (problem.isPresent()) {
            refusal = Optional.of(bad(problem.get()));
        } else if (!events.complete()) {
            RecordedOperation last = operations.stream().last();
            // A submission still pending runs up to the next marker; any other operation ends at its end.
            int kept = Math.min(size, last.pendingSubmission() ? last.endIndex() : last.endIndex() + 1);
            notes.add(0, "the trace was cut short: replayed up to " + TraceEventFormatter.operation(last.begin())
                    + " (ends at event " + (kept - 1) + "); " + (size - kept) + " later event(s) were not replayed");
            events.endAt(kept);
        }
        return refusal;
    }

    private ReplayResult diverged(DivergenceReport report) {
        notes.addAll(strategy.notesAtEnd());
        return result(ReplayResult.Status.DIVERGED, Optional.of(report.withTrace(name).withMode(strategy.description())),
                report.headline());
    }

    private ReplayResult bad(String why) {
        return new ReplayResult(name, strategy.mode(), ReplayResult.Status.BAD_TRACE, !events.complete(), 0, 0,
                operationsInTrace(), Optional.empty(), "the trace cannot be replayed: " + why, notes);
    }

    private ReplayResult result(ReplayResult.Status status, Optional<DivergenceReport> report, String message) {
        return new ReplayResult(name, strategy.mode(), status, !events.complete(), strategy.eventsReplayed(lastEnd),
                compared, operationsInTrace(), report, message, notes);
    }

    /** The complete top-level operations of the trace; 0 when its markers do not nest. */
    private int operationsInTrace() {
        OperationStream stream = operations.stream();
        return stream.markersNest() ? stream.count() : 0;
    }
}
