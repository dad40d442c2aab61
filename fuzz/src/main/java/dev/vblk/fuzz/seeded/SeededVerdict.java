package dev.vblk.fuzz.seeded;

import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.replay.ReplayResult;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The oracle's judgement of one trace-seeded case.
 *
 * @param seed the seed trace's name
 * @param mutation what was changed in it
 * @param findings the violations the recorded run shows; empty when the driver behaved
 * @param replay how the branching replay ended: {@code REPRODUCED} (the run reached the end of the
 *     seed's operations), or {@code DIVERGED} where the live device had no recorded answer for a
 *     request, or {@code BAD_TRACE}
 * @param recording the run recorded as an Avro trace (the seed's metadata, with the mutation added)
 * @param coverage the driver behaviour the run reached
 * @param platformCalls the platform calls the driver made in the run (the recording's platform events)
 * @param virtualNanos the virtual time between the driver's first and last clock read, empty when it
 *     read the clock fewer than twice
 */
public record SeededVerdict(String seed, TraceMutation mutation, List<Finding> findings, ReplayResult.Status replay,
        byte[] recording, BehaviourCoverage coverage, long platformCalls, OptionalLong virtualNanos) {

    public SeededVerdict {
        findings = List.copyOf(findings);
        Objects.requireNonNull(virtualNanos, "virtualNanos");
    }

    /** Whether every invariant held. */
    public boolean passed() {
        return findings.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(passed() ? "PASSED" : "FAILED (" + findings.size() + " findings)");
        findings.forEach(finding -> text.append("\n  ").append(finding));
        return text.append("\n  seed ").append(seed).append(", ").append(mutation.describe()).toString();
    }
}
