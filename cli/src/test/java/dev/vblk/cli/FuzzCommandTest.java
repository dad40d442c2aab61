package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.fuzz.results.ResultFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk fuzz}: a short campaign, its Flight Recorder events and results files, merged shards, and bad arguments. */
class FuzzCommandTest {

    @TempDir
    Path directory;

    @Test
    void runsTheCasesAskedForAndRecordsOneEventPerCase() throws Exception {
        Path jfr = directory.resolve("fuzz.jfr");
        Cli.Result result = Cli.run("fuzz", "--seed", "11", "--iterations", "40", "--out", directory.resolve("f").toString(),
                "--jfr", jfr.toString(), "--threads", "2");
        assertTrue(result.exitCode() == ExitCodes.OK || result.exitCode() == ExitCodes.FOUND_PROBLEMS, result.toString());
        assertTrue(result.out().startsWith("fuzz campaign: seed 11, 40 cases, generated scenarios, 2 threads\n40 cases in "),
                result.out());
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

    /**
     * A campaign on two threads writes, record by record, the {@code cases.avro} of the same campaign
     * on one (the records hold no wall-clock time), and the same coverage and failure count.
     */
    @Test
    void twoThreadsWriteTheCasesOneThreadWrites() {
        String cases = String.valueOf(THREADED_CASES);
        Cli.Result one = Cli.run("fuzz", "--seed", "7", "--iterations", cases, "--threads", "1", "--out",
                directory.resolve("one").toString());
        Cli.Result two = Cli.run("fuzz", "--seed", "7", "--iterations", cases, "--threads", "2", "--out",
                directory.resolve("two").toString());
        assertEquals(one.exitCode(), two.exitCode(), two.toString());
        List<CaseResult> expected = ResultFiles.readCases(directory.resolve("one").resolve(ResultFiles.CASES)).records();
        List<CaseResult> actual = ResultFiles.readCases(directory.resolve("two").resolve(ResultFiles.CASES)).records();
        assertEquals(THREADED_CASES, expected.size());
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), "case record " + i);
        }
        assertEquals(failures(directory.resolve("one")), failures(directory.resolve("two")));
        assertEquals(one.out().lines().filter(line -> line.startsWith("coverage: ")).toList(),
                two.out().lines().filter(line -> line.startsWith("coverage: ")).toList());
    }

    @Test
    void unguidedTraceSeededCasesRunOnTwoThreadsAsOnOne() {
        List<List<CaseResult>> runs = new ArrayList<>();
        for (String threads : List.of("1", "2")) {
            Path out = directory.resolve("seeded" + threads);
            Cli.Result result = Cli.run("fuzz", "--seed", "3", "--iterations", "40", "--from", Cli.golden("io-error").toString(),
                    "--no-guidance", "--threads", threads, "--out", out.toString());
            assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
            assertTrue(result.out().startsWith("fuzz campaign: seed 3, 40 cases, trace-seeded from [io-error], "
                    + (threads.equals("1") ? "1 thread\n" : "2 threads\n")), result.out());
            runs.add(ResultFiles.readCases(out.resolve(ResultFiles.CASES)).records());
        }
        assertEquals(40, runs.get(0).size());
        assertEquals(runs.get(0), runs.get(1));
    }

    /** A results folder's saved failures as case, name and shrunk findings (the files' folders differ). */
    private static List<String> failures(Path folder) {
        return ResultFiles.readFailures(folder.resolve(ResultFiles.FAILURES)).records().stream()
                .map(entry -> entry.caseIndex() + " " + entry.name() + " " + entry.findings()).toList();
    }

    /** Cases of {@link #twoThreadsWriteTheCasesOneThreadWrites}. */
    private static final int THREADED_CASES = 10_000;

    @Test
    void theMsixFamilyRunsItsCasesOnTwoThreadsAsOnOne() {
        Cli.Result one = Cli.run("fuzz", "--family", "msix", "--seed", "4", "--iterations", "300", "--threads", "1", "--out",
                directory.resolve("m1").toString());
        Cli.Result two = Cli.run("fuzz", "--family", "msix", "--seed", "4", "--iterations", "300", "--threads", "2", "--out",
                directory.resolve("m2").toString());

        assertEquals(ExitCodes.OK, one.exitCode(), one.toString());
        assertTrue(one.out().contains("MSI-X cases"), one.out());
        assertTrue(one.out().contains("repeat with: vblk fuzz --seed 4 --iterations 300 --family msix"), one.out());
        List<CaseResult> cases = ResultFiles.readCases(directory.resolve("m1").resolve(ResultFiles.CASES)).records();
        assertEquals(300, cases.size());
        assertTrue(cases.stream().allMatch(c -> c.source().equals("msix") && c.platformCalls() > 0), cases.get(0).toString());
        assertEquals(cases, ResultFiles.readCases(directory.resolve("m2").resolve(ResultFiles.CASES)).records());
    }

    @Test
    void anUnknownFamilyOrAFamilyWithSeedTracesIsAUsageError() {
        Cli.Result unknown = Cli.run("fuzz", "--family", "pci", "--iterations", "1");
        assertEquals(ExitCodes.BAD_INPUT, unknown.exitCode());
        assertEquals("vblk fuzz: no fuzz family 'pci': scenarios or msix", unknown.err().strip());
        Cli.Result seeded = Cli.run("fuzz", "--family", "msix", "--iterations", "1", "--from", Cli.golden("io-error").toString());
        assertEquals(ExitCodes.BAD_INPUT, seeded.exitCode());
        assertTrue(seeded.err().contains("--family applies to generated cases, not to --from"), seeded.err());
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

    @Test
    void fuzzesFromARecordedTraceAndRunsOneShard() {
        Cli.Result result = Cli.run("fuzz", "--seed", "5", "--iterations", "24", "--shard", "2/3", "--from",
                Cli.golden("io-error").toString(), "--out", directory.resolve("s").toString(), "--threads", "2");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("fuzz campaign: seed 5, 24 cases, trace-seeded from [io-error], coverage-guided,"
                + " shard 2/3, 1 thread (guided cases depend on earlier ones)\n8 cases in "), result.out());
        assertTrue(result.out().contains("coverage: "), result.out());
        assertTrue(result.out().contains("repeat with: vblk fuzz --seed 5 --iterations 24 --from "), result.out());
        List<CaseResult> cases = ResultFiles.readCases(directory.resolve("s").resolve(ResultFiles.CASES)).records();
        assertEquals(List.of(1L, 4L, 7L, 10L, 13L, 16L, 19L, 22L), cases.stream().map(CaseResult::caseIndex).toList());
        for (CaseResult one : cases) {
            // The seed, or a recording guidance kept from it (io-error+1, ...).
            assertTrue(one.seedTrace().orElseThrow().startsWith("io-error"), one.toString());
            assertTrue(one.mutation().isPresent() && one.platformCalls() > 0, one.toString());
            assertEquals(new Shard(2, 3), one.shard());
        }
    }

    @Test
    void mergesTheResultsOfAllShardsAndSaysWhatTheyFound() {
        List<String> args = new ArrayList<>(List.of("fuzz", "merge", directory.resolve("merged.avro").toString()));
        for (int shard = 1; shard <= 2; shard++) {
            Path out = directory.resolve("shard" + shard);
            Cli.Result run = Cli.run("fuzz", "--seed", "8", "--iterations", "30", "--shard", shard + "/2", "--out",
                    out.toString());
            assertTrue(run.out().contains("results: " + out.resolve(ResultFiles.CASES)), run.out());
            args.add(out.resolve(ResultFiles.CASES).toString());
        }
        Cli.Result whole = Cli.run("fuzz", "--seed", "8", "--iterations", "30", "--out", directory.resolve("whole").toString());

        Cli.Result merged = Cli.run(args.toArray(String[]::new));

        assertEquals(whole.exitCode(), merged.exitCode(), merged.toString());
        long failed = ResultFiles.readCases(directory.resolve("whole").resolve(ResultFiles.CASES)).records().stream()
                .filter(c -> !c.passed()).count();
        assertTrue(merged.out().startsWith("campaign seed 8, shards 1,2/2: 30 cases, " + failed + " failed, "), merged.out());
        assertEquals(failed, merged.out().lines().filter(line -> line.startsWith("failed: case ")).count(), merged.out());
        assertTrue(merged.out().endsWith("wrote " + directory.resolve("merged.avro") + "\n"), merged.out());
        assertEquals(30, ResultFiles.readCases(directory.resolve("merged.avro")).records().size());
    }

    @Test
    void mergeRefusesOtherCampaignsTheSameShardTwiceAndWritingOverAnInput() throws Exception {
        Path a = directory.resolve("a");
        Path b = directory.resolve("b");
        Cli.run("fuzz", "--seed", "8", "--iterations", "4", "--shard", "1/2", "--out", a.toString());
        Cli.run("fuzz", "--seed", "9", "--iterations", "4", "--shard", "2/2", "--out", b.toString());
        String cases = a.resolve(ResultFiles.CASES).toString();
        String other = b.resolve(ResultFiles.CASES).toString();
        String out = directory.resolve("m.avro").toString();
        Path junk = java.nio.file.Files.writeString(directory.resolve("junk.avro"), "no results");
        String[][] runs = {
            {out, cases, cases},
            {out, cases, other},
            {cases, cases},
            {out, directory.resolve("missing.avro").toString()},
            {out, junk.toString()},
            {out},
        };
        String[] expected = {"both hold shard 1/2", "is of campaign seed 9", "is the input", "no results file",
            "is not an Avro file of campaign results", "Missing required parameter"};
        for (int i = 0; i < runs.length; i++) {
            List<String> args = new ArrayList<>(List.of("fuzz", "merge"));
            args.addAll(List.of(runs[i]));
            Cli.Result result = Cli.run(args.toArray(String[]::new));
            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
            assertTrue(result.err().startsWith("vblk fuzz merge: "), result.toString());
            assertTrue(result.err().lines().findFirst().orElse("").contains(expected[i]), result.toString());
            assertTrue(result.err().lines().noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by")),
                    result.toString());
        }
        assertFalse(java.nio.file.Files.exists(directory.resolve("m.avro")), "nothing written");
        assertEquals(2, ResultFiles.readCases(a.resolve(ResultFiles.CASES)).records().size(), "the input is intact");
    }

    @Test
    void badSeedTracesAndShardsAreOneLineErrorsWithoutAStackTrace() throws Exception {
        Path notATrace = java.nio.file.Files.writeString(directory.resolve("x.trace.avro"), "no trace");
        String[][] cases = {
            {"--from", directory.resolve("missing.trace.avro").toString()},
            {"--from", notATrace.toString()},
            {"--from", Cli.golden("pci-write-read").toString()},
            {"--shard", "5/4"},
            {"--no-guidance"},
            {"--threads", "0"},
        };
        String[] expected = {"no seed trace", "cannot read the seed trace", "scans PCI bus 0", "1 <= I <= N",
            "--no-guidance applies to --from", "--threads must be at least 1, not 0"};
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of("fuzz", "--iterations", "1"));
            args.addAll(List.of(cases[i]));
            Cli.Result result = Cli.run(args.toArray(String[]::new));
            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
            assertTrue(result.err().lines().findFirst().orElse("").contains(expected[i]), result.toString());
            assertTrue(result.err().lines().noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by")),
                    result.toString());
        }
    }
}
