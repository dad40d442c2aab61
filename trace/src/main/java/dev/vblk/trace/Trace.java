package dev.vblk.trace;

import java.util.List;

/**
 * A trace read whole into memory.
 *
 * @param metadata what the trace says about itself
 * @param events its intact events, in recording order
 * @param complete whether the trace ends with its end marker (false for a valid prefix)
 */
public record Trace(TraceMetadata metadata, List<TraceEvent> events, boolean complete) {

    public Trace {
        events = List.copyOf(events);
    }
}
