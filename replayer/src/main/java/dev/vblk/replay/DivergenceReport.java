package dev.vblk.replay;

import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where and how a replay stopped matching its trace, in terms a person can act on.
 *
 * @param trace the trace's name (usually its path), empty when not known
 * @param mode how it was replayed: {@code strict}, {@code relaxed} or {@code branch at event N}
 * @param eventIndex the index of the trace event where the replay diverged, when there is one
 * @param headline one line: where, what the driver did, what the trace has, such as
 *     {@code event 57: Status: driver wrote ACKNOWLEDGE|DRIVER, trace has ACKNOWLEDGE|DRIVER|FEATURES_OK}
 * @param expected what the trace has at that point, rendered
 * @param actual what the driver did instead, rendered
 * @param operation the block device operation in flight, rendered, or empty
 * @param context the events (or calls) just before the divergence, rendered one per line, oldest first
 */
public record DivergenceReport(
        String trace,
        String mode,
        OptionalLong eventIndex,
        String headline,
        String expected,
        String actual,
        String operation,
        List<String> context) {

    public DivergenceReport {
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(eventIndex, "eventIndex");
        Objects.requireNonNull(headline, "headline");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(actual, "actual");
        Objects.requireNonNull(operation, "operation");
        context = List.copyOf(context);
    }

    /** This report naming {@code traceName}. */
    public DivergenceReport withTrace(String traceName) {
        return new DivergenceReport(traceName, mode, eventIndex, headline, expected, actual, operation, context);
    }

    /** This report with {@code replayMode} as its mode. */
    public DivergenceReport withMode(String replayMode) {
        return new DivergenceReport(trace, replayMode, eventIndex, headline, expected, actual, operation, context);
    }

    /** The report as text, several lines. */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("Replay diverged (").append(mode).append(')');
        if (!trace.isEmpty()) {
            text.append(" in ").append(trace);
        }
        text.append('\n').append(headline).append('\n');
        if (!operation.isEmpty()) {
            text.append("  operation in flight: ").append(operation).append('\n');
        }
        text.append("  trace has: ").append(expected).append('\n');
        text.append("  driver:    ").append(actual).append('\n');
        if (!context.isEmpty()) {
            text.append("  just before:\n");
            for (String line : context) {
                text.append("    ").append(line).append('\n');
            }
        }
        return text.toString();
    }
}
