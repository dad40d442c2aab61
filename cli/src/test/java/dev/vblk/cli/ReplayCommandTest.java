package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Traces replayed on two threads print the same report, the same lines on the error stream and the
     * same JUnit report as on one (the times apart), in the order given: a long trace first, so that
     * shorter ones after it end before it does.
     */
    @Test
    void twoThreadsReportWhatOneDoesInTheOrderGiven() throws Exception {
        Traces.Changed changed = Traces.withChangedSector("known-sectors", directory.resolve("changed.trace.avro"));
        Path junk = Files.write(directory.resolve("junk.trace.avro"), new byte[] {'O', 'b', 'j', 1, 0, 0});
        Path folder = Files.createDirectories(directory.resolve("folder"));
        Files.copy(Cli.golden("io-error"), folder.resolve("b.trace.avro"));
        Files.copy(Cli.golden("discovery"), folder.resolve("a.trace.avro"));
        List<String> traces = List.of(Cli.golden("depth-32").toString(), Cli.golden("discovery").toString(),
                changed.file().toString(), junk.toString(), folder.toString(), Cli.golden("known-sectors").toString(),
                Cli.golden("multi-queue").toString(), Cli.golden("write-read").toString());
        Cli.Result one = replayOn(1, traces, directory.resolve("one.xml"));
        Cli.Result two = replayOn(2, traces, directory.resolve("two.xml"));

        assertEquals(ExitCodes.BAD_TRACE, one.exitCode(), one.toString());
        assertEquals(one.toString(), two.toString());
        assertEquals(withoutTimes(directory.resolve("one.xml")), withoutTimes(directory.resolve("two.xml")));
        List<String> replayed = one.out().lines().filter(line -> line.contains(" replay of "))
                .map(line -> line.substring(line.indexOf(" replay of ") + 11, line.indexOf(": "))).toList();
        assertEquals(List.of(traces.get(0), traces.get(1), traces.get(2), folder.resolve("a.trace.avro").toString(),
                folder.resolve("b.trace.avro").toString(), traces.get(5), traces.get(6), traces.get(7)), replayed);
        assertTrue(one.out().endsWith("9 trace(s): 7 reproduced, 1 diverged, 1 bad\n"), one.out());
    }

    @Test
    void aFolderWithoutTracesAndNoThreadsAreBadInput() throws Exception {
        Path empty = Files.createDirectories(directory.resolve("empty"));
        Cli.Result noTraces = Cli.run("replay", empty.toString());
        assertEquals(ExitCodes.BAD_INPUT, noTraces.exitCode());
        assertTrue(noTraces.err().contains("folder " + empty + " holds no trace (*.trace.avro)"), noTraces.err());
        Cli.Result noThreads = Cli.run("replay", "--threads", "0", Cli.golden("discovery").toString());
        assertEquals(ExitCodes.BAD_INPUT, noThreads.exitCode());
        assertTrue(noThreads.err().contains("--threads must be 1 or more, not 0"), noThreads.err());
    }

    private static Cli.Result replayOn(int threads, List<String> traces, Path junit) {
        List<String> arguments = new ArrayList<>(List.of("replay", "--threads", Integer.toString(threads), "--junit",
                junit.toString()));
        arguments.addAll(traces);
        return Cli.run(arguments.toArray(String[]::new));
    }

    /** The JUnit report with its replay times left out, the one thing that differs from run to run. */
    private static String withoutTimes(Path junit) throws Exception {
        return Files.readString(junit).replaceAll(" time=\"[0-9.]+\"", "");
    }
}
