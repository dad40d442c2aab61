package dev.vblk.fuzz.campaign;

import java.nio.file.Path;
import java.util.List;

/**
 * A failing case of a campaign, shrunk and (with a failure folder) saved.
 *
 * @param index the case's index in the campaign (the same in every shard)
 * @param caseSeed the seed the case was drawn from ({@link FuzzCampaign#caseSeed})
 * @param name the name its files are saved under
 * @param source what kind of case: {@code generated} or {@code trace-seeded}
 * @param description what the case was: a scenario's seed, or a seed trace and its mutation
 * @param findings the shrunk case's findings, as text
 * @param shrinking how much smaller shrinking made it
 * @param saved the files written for it (empty without a failure folder)
 */
public record FailedCase(long index, long caseSeed, String name, String source, String description, List<String> findings,
        String shrinking, List<Path> saved) {

    public FailedCase {
        findings = List.copyOf(findings);
        saved = List.copyOf(saved);
    }
}
