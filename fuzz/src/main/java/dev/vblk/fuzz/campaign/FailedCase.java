package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.shrink.ShrinkSize;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A failing case of a campaign, shrunk and (with a failure folder) saved.
 *
 * @param index the case's index in the campaign (the same in every shard)
 * @param caseSeed the seed the case was drawn from ({@link FuzzCampaign#caseSeed})
 * @param name the name its files are saved under
 * @param source what kind of case: {@code generated} or {@code trace-seeded}
 * @param description what the case was: a scenario's seed, or a seed trace and its mutation
 * @param findings the shrunk case's findings
 * @param shrunkTo the shrunk case's size
 * @param shrinking how much smaller shrinking made it, for people
 * @param scenarioFile the saved scenario (generated cases with a failure folder)
 * @param traceFile the saved trace (with a failure folder)
 */
public record FailedCase(long index, long caseSeed, String name, String source, String description, List<Finding> findings,
        ShrinkSize shrunkTo, String shrinking, Optional<Path> scenarioFile, Optional<Path> traceFile) {

    public FailedCase {
        findings = List.copyOf(findings);
        Objects.requireNonNull(shrunkTo, "shrunkTo");
        Objects.requireNonNull(scenarioFile, "scenarioFile");
        Objects.requireNonNull(traceFile, "traceFile");
    }

    /** The files written for it: the scenario, then the trace (none without a failure folder). */
    public List<Path> saved() {
        return Stream.concat(scenarioFile.stream(), traceFile.stream()).toList();
    }
}
