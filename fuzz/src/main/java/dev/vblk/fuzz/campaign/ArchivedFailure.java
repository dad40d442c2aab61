package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.scenario.Scenario;
import java.util.List;

/**
 * A failing scenario as the {@link FailureArchive} keeps it: the scenario in full (so a shrunk one
 * that no seed reproduces still replays) and the findings it had when it was saved.
 *
 * @param name the file's name without {@code .scenario.json}
 * @param findings the findings when saved, as text
 * @param scenario the scenario
 */
public record ArchivedFailure(String name, List<String> findings, Scenario scenario) {

    public ArchivedFailure {
        findings = List.copyOf(findings);
    }
}
