package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.CampaignProgress;
import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FailedCase;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.results.ResultFiles;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.shrink.ScenarioShrinker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Campaigns: case seeds, progress, limits, shards, shrinking and saved failures. */
class FuzzCampaignTest {

    @Test
    void caseSeedsAreDeterministicAndDistinct() {
        Set<Long> seeds = new HashSet<>();
        for (long i = 0; i < 10_000; i++) {
            seeds.add(FuzzCampaign.caseSeed(77, i));
        }
        assertEquals(10_000, seeds.size());
        assertEquals(FuzzCampaign.caseSeed(77, 5), FuzzCampaign.caseSeed(77, 5));
        assertNotEquals(FuzzCampaign.caseSeed(77, 5), FuzzCampaign.caseSeed(78, 5));
    }

    @Test
    void runsTheCasesAndReportsProgress() {
        AtomicLong clock = new AtomicLong();
        List<CampaignProgress> reports = new ArrayList<>();
        FuzzCampaign campaign = new FuzzCampaign(CampaignSettings.of(5, 250).withProgressInterval(100),
                new ScenarioRunner(), () -> clock.addAndGet(1_000_000));
        CampaignResult result = campaign.run(reports::add);
        assertEquals(250, result.cases());
        assertEquals(List.of(100L, 200L, 250L), reports.stream().map(CampaignProgress::casesDone).toList());
        assertTrue(reports.get(0).casesPerSecond() > 0);
        assertTrue(result.failures().isEmpty(), () -> result.failures().get(0).toString());
        assertTrue(result.casesPerSecond() > 0);
    }

    @Test
    void stopsAtTheTimeLimit() {
        AtomicLong clock = new AtomicLong();
        FuzzCampaign campaign = new FuzzCampaign(CampaignSettings.of(5, 1_000_000).withDuration(Duration.ofSeconds(1)),
                new ScenarioRunner(), () -> clock.addAndGet(10_000_000));
        CampaignResult result = campaign.run(p -> { });
        assertTrue(result.cases() > 0 && result.cases() < 100, "cases run: " + result.cases());
    }

    @Test
    void savesEveryFailingCaseShrunkWithItsTrace(@TempDir Path folder) throws IOException {
        ScenarioRunner strict = new ScenarioRunner(50);
        CampaignResult result = new FuzzCampaign(CampaignSettings.of(9, 20).withFailureFolder(folder), strict, System::nanoTime)
                .run(p -> { });
        assertTrue(result.failures().size() > 0, "a 50-call budget stops some cases");
        assertEquals(result.failures().size(), new FailureArchive(folder).loadAll().size());
        for (FailedCase failure : result.failures()) {
            assertEquals(2, failure.saved().size());
            String scenario = failure.saved().get(0).getFileName().toString();
            String trace = failure.saved().get(1).getFileName().toString();
            assertEquals("seed-" + Long.toUnsignedString(failure.caseSeed(), 16) + FailureArchive.SUFFIX, scenario);
            assertEquals(scenario.replace(FailureArchive.SUFFIX, FailureArchive.TRACE_SUFFIX), trace);
            assertTrue(Files.size(failure.saved().get(1)) > 0, trace);
            Scenario saved = FailureArchive.read(failure.saved().get(0)).scenario();
            assertEquals(failure.findings(), strict.run(saved).findings(),
                    "the saved, shrunk scenario fails as reported");
            assertTrue(ScenarioShrinker.size(saved).steps() <= ScenarioShrinker.size(
                    ScenarioGenerator.generate(failure.caseSeed())).steps(), failure.shrinking());
        }
    }

    @Test
    void shrinkingMakesAFailingCaseSmallerAndKeepsItFailing() {
        ScenarioRunner strict = new ScenarioRunner(50);
        CampaignResult result = new FuzzCampaign(CampaignSettings.of(9, 20), strict, System::nanoTime).run(p -> { });
        long smaller = result.failures().stream().filter(f -> {
            Scenario original = ScenarioGenerator.generate(f.caseSeed());
            return f.shrinking().startsWith("shrunk from " + ScenarioShrinker.size(original))
                    && !f.shrinking().startsWith("shrunk from " + ScenarioShrinker.size(original) + " to "
                            + ScenarioShrinker.size(original));
        }).count();
        assertTrue(smaller > 0, "no failing case got smaller: " + result.failures());
    }

    @Test
    void theShardsOfACampaignRunItsCasesOnceAndFindWhatItFinds() {
        ScenarioRunner strict = new ScenarioRunner(400);
        List<FailedCase> whole = new FuzzCampaign(CampaignSettings.of(3, 90), strict, System::nanoTime).run(p -> { }).failures();
        List<FailedCase> merged = new ArrayList<>();
        long cases = 0;
        for (int shard = 1; shard <= 4; shard++) {
            CampaignResult part = new FuzzCampaign(CampaignSettings.of(3, 90).withShard(new Shard(shard, 4)), strict,
                    System::nanoTime).run(p -> { });
            cases += part.cases();
            merged.addAll(part.failures());
        }
        merged.sort(Comparator.comparingLong(FailedCase::index));
        assertEquals(90, cases);
        assertFalse(whole.isEmpty(), "a 400-call budget stops some cases");
        assertEquals(whole, merged);
    }

    @Test
    void threeThreadsFindWhatOneThreadFindsInCaseOrder(@TempDir Path folder) {
        ScenarioRunner strict = new ScenarioRunner(400);
        List<CampaignProgress> oneProgress = new ArrayList<>();
        CampaignResult one = new FuzzCampaign(CampaignSettings.of(3, 300).withShard(new Shard(2, 3))
                .withResultsFolder(folder.resolve("one")).withProgressInterval(7), strict, System::nanoTime)
                .run(oneProgress::add);
        List<CampaignProgress> threeProgress = new ArrayList<>();
        FuzzCampaign threaded = new FuzzCampaign(CampaignSettings.of(3, 300).withShard(new Shard(2, 3))
                .withResultsFolder(folder.resolve("three")).withProgressInterval(7).withThreads(3), strict, System::nanoTime);
        CampaignResult three = threaded.run(threeProgress::add);

        assertEquals(3, threaded.threads());
        assertEquals(100, three.cases());
        assertTrue(one.failures().size() > 1, "a 400-call budget stops some cases");
        assertEquals(one.failures(), three.failures());
        assertEquals(one.coverage(), three.coverage());
        assertEquals(one.casesWithNewBehaviour(), three.casesWithNewBehaviour());
        assertEquals(oneProgress.stream().map(p -> p.casesDone() + "/" + p.failures()).toList(),
                threeProgress.stream().map(p -> p.casesDone() + "/" + p.failures()).toList());
        assertEquals(ResultFiles.readCases(folder.resolve("one").resolve(ResultFiles.CASES)).records(),
                ResultFiles.readCases(folder.resolve("three").resolve(ResultFiles.CASES)).records());
        assertEquals(ResultFiles.readFailures(folder.resolve("one").resolve(ResultFiles.FAILURES)).records(),
                ResultFiles.readFailures(folder.resolve("three").resolve(ResultFiles.FAILURES)).records());
    }

    @Test
    void severalThreadsStopAtTheTimeLimitAfterTheFirstCases() {
        AtomicLong clock = new AtomicLong();
        CampaignResult result = new FuzzCampaign(CampaignSettings.of(5, 1_000_000).withDuration(Duration.ofSeconds(1))
                .withThreads(2), new ScenarioRunner(), () -> clock.addAndGet(10_000_000)).run(p -> { });
        assertTrue(result.cases() > 0 && result.cases() < 100 * 32, "cases run: " + result.cases());
        assertEquals(0, result.cases() % 32, "whole runs of cases: " + result.cases());
    }

    @Test
    void aShardIsWrittenIOverN() {
        assertEquals(new Shard(2, 4), Shard.parse("2/4"));
        for (String bad : new String[] {"0/4", "5/4", "2", "a/b", "1/0", "-1/2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shard.parse(bad));
            assertTrue(e.getMessage().contains("I/N") || e.getMessage().contains("shard"), e.getMessage());
        }
    }
}
