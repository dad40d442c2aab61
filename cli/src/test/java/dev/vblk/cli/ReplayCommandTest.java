package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk replay} on the golden traces, a changed one and files that are not traces. */
class ReplayCommandTest {

    @TempDir
    Path directory;

    @Test
    void everyGoldenTraceIsReproducedStrictly() {
        Cli.Result result = Cli.run("replay", Cli.golden("discovery").toString(), Cli.golden("known-sectors").toString(),
                Cli.golden("write-read").toString(), Cli.golden("multi-sector-flush").toString(),
                Cli.golden("io-error").toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("5 trace(s): 5 reproduced, 0 diverged, 0 bad"), result.out());
        assertTrue(result.out().contains("strict replay of " + Cli.golden("io-error") + ": REPRODUCED (8 of 8 operations"),
                result.out());
    }

    @Test
    void relaxedAndBranchingReplaysReproduceToo() {
        Cli.Result relaxed = Cli.run("replay", "--relaxed", Cli.golden("write-read").toString());
        assertEquals(ExitCodes.OK, relaxed.exitCode(), relaxed.toString());
        assertTrue(relaxed.out().startsWith("relaxed replay of "), relaxed.out());
        Cli.Result branch = Cli.run("replay", "--until", "150", Cli.golden("known-sectors").toString());
        assertEquals(ExitCodes.OK, branch.exitCode(), branch.toString());
        assertTrue(branch.out().startsWith("branch replay of "), branch.out());
    }

    @Test
    void aChangedSectorDivergesWithAReport() {
        Traces.Changed changed = Traces.withChangedSector("known-sectors", directory.resolve("changed.trace.avro"));
        Cli.Result result = Cli.run("replay", changed.file().toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, result.exitCode(), result.toString());
        assertTrue(result.out().contains("DIVERGED"), result.out());
    }

    @Test
    void aBadTraceAmongGoodOnesGivesTheBadTraceStatus() throws Exception {
        Path junk = Files.write(directory.resolve("junk.trace.avro"), new byte[] {'O', 'b', 'j', 1, 0, 0});
        Cli.Result result = Cli.run("replay", Cli.golden("discovery").toString(), junk.toString());
        assertEquals(ExitCodes.BAD_TRACE, result.exitCode(), result.toString());
        assertTrue(result.out().contains("2 trace(s): 1 reproduced, 0 diverged, 1 bad"), result.out());
    }

    @Test
    void aMissingTraceIsBadInputBeforeAnythingIsReplayed() {
        Cli.Result result = Cli.run("replay", Cli.golden("discovery").toString(), directory.resolve("gone.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertEquals("", result.out());
        assertTrue(result.err().contains("gone.avro does not exist"), result.err());
    }

    @Test
    void relaxedAndUntilCannotGoTogether() {
        Cli.Result result = Cli.run("replay", "--relaxed", "--until", "3", Cli.golden("discovery").toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("mutually exclusive"), result.err());
    }

    /** {@code replay --jfr} records the replayed driver's block requests, as its help says, for {@code vblk report}. */
    @Test
    void jfrRecordingHoldsTheReplayedBlockRequests() {
        Path jfr = directory.resolve("replay.jfr");
        Cli.Result replay = Cli.run("replay", Cli.golden("known-sectors").toString(), "--jfr", jfr.toString());
        assertEquals(ExitCodes.OK, replay.exitCode(), replay.toString());
        Cli.Result report = Cli.run("report", jfr.toString());
        assertEquals(ExitCodes.OK, report.exitCode(), report.toString());
        assertTrue(report.out().lines().anyMatch(line -> line.matches("read\\s+7\\s.*\\s0")), report.out());
    }
}
