package dev.vblk.cli;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One case of a fuzz campaign: its seed and whether the oracle passed it; spans the case. */
@Name(FuzzCaseEvent.NAME)
@Label("Fuzz Case")
@Category({"vblk", "Fuzz"})
@Description("A hostile-device scenario generated from a seed, run against the driver and judged by the oracle")
@StackTrace(false)
final class FuzzCaseEvent extends Event {

    /** The event type's name in a recording. */
    static final String NAME = "dev.vblk.FuzzCase";

    @Label("Case")
    @Description("The case's index in its campaign, from 0")
    long caseIndex;

    @Label("Seed")
    @Description("The case's seed, hexadecimal: the scenario is generated from it")
    String seed;

    @Label("Passed")
    boolean passed;
}
