package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.FuzzCampaign;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk fuzz}: a short campaign, its Flight Recorder events, and bad arguments. */
class FuzzCommandTest {

    @TempDir
    Path directory;

    @Test
    void runsTheCasesAskedForAndRecordsOneEventPerCase() throws Exception {
        Path jfr = directory.resolve("fuzz.jfr");
        Cli.Result result = Cli.run("fuzz", "--seed", "11", "--iterations", "40", "--out", directory.resolve("f").toString(),
                "--jfr", jfr.toString());
        assertTrue(result.exitCode() == ExitCodes.OK || result.exitCode() == ExitCodes.FOUND_PROBLEMS, result.toString());
        assertTrue(result.out().startsWith("fuzz campaign: seed 11, 40 cases\n40 cases in "), result.out());
        assertTrue(result.out().contains("repeat with: vblk fuzz --seed 11 --iterations 40"), result.out());

        List<RecordedEvent> cases = new ArrayList<>();
        for (RecordedEvent event : RecordingFile.readAllEvents(jfr)) {
            if (event.getEventType().getName().equals(FuzzCaseEvent.NAME)) {
                cases.add(event);
            }
        }
        assertEquals(40, cases.size());
        cases.sort((a, b) -> Long.compare(a.getLong("caseIndex"), b.getLong("caseIndex")));
        assertEquals(Long.toHexString(FuzzCampaign.caseSeed(11, 39)), cases.get(39).getString("seed"));
        long failed = cases.stream().filter(event -> !event.getBoolean("passed")).count();
        assertTrue(result.out().contains(", " + failed + " failed\n"), result.out());
    }

    @Test
    void aBadDurationIsAUsageError() {
        Cli.Result result = Cli.run("fuzz", "--duration", "soon");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("expected a duration such as 500ms, 30s, 5m or 1h, not 'soon'"), result.err());
    }

    @Test
    void durationConverterReadsEachUnit() {
        FuzzCommand.DurationConverter converter = new FuzzCommand.DurationConverter();
        assertEquals(java.time.Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(java.time.Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(java.time.Duration.ofMinutes(5), converter.convert("5m"));
        assertEquals(java.time.Duration.ofHours(1), converter.convert("1h"));
    }
}
