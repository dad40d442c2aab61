package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.Finding;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** One case a {@link CaseSource} ran: what the oracle found and what driver behaviour it reached. */
public interface CaseRun {

    /** What kind of case: {@code generated} or {@code trace-seeded}. */
    String source();

    /** The seed trace a trace-seeded case started from. */
    default Optional<String> seedTrace() {
        return Optional.empty();
    }

    /** The change a trace-seeded case made to its seed. */
    default Optional<String> mutation() {
        return Optional.empty();
    }

    /** How many platform calls the driver made in the case. */
    long platformCalls();

    /** The virtual time between the driver's first and last clock read, when the case measures it. */
    default OptionalLong virtualNanos() {
        return OptionalLong.empty();
    }

    /** The violations found; empty when the driver behaved. */
    List<Finding> findings();

    /** The driver behaviour the case reached. */
    BehaviourCoverage coverage();

    /** Whether every invariant held. */
    default boolean passed() {
        return findings().isEmpty();
    }
}
