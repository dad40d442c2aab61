package dev.vblk.replay;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.Platform;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormatException;
import dev.vblk.trace.TraceReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * Replays a trace against the driver and says whether the recording was reproduced.
 *
 * <ul>
 *   <li>{@link #strict}: the driver runs on a {@link ReplayPlatform}; every platform call must be the
 *       recorded one, and every operation's outcome the recorded one.
 *   <li>{@link #relaxed}: the driver runs on a {@link TraceDrivenMachine}, a fake device answering
 *       from the trace's requests; only the requests it asks and the outcomes are compared.
 *   <li>{@link #branch}: strict up to an event, then live on the trace-driven machine.
 * </ul>
 *
 * <p>In every mode the replay discovers devices on the trace's board with its recorded driver
 * options (unless {@link ReplayOptions} say otherwise), then issues each recorded top-level operation
 * in order and compares outcomes: a success must return data with the recorded SHA-256, a failure
 * must have the recorded error kind (messages are not compared). A trace file cut short is a bad
 * trace, unless the options ask for its valid prefix ({@link ReplayOptions#withValidPrefix()}): it is
 * then replayed up to its last complete operation. Nothing here reads the wall clock or randomness.
 *
 * <p>A trace file is read as a stream: each operation's events are read when it is issued and
 * dropped once it is over, so memory stays bounded whatever the trace's length (see
 * {@link EventWindow}). What makes a trace unreplayable (damage, markers that do not nest, a
 * misplaced DISCOVERY) may lie past the point where a replay stops; the rest of the trace is read
 * then, without keeping it, and such a finding is reported instead, as if it had been read first.
 */
public final class Replayer {

    private static final int RECENT_CALLS = 8;

    private Replayer() {}

    /** Strict replay of a trace file. */
    public static ReplayResult strict(Path path) {
        return strict(path, ReplayOptions.DEFAULTS);
    }

    /** Strict replay of a trace file. */
    public static ReplayResult strict(Path path, ReplayOptions options) {
        return fromFile(path, ReplayResult.Mode.STRICT, options, source -> strict(source, path.toString(), options));
    }

    /** Strict replay of a trace read into memory; {@code name} names it in results. */
    public static ReplayResult strict(Trace trace, String name, ReplayOptions options) {
        return strict(TraceSource.of(trace), name, options);
    }

    /**
     * Strict replay on one thread; a trace of several threads (format 3: it has thread switches, and
     * the one-thread replay stops at the first) is replayed again on as many.
     */
    private static ReplayResult strict(TraceSource source, String name, ReplayOptions options) {
        Run run = new Run(source, name, ReplayResult.Mode.STRICT, options, -1, null);
        ReplayResult result = run.execute();
        return run.metThreadSwitches() ? ThreadedRun.replay(source, name, true,
                (events, part) -> new Run(events, name, ReplayResult.Mode.STRICT, options, -1, part).execute()) : result;
    }

    /**
     * A relaxed or branching replay on one thread; a trace of several threads is replayed relaxed
     * again on as many, and refused by a branching replay.
     */
    private static ReplayResult relaxedOrBranching(TraceSource source, String name, ReplayResult.Mode mode,
            ReplayOptions options, int branchAt) {
        Run run = new Run(source, name, mode, options, branchAt, null);
        ReplayResult result = run.execute();
        if (!run.metThreadSwitches()) {
            return result;
        }
        if (mode == ReplayResult.Mode.RELAXED) {
            return ThreadedRun.replay(source, name, false,
                    (events, part) -> new Run(events, name, ReplayResult.Mode.RELAXED, options, -1, part).execute());
        }
        return new ReplayResult(name, mode, ReplayResult.Status.BAD_TRACE, false, 0, 0, 0, Optional.empty(),
                "the trace cannot be replayed: it records a run of several threads, which branching replay does not "
                        + "take; replay it strictly or relaxed", List.of());
    }

    /** Relaxed replay of a trace file. */
    public static ReplayResult relaxed(Path path) {
        return relaxed(path, ReplayOptions.DEFAULTS);
    }

    /** Relaxed replay of a trace file. */
    public static ReplayResult relaxed(Path path, ReplayOptions options) {
        return fromFile(path, ReplayResult.Mode.RELAXED, options,
                source -> relaxedOrBranching(source, path.toString(), ReplayResult.Mode.RELAXED, options, -1));
    }

    /** Relaxed replay of a trace read into memory. */
    public static ReplayResult relaxed(Trace trace, String name, ReplayOptions options) {
        return relaxedOrBranching(TraceSource.of(trace), name, ReplayResult.Mode.RELAXED, options, -1);
    }

    /** Strict replay of a trace file up to event {@code eventIndex}, then live on the fake device. */
    public static ReplayResult branch(Path path, int eventIndex) {
        return branch(path, eventIndex, ReplayOptions.DEFAULTS);
    }

    /** Strict replay of a trace file up to event {@code eventIndex}, then live on the fake device. */
    public static ReplayResult branch(Path path, int eventIndex, ReplayOptions options) {
        checkBranchIndex(eventIndex);
        return fromFile(path, ReplayResult.Mode.BRANCH, options,
                source -> relaxedOrBranching(source, path.toString(), ReplayResult.Mode.BRANCH, options, eventIndex));
    }

    /**
     * Strict replay of a trace up to event {@code eventIndex}, then live: the first platform call made
     * when the replay has consumed the events before {@code eventIndex} and every later call are
     * answered by the trace-driven machine. Outcomes are still compared with the recorded ones.
     */
    public static ReplayResult branch(Trace trace, String name, int eventIndex, ReplayOptions options) {
        checkBranchIndex(eventIndex);
        return relaxedOrBranching(TraceSource.of(trace), name, ReplayResult.Mode.BRANCH, options, eventIndex);
    }

    private static void checkBranchIndex(int eventIndex) {
        if (eventIndex < 0) {
            throw new IllegalArgumentException("the branch event index must not be negative: " + eventIndex);
        }
    }

    /** Replays the trace file {@code path}, read as a stream; a file that cannot be opened as a trace is a bad trace. */
    private static ReplayResult fromFile(Path path, ReplayResult.Mode mode, ReplayOptions options,
            Function<TraceSource, ReplayResult> replay) {
        TraceSource source;
        try {
            source = TraceSource.of(path, options.validPrefix() ? TraceReader.Mode.VALID_PREFIX : TraceReader.Mode.COMPLETE);
        } catch (TraceFormatException | UncheckedIOException e) {
            return unreadable(path.toString(), mode, e);
        }
        return replay.apply(source);
    }

    /** The result for a trace that cannot be read to its end. */
    private static ReplayResult unreadable(String name, ReplayResult.Mode mode, RuntimeException e) {
        return new ReplayResult(name, mode, ReplayResult.Status.BAD_TRACE, false, 0, 0, 0, Optional.empty(),
                "the trace cannot be read: " + TraceProblem.describe(e), List.of());
    }

    /** The outcome recorded for an exception, as {@link dev.vblk.recorder.TraceRecorder} records it. */
    static OperationOutcome.Failed failure(Throwable e) {
        String kind;
        if (e instanceof BlockDeviceException blockError) {
            kind = blockError.kind().name();
        } else if (e instanceof ReplayedPlatformFailure replayed) {
            kind = replayed.recordedKind();
        } else {
            kind = e.getClass().getName();
        }
        return new OperationOutcome.Failed(kind, e.getMessage() == null ? "" : e.getMessage());
    }

    /** Whether two outcomes match: the same digest, or failures of the same kind. */
    static boolean sameOutcome(OperationOutcome recorded, OperationOutcome actual) {
        if (recorded instanceof OperationOutcome.Failed failed) {
            return actual instanceof OperationOutcome.Failed other && failed.errorKind().equals(other.errorKind());
        }
        return recorded.equals(actual);
    }

    /** One replay. */
    private static final class Run {
        private final TraceSource source;
        private final String name;
        private final ReplayResult.Mode mode;
        private final ReplayOptions options;
        private final int branchAt;
        private EventWindow events;
        private OperationStream operations;
        /** Operations read ahead of the replay (to find a completion delivered early), not yet issued. */
        private final Deque<RecordedOperation> ahead = new ArrayDeque<>();
        /** Whether the rest of the trace was read for {@link #refusal()}, and what it found. */
        private boolean refusalKnown;
        private Optional<ReplayResult> refusal = Optional.empty();
        private RecordedOperation current;
        private DriverSession session;
        private int compared;
        private int lastEnd = -1;
        private final List<String> notes = new ArrayList<>();
        /** Recorded operation id of each submission issued again, to the session's ticket for it; and back. */
        private final Map<Long, Long> tickets = new HashMap<>();
        private final Map<Long, Long> recordedIds = new HashMap<>();
        /** The recorded completions read and not yet delivered by the replay, by operation id. */
        private final Map<Long, TraceEvent.OperationEnd> undelivered = new LinkedHashMap<>();

        private ReplayPlatform strict;
        private TraceDrivenMachine machine;
        private BranchPlatform branch;
        private RecentCalls recent;

        /** In a replay of several threads: this thread's part in it; null when one thread replays the trace. */
        private final ThreadedRun.Part part;
        private boolean metThreadSwitches;

        Run(TraceSource source, String name, ReplayResult.Mode mode, ReplayOptions options, int branchAt,
                ThreadedRun.Part part) {
            this.source = source;
            this.name = name;
            this.mode = mode;
            this.options = options;
            this.branchAt = branchAt;
            this.part = part;
        }

        /** After {@link #execute()}: whether the trace has thread switches (a run of several threads). */
        boolean metThreadSwitches() {
            return metThreadSwitches;
        }

        ReplayResult execute() {
            BoardParameters board = null;
            String boardProblem = null;
            try {
                board = BoardParameters.fromMap(source.metadata().board());
            } catch (IllegalArgumentException e) {
                boardProblem = e.getMessage();
            }
            MmioWindow window = board == null ? MmioWindow.QEMU_VIRT : board.window();
            TraceSource.Pass pass;
            try {
                pass = source.open();
            } catch (TraceFormatException | UncheckedIOException e) {
                return unreadable(name, mode, e);
            }
            try (EventWindow opened = new EventWindow(pass, window)) {
                events = opened;
                operations = new OperationStream(events, part == null || part.opensTheSession());
                return replay(board, boardProblem);
            } finally {
                metThreadSwitches = events != null && events.threadSwitches();
                if (machine != null && part == null) {
                    machine.close();
                }
            }
        }

        private ReplayResult replay(BoardParameters board, String boardProblem) {
            Optional<RecordedOperation> first = nextOperation();
            if (first.isEmpty() || operations.problem().isPresent()) {
                return refusal().orElseThrow();
            }
            if (boardProblem != null) {
                return refusal().orElseGet(() -> bad(boardProblem));
            }
            MmioWindow window = board.window();
            BoardParameters driverBoard = options.driverOptions().map(board::withOptions).orElse(board);
            if (mode == ReplayResult.Mode.BRANCH && board.pci().isPresent()) {
                return refusal().orElseGet(() -> bad("the trace scans PCI bus 0, and branching replay does not keep a "
                        + "fake PCI function in step with a strict replay; replay it strictly or relaxed"));
            }
            Platform base;
            try {
                base = platform(window, board.pci(), driverBoard.options().guestMemoryPerDevice());
            } catch (UnreplayableTraceException e) {
                return refusal().orElseGet(() -> bad(e.getMessage()));
            } catch (TraceFormatException | UncheckedIOException e) {
                return refusal().orElseGet(() -> unreadable(name, mode, e));
            }
            Platform driverPlatform = options.driverView().apply(base);
            RecordedOperation operation = first.get();
            while (true) {
                events.dropBefore(keptFrom());
                current = operation;
                Optional<DivergenceReport> report;
                try {
                    report = issue(operation, driverPlatform, driverBoard);
                } catch (ReplayDivergence divergence) {
                    report = Optional.of(divergence.report());
                }
                if (report.isPresent()) {
                    DivergenceReport found = report.get();
                    return refusal().orElseGet(() -> diverged(found));
                }
                compared++;
                lastEnd = operation.endIndex();
                Optional<RecordedOperation> next = nextOperation();
                if (next.isEmpty() || operations.problem().isPresent()) {
                    break;
                }
                operation = next.get();
            }
            Optional<ReplayResult> refused = refusal();
            if (refused.isPresent()) {
                return refused.get();
            }
            if (!checksStrictly() && !outcomesLive() && !undelivered.isEmpty()) {
                long id = undelivered.keySet().iterator().next();
                return diverged(new DivergenceReport("", modeName(), OptionalLong.empty(),
                        "the completion of operation " + id + " was recorded but never delivered", "its completion",
                        "none", "", recent == null ? List.of() : recent.render()));
            }
            try {
                finish();
            } catch (ReplayDivergence divergence) {
                return diverged(divergence.report());
            }
            notesAtEnd();
            return result(ReplayResult.Status.REPRODUCED, Optional.empty(), "every call and every outcome matched the trace");
        }

        /** Issues one recorded operation again and compares it with the recording. */
        private Optional<DivergenceReport> issue(RecordedOperation operation, Platform driverPlatform,
                BoardParameters driverBoard) {
            begin(operation);
            if (operation.begin().submitted()) {
                return submit(operation);
            }
            if (operation.begin().kind().takesCompletions()) {
                return takeCompletions(operation);
            }
            OperationOutcome actual = perform(operation, driverPlatform, driverBoard);
            return afterCall(operation).or(() -> outcomesLive() || sameOutcome(operation.end().outcome(), actual)
                    ? Optional.empty() : Optional.of(outcomeReport(operation, operation.end(), actual)));
        }

        /** The next operation to issue: one read ahead before, or the next in the trace. */
        private Optional<RecordedOperation> nextOperation() {
            return ahead.isEmpty() ? readOperation() : Optional.of(ahead.poll());
        }

        /** Reads the trace's next operation and takes note of the completions it delivers. */
        private Optional<RecordedOperation> readOperation() {
            Optional<RecordedOperation> read = operations.next();
            read.ifPresent(operation -> operation.completions().forEach(end -> undelivered.put(end.operationId(), end)));
            return read;
        }

        /**
         * The recorded completion of operation {@code id}, taken from those not yet delivered; the
         * trace is read ahead for it when a poll or wait it has not reached yet delivers it.
         */
        private TraceEvent.OperationEnd takeRecordedCompletion(long id) {
            while (!undelivered.containsKey(id)) {
                Optional<RecordedOperation> later = readOperation();
                if (later.isEmpty()) {
                    break;
                }
                ahead.add(later.get());
                events.dropBefore(keptFrom());
            }
            return undelivered.remove(id);
        }

        /** The first event a report may still show: strictly, those before the position; otherwise none. */
        private int keptFrom() {
            return checksStrictly() ? strict.position() - ReplayPlatform.CONTEXT_EVENTS - 1 : operations.position();
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
            ahead.clear();
            events.dropBefore(keptFrom());
            operations.skipRest();
            int size = events.end();
            Optional<String> problem = operations.problem();
            if (events.failure().isPresent()) {
                refusal = Optional.of(unreadable(name, mode, events.failure().get()));
            } else if (problem.isPresent()) {
                refusal = Optional.of(bad(problem.get()));
            } else if (!events.complete()) {
                RecordedOperation last = operations.last();
                // A submission still pending runs up to the next marker; any other operation ends at its end.
                int kept = Math.min(size, last.pendingSubmission() ? last.endIndex() : last.endIndex() + 1);
                notes.add(0, "the trace was cut short: replayed up to " + TraceEventFormatter.operation(last.begin())
                        + " (ends at event " + (kept - 1) + "); " + (size - kept) + " later event(s) were not replayed");
                events.endAt(kept);
            }
            return refusal;
        }

        private Platform platform(MmioWindow window, Optional<PciHostBridge> pci, long memoryPerDevice) {
            switch (mode) {
                case STRICT:
                    if (part != null) {
                        strict = new ReplayPlatform(events, part.turns());
                        part.platforms().register(strict);
                        return part.platforms();
                    }
                    strict = new ReplayPlatform(events);
                    return strict;
                case RELAXED:
                    if (part != null) {
                        machine = part.machine(() -> TraceDrivenMachine.fromTrace(part.trace(), window, pci, memoryPerDevice));
                        recent = part.recentCalls(() -> new RecentCalls(machine.platform(), window, RECENT_CALLS));
                        machine.describeWith(this::operationText, recent::render);
                        return recent;
                    }
                    machine = TraceDrivenMachine.fromTrace(source, window, pci, memoryPerDevice);
                    recent = new RecentCalls(machine.platform(), window, RECENT_CALLS);
                    machine.describeWith(this::operationText, recent::render);
                    return recent;
                default:
                    strict = new ReplayPlatform(events);
                    machine = TraceDrivenMachine.forBranching(source, window);
                    branch = new BranchPlatform(strict, machine, branchAt, options.atBranch());
                    recent = new RecentCalls(branch, window, RECENT_CALLS);
                    machine.describeWith(this::operationText, recent::render);
                    return recent;
            }
        }

        /** Whether a recorded branching replay has reached its branch: outcomes are then recorded, not compared. */
        private boolean outcomesLive() {
            return options.recording().isPresent() && branch != null && strict.position() >= branchAt;
        }

        private boolean checksStrictly() {
            return strict != null && (branch == null || !branch.branched());
        }

        private void begin(RecordedOperation operation) {
            if (checksStrictly() && (branch == null || strict.position() < branchAt)) {
                strict.beginOperation(operation);
            }
        }

        private void end(RecordedOperation operation) {
            if (checksStrictly()) {
                strict.endOperation(operation);
            }
        }

        private void finish() {
            if (checksStrictly()) {
                strict.finish();
            }
        }

        private Optional<ReplayDivergence> divergence() {
            if (strict != null && strict.divergence().isPresent()) {
                return strict.divergence();
            }
            return machine == null ? Optional.empty() : machine.divergence();
        }

        /** The divergence the platform found during a call, after which the call's end is announced. */
        private Optional<DivergenceReport> afterCall(RecordedOperation operation) {
            Optional<ReplayDivergence> divergence = divergence();
            if (divergence.isPresent()) {
                return Optional.of(divergence.get().report());
            }
            end(operation);
            return Optional.empty();
        }

        /** Issues a recorded submission again; it must be accepted, or refused as it was. */
        private Optional<DivergenceReport> submit(RecordedOperation operation) {
            OperationOutcome actual;
            try {
                if (session() == null) {
                    actual = new OperationOutcome.Failed(IllegalStateException.class.getName(), "discovery failed");
                } else {
                    long ticket = session.submit(BlockOperation.of(operation.begin()));
                    tickets.put(operation.begin().operationId(), ticket);
                    recordedIds.put(ticket, operation.begin().operationId());
                    actual = OperationOutcome.Succeeded.ofNothing();
                }
            } catch (RuntimeException e) {
                actual = failure(e);
            }
            OperationOutcome submitted = actual;
            return afterCall(operation).or(() -> {
                if (outcomesLive()) {
                    return Optional.empty();
                }
                if (operation.pendingSubmission()) {
                    return submitted instanceof OperationOutcome.Failed
                            ? Optional.of(outcomeReport(operation, null, submitted)) : Optional.empty();
                }
                return sameOutcome(operation.end().outcome(), submitted) ? Optional.empty()
                        : Optional.of(outcomeReport(operation, operation.end(), submitted));
            });
        }

        /**
         * Issues a recorded poll or wait again. Strictly, it must deliver the recorded completions in
         * the recorded order with the recorded outcomes; otherwise each completion it delivers must
         * have its recorded outcome, and every recorded one must be delivered by the end.
         */
        private Optional<DivergenceReport> takeCompletions(RecordedOperation operation) {
            TraceEvent.OperationBegin begin = operation.begin();
            List<DriverSession.SessionCompletion> delivered;
            OperationOutcome actual;
            try {
                List<Long> awaited = new ArrayList<>();
                List<Long> outstanding = checksStrictly() ? List.of() : session().outstanding(begin.device());
                for (long id : begin.awaited()) {
                    Long ticket = tickets.get(id);
                    if (ticket == null && outcomesLive()) {
                        continue;
                    }
                    if (ticket == null) {
                        throw new UnreplayableTraceException("event " + operation.beginIndex() + " waits for operation "
                                + id + ", which was not submitted before it");
                    }
                    if (!checksStrictly() && !outstanding.contains(ticket)) {
                        // Delivered already, by a wait that took completions grouped otherwise than recorded.
                        continue;
                    }
                    awaited.add(ticket);
                }
                delivered = session().complete(begin.kind(), begin.device(), awaited,
                        begin.budgetNanos() < 0 ? AsyncBlockDevice.NO_TIME_BUDGET : begin.budgetNanos());
                actual = null;
            } catch (RuntimeException e) {
                delivered = List.of();
                actual = failure(e);
            }
            Optional<DivergenceReport> divergence = afterCall(operation);
            if (divergence.isPresent() || outcomesLive()) {
                return divergence;
            }
            if (actual != null || operation.end().outcome() instanceof OperationOutcome.Failed) {
                OperationOutcome got = actual == null ? OperationOutcome.Succeeded.ofNothing() : actual;
                return sameOutcome(operation.end().outcome(), got) ? Optional.empty()
                        : Optional.of(outcomeReport(operation, operation.end(), got));
            }
            List<Long> order = new ArrayList<>();
            for (DriverSession.SessionCompletion completion : delivered) {
                long id = recordedIds.get(completion.ticket());
                order.add(id);
                TraceEvent.OperationEnd recorded = takeRecordedCompletion(id);
                if (recorded == null) {
                    return Optional.of(outcomeReport(operation, null, completion.outcome(),
                            "the replay delivered the completion of operation " + id + ", which the trace does not have here"));
                }
                if (!sameOutcome(recorded.outcome(), completion.outcome())) {
                    return Optional.of(outcomeReport(operation, recorded, completion.outcome(),
                            "the completion of operation " + id + " differs"));
                }
            }
            List<Long> recordedOrder = operation.completions().stream().map(TraceEvent.OperationEnd::operationId).toList();
            if (checksStrictly() && !order.equals(recordedOrder)) {
                return Optional.of(outcomeReport(operation, operation.end(), OperationOutcome.Succeeded.ofNothing(),
                        "the trace delivers completions " + recordedOrder + " here, the replay " + order));
            }
            return Optional.empty();
        }

        private OperationOutcome perform(RecordedOperation operation, Platform platform, BoardParameters board) {
            try {
                if (operation.begin().kind() == OperationKind.DISCOVERY) {
                    session = DriverSession.discover(platform, board, options.recording().orElse(null), options.deviceView());
                    if (part != null) {
                        part.sessions().complete(session);
                    }
                    return OperationOutcome.Succeeded.ofData(session.scanSummary());
                }
                if (session() == null) {
                    return new OperationOutcome.Failed(IllegalStateException.class.getName(), "discovery failed");
                }
                return OperationOutcome.Succeeded.returning(session.perform(BlockOperation.of(operation.begin())));
            } catch (RuntimeException e) {
                return failure(e);
            }
        }

        /**
         * The replayed session: this run's own, or in a replay of several threads the one the
         * discovering thread set up (its DISCOVERY came before this thread's first event).
         */
        private DriverSession session() {
            if (session == null && part != null) {
                session = part.sessions().join();
            }
            return session;
        }

        private String operationText() {
            return current == null ? "" : TraceEventFormatter.operation(current.begin()) + " (began at event "
                    + current.beginIndex() + ")";
        }

        private DivergenceReport outcomeReport(RecordedOperation operation, TraceEvent.OperationEnd recorded,
                OperationOutcome actual) {
            return outcomeReport(operation, recorded, actual, null);
        }

        /**
         * A report of an outcome that differs from the recorded one: {@code recorded} is null for a
         * submission the trace accepted or a completion it does not have; {@code detail} replaces the
         * headline's comparison when given.
         */
        private DivergenceReport outcomeReport(RecordedOperation operation, TraceEvent.OperationEnd recorded,
                OperationOutcome actual, String detail) {
            String expected = recorded == null ? "submitted" : TraceEventFormatter.outcome(recorded.outcome());
            String got = TraceEventFormatter.outcome(actual);
            int index = operation.endIndex();
            List<String> context = checksStrictly() ? events.context(events.has(index) ? index : index - 1)
                    : recent.render();
            String comparison = detail != null ? detail : "trace has " + (recorded == null ? "it submitted"
                    : shortOutcome(recorded.outcome())) + ", replay " + shortOutcome(actual);
            return new DivergenceReport("", modeName(), OptionalLong.of(index),
                    "event " + index + ": " + TraceEventFormatter.operation(operation.begin()) + ": " + comparison,
                    expected, got, operationText(), context);
        }

        private static String shortOutcome(OperationOutcome outcome) {
            return outcome instanceof OperationOutcome.Failed failed ? "failed " + failed.errorKind()
                    : TraceEventFormatter.outcome(outcome);
        }

        private String modeName() {
            return switch (mode) {
                case STRICT -> "strict";
                case RELAXED -> "relaxed";
                case BRANCH -> "branch at event " + branchAt;
            };
        }

        private void notesAtEnd() {
            if (machine != null && part == null) {
                notes.add(machine.answeredNote());
            }
            if (branch != null) {
                notes.add(branch.branched() ? "went live at trace position " + branchAt
                        : "never went live: the replay ended before trace position " + branchAt);
                if (branch.outOfStep() > 0) {
                    notes.add("before the branch the live machine answered " + branch.outOfStep()
                            + " read(s) otherwise than the trace; first: " + branch.firstOutOfStep());
                }
            }
        }

        private long eventsReplayed() {
            long covered = lastEnd + 1L;
            return strict != null && checksStrictly() ? Math.max(covered, strict.position()) : covered;
        }

        private ReplayResult diverged(DivergenceReport report) {
            notesAtEnd();
            return result(ReplayResult.Status.DIVERGED, Optional.of(report.withTrace(name).withMode(modeName())),
                    report.headline());
        }

        private ReplayResult bad(String why) {
            return new ReplayResult(name, mode, ReplayResult.Status.BAD_TRACE, !events.complete(), 0, 0,
                    operationsInTrace(), Optional.empty(), "the trace cannot be replayed: " + why, notes);
        }

        private ReplayResult result(ReplayResult.Status status, Optional<DivergenceReport> report, String message) {
            return new ReplayResult(name, mode, status, !events.complete(), eventsReplayed(), compared, operationsInTrace(),
                    report, message, notes);
        }

        /** The complete top-level operations of the trace; 0 when its markers do not nest. */
        private int operationsInTrace() {
            return operations.markersNest() ? operations.count() : 0;
        }
    }
}
