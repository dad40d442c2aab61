package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.CampaignProgress;
import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Campaigns: case seeds, progress, limits and saved failures. */
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
    void savesEveryFailingCaseWithItsTrace(@TempDir Path folder) throws IOException {
        ScenarioRunner strict = new ScenarioRunner(50);
        CampaignResult result = new FuzzCampaign(CampaignSettings.of(9, 20).withFailureFolder(folder), strict, System::nanoTime)
                .run(p -> { });
        assertTrue(result.failures().size() > 0, "a 50-call budget stops some cases");
        assertEquals(2 * result.failures().size(), result.saved().size());
        assertEquals(result.failures().size(), new FailureArchive(folder).loadAll().size());
        assertEquals(result.failures().get(0).scenario(), FailureArchive.read(result.saved().get(0)).scenario());
        for (int i = 0; i < result.saved().size(); i += 2) {
            String scenario = result.saved().get(i).getFileName().toString();
            String trace = result.saved().get(i + 1).getFileName().toString();
            assertTrue(scenario.endsWith(FailureArchive.SUFFIX), scenario);
            assertEquals(scenario.replace(FailureArchive.SUFFIX, FailureArchive.TRACE_SUFFIX), trace);
            assertTrue(Files.size(result.saved().get(i + 1)) > 0, trace);
        }
    }
}
