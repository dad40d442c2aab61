package dev.vblk.cli;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** The verdict of one trace's replay, with where it diverged; spans the replay. */
@Name(ReplayVerdictEvent.NAME)
@Label("Replay Verdict")
@Category({"vblk", "Replay"})
@Description("A trace replayed against the driver: reproduced, diverged (and where), or a bad trace")
@StackTrace(false)
final class ReplayVerdictEvent extends Event {

    /** The event type's name in a recording. */
    static final String NAME = "dev.vblk.ReplayVerdict";

    @Label("Trace")
    String trace;

    @Label("Mode")
    @Description("strict, relaxed or branch")
    String mode;

    @Label("Status")
    @Description("REPRODUCED, DIVERGED or BAD_TRACE")
    String status;

    @Label("Events Replayed")
    long eventsReplayed;

    @Label("Operations Compared")
    int operationsCompared;

    @Label("Divergence Event")
    @Description("Index of the trace event where the replay diverged, -1 when it did not")
    long divergenceEvent;

    @Label("Headline")
    @Description("The divergence report's first line, or the replay's message")
    String headline;
}
