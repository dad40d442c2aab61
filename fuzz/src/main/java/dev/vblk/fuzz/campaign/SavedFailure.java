package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.trace.RecordedScenario;
import java.nio.file.Path;
import java.util.List;

/**
 * The two files a {@link FailureArchive} keeps for one failure.
 *
 * @param scenarioFile {@code <name>.scenario.json}: the findings and the scenario, which reruns the oracle
 * @param trace what was recorded into {@code <name>.trace.avro}, which the replayer replays
 */
public record SavedFailure(Path scenarioFile, RecordedScenario trace) {

    /** The trace file. */
    public Path traceFile() {
        return trace.file();
    }

    /** Both files: the scenario, then the trace. */
    public List<Path> files() {
        return List.of(scenarioFile, trace.file());
    }
}
