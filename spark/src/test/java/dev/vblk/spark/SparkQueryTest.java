package dev.vblk.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FailedCase;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.fuzz.results.ResultFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query of docs/fuzzing.md ("Querying results with Apache Spark"): a small campaign's results
 * read with Spark's Avro source in local mode, grouped by invariant, give the campaign's own counts.
 */
class SparkQueryTest {

    @TempDir
    static Path dir;

    static SparkSession spark;
    static CampaignResult result;
    static Path folder;

    @BeforeAll
    static void campaignAndSpark() {
        folder = dir.resolve("fuzz");
        // A 50-call budget stops some generated cases: failures to count.
        result = new FuzzCampaign(CampaignSettings.of(9, 200).withFailureFolder(folder).withResultsFolder(folder),
                new ScenarioRunner(50), System::nanoTime).run(progress -> { });
        spark = SparkSession.builder().master("local[1]").appName("vblk-results")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    private static Map<String, Long> counts(Dataset<Row> grouped) {
        Map<String, Long> counts = new TreeMap<>();
        for (Row row : grouped.collectAsList()) {
            counts.put(row.getString(0), row.getLong(1));
        }
        return counts;
    }

    @Test
    void failingCasesByInvariantAreTheCampaignsOwnCounts() {
        Dataset<Row> cases = spark.read().format("avro").load(folder.resolve("cases.avro").toString());
        Dataset<Row> byInvariant = cases.where(col("passed").equalTo(false))
                .select(explode(col("invariants")).as("invariant"))
                .groupBy("invariant").count().orderBy("invariant");

        assertEquals(result.cases(), cases.count());
        assertEquals(result.failures().size(), cases.where(col("passed").equalTo(false)).count());
        List<CaseResult> records = ResultFiles.readCases(folder.resolve(ResultFiles.CASES)).records();
        Map<String, Long> expected = records.stream().flatMap(r -> r.invariants().stream())
                .collect(Collectors.groupingBy(invariant -> invariant, TreeMap::new, Collectors.counting()));
        assertFalse(expected.isEmpty(), "some cases failed");
        assertEquals(expected, counts(byInvariant));
    }

    @Test
    void savedFailuresByInvariantAreTheCampaignsOwnCounts() {
        Dataset<Row> failures = spark.read().format("avro").load(folder.resolve("failures.avro").toString());
        Dataset<Row> byInvariant = failures.groupBy("invariant").count().orderBy("invariant");

        Map<String, Long> expected = result.failures().stream().map(FailedCase::findings)
                .collect(Collectors.groupingBy(findings -> findings.get(0).invariant().name(), TreeMap::new,
                        Collectors.counting()));
        assertEquals(expected, counts(byInvariant));
        Row summary = spark.read().format("avro").load(folder.resolve("summary.avro").toString()).first();
        assertEquals(List.of(result.cases(), (long) result.failures().size(), result.coverage()),
                List.of(summary.getAs("cases"), summary.getAs("failures"), summary.getAs("coverage")));
    }
}
