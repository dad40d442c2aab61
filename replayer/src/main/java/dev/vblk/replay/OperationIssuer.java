package dev.vblk.replay;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.platform.Platform;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Issues a trace's recorded operations again on a driver session and compares what they give with
 * what the trace recorded: a success must return data with the recorded SHA-256, a failure must have
 * the recorded error kind (messages are not compared), a submission must be accepted or refused as
 * it was, and a poll or wait must deliver the recorded completions (strictly, in the recorded
 * order). What differs is a {@link DivergenceReport}.
 */
final class OperationIssuer {

    private final ReplayStrategy strategy;
    private final RecordedOperations operations;
    private final ReplayOptions options;
    /** In a replay of several threads: this thread's part in it; null when one thread replays the trace. */
    private final ThreadedRun.Part part;
    private DriverSession session;
    private RecordedOperation current;
    /** Recorded operation id of each submission issued again, to the session's ticket for it; and back. */
    private final Map<Long, Long> tickets = new HashMap<>();
    private final Map<Long, Long> recordedIds = new HashMap<>();
    /**
     * The buffer each READ performed again reads into: its outcome is compared before the next
     * operation is issued, so one buffer serves them all.
     */
    private byte[] readBuffer = new byte[0];

    OperationIssuer(ReplayStrategy strategy, RecordedOperations operations, ReplayOptions options, ThreadedRun.Part part) {
        this.strategy = strategy;
        this.operations = operations;
        this.options = options;
        this.part = part;
    }

    /**
     * Issues one recorded operation again through {@code platform} (a DISCOVERY discovers the devices
     * of {@code board} on it) and compares it with the recording.
     *
     * @return the divergence, if it differs
     * @throws ReplayDivergence if the platform found one that ended the call
     */
    Optional<DivergenceReport> issue(RecordedOperation operation, Platform platform, BoardParameters board) {
        current = operation;
        strategy.begin(operation);
        if (operation.begin().submitted()) {
            return submit(operation);
        }
        if (operation.begin().kind().takesCompletions()) {
            return takeCompletions(operation);
        }
        OperationOutcome actual = perform(operation, platform, board);
        return afterCall(operation).or(() -> strategy.outcomesLive() || sameOutcome(operation.end().outcome(), actual)
                ? Optional.empty() : Optional.of(outcomeReport(operation, operation.end(), actual, null)));
    }

    /** The operation being issued, described, or empty before the first. */
    String operationInFlight() {
        return current == null ? "" : TraceEventFormatter.operation(current.begin()) + " (began at event "
                + current.beginIndex() + ")";
    }

    /** The divergence the platform found during a call, after which the call's end is announced. */
    private Optional<DivergenceReport> afterCall(RecordedOperation operation) {
        Optional<ReplayDivergence> divergence = strategy.divergence();
        if (divergence.isPresent()) {
            return Optional.of(divergence.get().report());
        }
        strategy.end(operation);
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
            if (strategy.outcomesLive()) {
                return Optional.empty();
            }
            if (operation.pendingSubmission()) {
                return submitted instanceof OperationOutcome.Failed
                        ? Optional.of(outcomeReport(operation, null, submitted, null)) : Optional.empty();
            }
            return sameOutcome(operation.end().outcome(), submitted) ? Optional.empty()
                    : Optional.of(outcomeReport(operation, operation.end(), submitted, null));
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
            delivered = session().complete(begin.kind(), begin.device(), awaited(operation),
                    begin.budgetNanos() < 0 ? AsyncBlockDevice.NO_TIME_BUDGET : begin.budgetNanos());
            actual = null;
        } catch (RuntimeException e) {
            delivered = List.of();
            actual = failure(e);
        }
        Optional<DivergenceReport> divergence = afterCall(operation);
        if (divergence.isPresent() || strategy.outcomesLive()) {
            return divergence;
        }
        if (actual != null || operation.end().outcome() instanceof OperationOutcome.Failed) {
            OperationOutcome got = actual == null ? OperationOutcome.Succeeded.ofNothing() : actual;
            return sameOutcome(operation.end().outcome(), got) ? Optional.empty()
                    : Optional.of(outcomeReport(operation, operation.end(), got, null));
        }
        List<Long> order = new ArrayList<>();
        for (DriverSession.SessionCompletion completion : delivered) {
            long id = recordedIds.get(completion.ticket());
            order.add(id);
            TraceEvent.OperationEnd recorded = operations.takeCompletion(id);
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
        if (strategy.checksStrictly() && !order.equals(recordedOrder)) {
            return Optional.of(outcomeReport(operation, operation.end(), OperationOutcome.Succeeded.ofNothing(),
                    "the trace delivers completions " + recordedOrder + " here, the replay " + order));
        }
        return Optional.empty();
    }

    /**
     * The session's tickets of the submissions a poll or wait awaits; relaxed, those another wait
     * delivered already (taking completions grouped otherwise than recorded) are left out.
     *
     * @throws UnreplayableTraceException if it awaits an operation not submitted before it
     */
    private List<Long> awaited(RecordedOperation operation) {
        List<Long> awaited = new ArrayList<>();
        List<Long> outstanding = strategy.checksStrictly() ? List.of() : session().outstanding(operation.begin().device());
        for (long id : operation.begin().awaited()) {
            Long ticket = tickets.get(id);
            if (ticket == null && strategy.outcomesLive()) {
                continue;
            }
            if (ticket == null) {
                throw new UnreplayableTraceException("event " + operation.beginIndex() + " waits for operation "
                        + id + ", which was not submitted before it");
            }
            if (!strategy.checksStrictly() && !outstanding.contains(ticket)) {
                continue;
            }
            awaited.add(ticket);
        }
        return awaited;
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
            TraceEvent.OperationBegin begin = operation.begin();
            if (begin.kind() == OperationKind.READ && readBuffer.length != begin.readLength()) {
                readBuffer = new byte[begin.readLength()];
            }
            return OperationOutcome.Succeeded.returning(session.perform(BlockOperation.of(begin), readBuffer));
        } catch (RuntimeException e) {
            return failure(e);
        }
    }

    /**
     * The replayed session: this replay's own, or in a replay of several threads the one the
     * discovering thread set up (its DISCOVERY came before this thread's first event).
     */
    private DriverSession session() {
        if (session == null && part != null) {
            session = part.sessions().join();
        }
        return session;
    }

    /**
     * A report of an outcome that differs from the recorded one: {@code recorded} is null for a
     * submission the trace accepted or a completion it does not have; {@code detail}, when not null,
     * replaces the headline's comparison.
     */
    private DivergenceReport outcomeReport(RecordedOperation operation, TraceEvent.OperationEnd recorded,
            OperationOutcome actual, String detail) {
        String expected = recorded == null ? "submitted" : TraceEventFormatter.outcome(recorded.outcome());
        String got = TraceEventFormatter.outcome(actual);
        int index = operation.endIndex();
        String comparison = detail != null ? detail : "trace has " + (recorded == null ? "it submitted"
                : shortOutcome(recorded.outcome())) + ", replay " + shortOutcome(actual);
        return new DivergenceReport("", strategy.description(), OptionalLong.of(index),
                "event " + index + ": " + TraceEventFormatter.operation(operation.begin()) + ": " + comparison,
                expected, got, operationInFlight(), strategy.context(index));
    }

    private static String shortOutcome(OperationOutcome outcome) {
        return outcome instanceof OperationOutcome.Failed failed ? "failed " + failed.errorKind()
                : TraceEventFormatter.outcome(outcome);
    }

    /** The outcome recorded for an exception, as {@link dev.vblk.recorder.TraceRecorder} records it. */
    private static OperationOutcome.Failed failure(Throwable e) {
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
    private static boolean sameOutcome(OperationOutcome recorded, OperationOutcome actual) {
        if (recorded instanceof OperationOutcome.Failed failed) {
            return actual instanceof OperationOutcome.Failed other && failed.errorKind().equals(other.errorKind());
        }
        return recorded.equals(actual);
    }
}
