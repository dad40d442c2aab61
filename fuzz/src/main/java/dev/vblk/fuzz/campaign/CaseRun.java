package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.Finding;
import java.util.List;

/** One case a {@link CaseSource} ran: what the oracle found and what driver behaviour it reached. */
public interface CaseRun {

    /** The violations found; empty when the driver behaved. */
    List<Finding> findings();

    /** The driver behaviour the case reached. */
    BehaviourCoverage coverage();

    /** Whether every invariant held. */
    default boolean passed() {
        return findings().isEmpty();
    }
}
