package dev.vblk.fuzz.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CaseComparison}: campaigns on two threads and on one write the same case records. */
class CaseComparisonTest {

    private static final int CASES = 20_000;

    @Test
    void twoThreadsWriteTheCasesOneThreadWrites(@TempDir Path folder) {
        Path one = campaign(folder.resolve("one"), 1);
        Path two = campaign(folder.resolve("two"), 2);
        assertEquals(CASES, ResultFiles.readCases(one).records().size());
        List<String> differences = CaseComparison.differences(one, two);
        assertTrue(differences.isEmpty(), () -> String.join("\n", differences));
    }

    @Test
    void namesTheRecordsThatDifferAndAMissingCase(@TempDir Path folder) {
        List<CaseResult> cases = ResultFiles.readCases(campaign(folder, 1, 5)).records();
        List<CaseResult> changed = new ArrayList<>(cases);
        CaseResult third = cases.get(2);
        changed.set(2, new CaseResult(third.campaignSeed(), third.shard(), third.caseIndex(), third.caseSeed(),
                third.source(), third.seedTrace(), third.mutation(), third.passed(), third.invariants(),
                third.findings(), third.platformCalls() + 1, third.virtualNanos(), third.newCoverage()));
        changed.remove(4);

        List<String> differences = CaseComparison.differences(cases, changed);

        assertEquals(2, differences.size(), differences.toString());
        assertEquals("the first holds 5 cases, the second 4", differences.get(0));
        assertTrue(differences.get(1).startsWith("record 2:\n  first:  "), differences.get(1));
        assertTrue(CaseComparison.differences(cases, List.copyOf(cases)).isEmpty());
    }

    private static Path campaign(Path out, int threads) {
        return campaign(out, threads, CASES);
    }

    private static Path campaign(Path out, int threads, int cases) {
        new FuzzCampaign(CampaignSettings.of(7, cases).withThreads(threads).withResultsFolder(out)).run(progress -> { });
        return out.resolve(ResultFiles.CASES);
    }
}
