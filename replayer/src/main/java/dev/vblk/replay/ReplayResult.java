package dev.vblk.replay;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What a replay found.
 *
 * @param trace the trace's name (usually its path)
 * @param mode strict, relaxed or branch
 * @param status reproduced, diverged, or a trace that cannot be replayed
 * @param truncated whether the trace was cut short (no end marker) and was replayed up to its last
 *     complete operation
 * @param eventsReplayed trace events the replay went through: consumed ones in strict replay, those
 *     of the operations compared in relaxed replay
 * @param operationsCompared operations whose outcome was compared and matched
 * @param operationsInTrace complete top-level operations in the trace
 * @param divergence the report, when the replay diverged
 * @param message one line for people: why the trace cannot be replayed, or a summary
 * @param notes further remarks (a truncated trace, a live machine out of step before a branch)
 */
public record ReplayResult(
        String trace,
        Mode mode,
        Status status,
        boolean truncated,
        long eventsReplayed,
        int operationsCompared,
        int operationsInTrace,
        Optional<DivergenceReport> divergence,
        String message,
        List<String> notes) {

    /** How the trace was replayed. */
    public enum Mode {
        /** Every platform call checked against the trace and answered from it. */
        STRICT,
        /** The driver on a fake device answering from the trace's requests. */
        RELAXED,
        /** Strict up to an event, then live on the fake device. */
        BRANCH
    }

    /** The verdict. */
    public enum Status {
        /** Same calls (strict) and same outcomes: the recording was reproduced. */
        REPRODUCED,
        /** The replay differed from the trace; see the divergence report. */
        DIVERGED,
        /** The trace is damaged or cannot be replayed in this mode; see the message. */
        BAD_TRACE
    }

    public ReplayResult {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(divergence, "divergence");
        Objects.requireNonNull(message, "message");
        notes = List.copyOf(notes);
        if ((status == Status.DIVERGED) != divergence.isPresent()) {
            throw new IllegalArgumentException("a divergence report comes with, and only with, a DIVERGED status");
        }
    }

    /** Whether the recording was reproduced. */
    public boolean reproduced() {
        return status == Status.REPRODUCED;
    }

    /** Everything, as text: a summary line, the notes, and the divergence report if any. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append(mode.name().toLowerCase(Locale.ROOT)).append(" replay of ").append(trace).append(": ")
                .append(status).append(" (").append(operationsCompared).append(" of ").append(operationsInTrace)
                .append(" operations, ").append(eventsReplayed).append(" events): ").append(message).append('\n');
        for (String note : notes) {
            text.append("  note: ").append(note).append('\n');
        }
        divergence.ifPresent(report -> text.append(report.render()));
        return text.toString();
    }
}
