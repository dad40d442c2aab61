package dev.vblk.fuzz.results;

import dev.vblk.fuzz.campaign.Shard;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One case of a campaign as its results file ({@value ResultFiles#CASES}) keeps it.
 *
 * @param campaignSeed the campaign seed
 * @param shard the shard that ran the case
 * @param caseIndex the case's index in the whole campaign
 * @param caseSeed the seed the case was drawn from
 * @param source {@code generated} or {@code trace-seeded}
 * @param seedTrace trace-seeded: the seed trace's name
 * @param mutation trace-seeded: the change made to the seed
 * @param passed whether every invariant held
 * @param invariants the invariants violated, each once, in the order first violated
 * @param findings every violation, as text, before shrinking
 * @param platformCalls platform calls the driver made in the case
 * @param virtualNanos virtual time between the driver's first and last clock read, when it read it twice or more
 * @param newCoverage the behaviour coverage keys the case reached first in its shard
 */
public record CaseResult(long campaignSeed, Shard shard, long caseIndex, long caseSeed, String source,
        Optional<String> seedTrace, Optional<String> mutation, boolean passed, List<String> invariants,
        List<String> findings, long platformCalls, OptionalLong virtualNanos, List<Long> newCoverage) {

    public CaseResult {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(seedTrace, "seedTrace");
        Objects.requireNonNull(mutation, "mutation");
        Objects.requireNonNull(virtualNanos, "virtualNanos");
        invariants = List.copyOf(invariants);
        findings = List.copyOf(findings);
        newCoverage = List.copyOf(newCoverage);
    }
}
