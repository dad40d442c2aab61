package dev.vblk.fuzz.oracle;

import dev.vblk.fuzz.scenario.Scenario;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The oracle's judgement of one run: every violated invariant, with detail.
 *
 * @param scenario what was run
 * @param findings the violations, in the order they were noticed; empty when the driver behaved
 * @param platformCalls how many platform calls the driver made in the whole run
 */
public record Verdict(Scenario scenario, List<Finding> findings, long platformCalls) {

    public Verdict {
        findings = List.copyOf(findings);
    }

    /** Whether every invariant held. */
    public boolean passed() {
        return findings.isEmpty();
    }

    /** The invariants violated at least once. */
    public Set<Invariant> violated() {
        Set<Invariant> set = EnumSet.noneOf(Invariant.class);
        findings.forEach(f -> set.add(f.invariant()));
        return set;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder(passed() ? "PASSED" : "FAILED (" + findings.size() + " findings)");
        for (Finding finding : findings) {
            text.append("\n  ").append(finding);
        }
        return text.append('\n').append(scenario).toString();
    }
}
