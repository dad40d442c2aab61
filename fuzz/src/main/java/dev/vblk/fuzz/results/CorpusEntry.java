package dev.vblk.fuzz.results;

import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.shrink.ShrinkSize;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One saved failure as the failure corpus ({@value ResultFiles#FAILURES}) indexes it.
 *
 * @param campaignSeed the campaign seed
 * @param shard the shard that found it
 * @param caseIndex the case's index in the whole campaign
 * @param caseSeed the seed the case was drawn from
 * @param name the name its files are saved under
 * @param description what the case was: a scenario's seed, or a seed trace and its mutation
 * @param findings the shrunk case's findings (at least one)
 * @param scenarioFile generated cases: the saved scenario
 * @param traceFile the saved trace
 * @param shrunkTo the shrunk case's size
 * @param shrinking how much smaller shrinking made it, for people
 */
public record CorpusEntry(long campaignSeed, Shard shard, long caseIndex, long caseSeed, String name, String description,
        List<Finding> findings, Optional<Path> scenarioFile, Optional<Path> traceFile, ShrinkSize shrunkTo,
        String shrinking) {

    public CorpusEntry {
        Objects.requireNonNull(shard, "shard");
        findings = List.copyOf(findings);
        if (findings.isEmpty()) {
            throw new IllegalArgumentException("a saved failure has at least one finding");
        }
        Objects.requireNonNull(scenarioFile, "scenarioFile");
        Objects.requireNonNull(traceFile, "traceFile");
        Objects.requireNonNull(shrunkTo, "shrunkTo");
    }
}
