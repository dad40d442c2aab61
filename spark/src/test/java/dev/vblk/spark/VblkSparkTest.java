package dev.vblk.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.fuzz.results.ResultFiles;
import dev.vblk.replay.Replayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark application in local mode on two cores: a campaign split into Spark tasks writes the
 * cases {@code vblk fuzz} writes unsplit, a corpus replay gives each trace's own replay, and bad
 * arguments give one line.
 */
class VblkSparkTest {

    private static final Path TRACES = Path.of("..", "traces").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void localMaster() {
        System.setProperty("spark.master", "local[2]");
        System.setProperty("spark.ui.enabled", "false");
    }

    @AfterAll
    static void clear() {
        System.clearProperty("spark.master");
        System.clearProperty("spark.ui.enabled");
    }

    private int run(String... args) {
        return VblkSpark.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void campaignInShardTasksWritesTheCasesOfTheUnsplitCampaign() {
        Path spark = dir.resolve("spark");
        assertEquals(0, run("campaign", "7", "2000", "4", spark.toString()), err::toString);

        Path whole = dir.resolve("whole");
        new FuzzCampaign(CampaignSettings.of(7, 2000).withResultsFolder(whole).withFailureFolder(whole).withThreads(2))
                .run(progress -> { });
        ResultFiles.Contents<CaseResult> merged = ResultFiles.readCases(spark.resolve(ResultFiles.CASES));
        ResultFiles.Contents<CaseResult> unsplit = ResultFiles.readCases(whole.resolve(ResultFiles.CASES));
        assertEquals(unsplit.header(), merged.header());
        assertEquals(2000, merged.records().size());
        assertFalse(merged.cutShort());
        for (int i = 0; i < unsplit.records().size(); i++) {
            assertEquals(unsplit.records().get(i), merged.records().get(i), "case " + i);
        }
        for (int shard = 1; shard <= 4; shard++) {
            Path folder = ShardRun.folder(spark, shard);
            assertEquals(500, ResultFiles.readSummary(folder.resolve(ResultFiles.SUMMARY)).records().get(0).cases());
            assertTrue(Files.isRegularFile(folder.resolve(ResultFiles.FAILURES)), folder + " has its failure corpus");
        }
        assertTrue(out.toString().contains("shard 4/4: 500 cases in "), out::toString);
        assertTrue(out.toString().contains("2000 cases in "), out::toString);
    }

    @Test
    void corpusReplayInTraceTasksGivesEachTracesReplay() throws IOException {
        Path corpus = Files.createDirectories(dir.resolve("corpus"));
        byte[] whole = Files.readAllBytes(TRACES.resolve("io-error.trace.avro"));
        Files.write(corpus.resolve("cut.trace.avro"), java.util.Arrays.copyOf(whole, whole.length / 2));
        List<Path> traces = CorpusReplay.traces(List.of(TRACES, TRACES.resolve("regressions"), corpus));
        assertTrue(traces.size() >= 20, "the golden traces, the regressions and the cut one: " + traces);

        Path table = dir.resolve("replays");
        assertEquals(3, run("replay", table.toString(), TRACES.toString(), TRACES.resolve("regressions").toString(),
                corpus.toString()), err::toString);

        StringBuilder expected = new StringBuilder();
        List<List<String>> expectedRows = new ArrayList<>();
        for (Path trace : traces) {
            var result = Replayer.strict(trace);
            expected.append(result.render());
            expectedRows.add(List.of(trace.toString(), result.status().name(), result.render()));
        }
        assertTrue(out.toString().contains(expected), out::toString);
        assertTrue(out.toString().contains(traces.size() + " trace(s): " + (traces.size() - 1)
                + " reproduced, 0 diverged, 1 bad"), out::toString);
        assertEquals(expectedRows, tableRows(table.resolve(CorpusReplay.TABLE)));
    }

    /** The table's rows (trace, status, report), read with Avro from the files Spark wrote. */
    private static List<List<String>> tableRows(Path table) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (Stream<Path> files = Files.list(table)) {
            for (Path part : files.filter(file -> file.toString().endsWith(".avro")).sorted().toList()) {
                try (DataFileReader<GenericRecord> reader = new DataFileReader<>(part.toFile(), new GenericDatumReader<>())) {
                    for (GenericRecord record : reader) {
                        rows.add(List.of(record.get("trace").toString(), record.get("status").toString(),
                                record.get("report").toString()));
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void badArgumentsGiveOneLineAndStatusTwo() throws IOException {
        assertEquals(2, run("campaign", "7", "many", "4", dir.toString()));
        assertEquals("vblk-spark: CASES must be a whole number, not 'many'", err.toString().strip());
        err.reset();
        assertEquals(2, run("replay", dir.toString(), dir.resolve("missing").toString()));
        assertEquals("vblk-spark: no trace file or folder " + dir.resolve("missing"), err.toString().strip());
        err.reset();
        Path file = Files.writeString(dir.resolve("file"), "not a folder");
        assertEquals(2, run("campaign", "7", "10", "2", file.toString()));
        assertEquals("vblk-spark: OUT must be a folder, and " + file + " is a file", err.toString().strip());
        err.reset();
        assertEquals(2, run("merge"));
        assertEquals("vblk-spark: no command 'merge'; " + VblkSpark.USAGE, err.toString().strip());
    }
}
