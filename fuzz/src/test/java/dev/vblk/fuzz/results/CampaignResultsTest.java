package dev.vblk.fuzz.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FailedCase;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.shrink.ShrinkSize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A campaign's Avro results, failure corpus and summary; files cut short; shards merged, or refused. */
class CampaignResultsTest {

    @TempDir
    Path dir;

    /** A 50-call budget stops some of the generated cases: failures to write. */
    private static final ScenarioRunner STRICT = new ScenarioRunner(50);

    private CampaignResult campaign(long seed, long cases, Shard shard, Path folder) {
        return new FuzzCampaign(CampaignSettings.of(seed, cases).withShard(shard).withFailureFolder(folder)
                .withResultsFolder(folder), STRICT, System::nanoTime).run(p -> { });
    }

    @Test
    void aCampaignWritesOneRecordPerCaseItsSavedFailuresAndItsSummary() {
        Path folder = dir.resolve("c");
        CampaignResult result = campaign(9, 20, Shard.WHOLE, folder);
        assertFalse(result.failures().isEmpty(), "a 50-call budget stops some cases");

        ResultFiles.Contents<CaseResult> cases = ResultFiles.readCases(folder.resolve(ResultFiles.CASES));
        assertFalse(cases.cutShort());
        assertEquals(CampaignHeader.of(9, 20, "generated scenarios", Shard.WHOLE), cases.header());
        assertEquals(20, cases.records().size());
        Set<Long> keys = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            CaseResult record = cases.records().get(i);
            assertEquals(i, record.caseIndex());
            assertEquals(FuzzCampaign.caseSeed(9, i), record.caseSeed());
            assertEquals("generated", record.source());
            assertEquals(Optional.empty(), record.seedTrace());
            assertTrue(record.platformCalls() > 0, record.toString());
            assertEquals(record.passed(), record.invariants().isEmpty(), record.toString());
            keys.addAll(record.newCoverage());
        }
        assertEquals(result.coverage(), keys.size(), "the keys new in each case are the campaign's keys");
        assertEquals(result.failures().stream().map(FailedCase::index).toList(),
                cases.records().stream().filter(r -> !r.passed()).map(CaseResult::caseIndex).toList());

        List<CorpusEntry> corpus = ResultFiles.readFailures(folder.resolve(ResultFiles.FAILURES)).records();
        assertEquals(result.failures().size(), corpus.size());
        for (int i = 0; i < corpus.size(); i++) {
            FailedCase failure = result.failures().get(i);
            CorpusEntry entry = corpus.get(i);
            assertEquals(failure.index(), entry.caseIndex());
            assertEquals(failure.findings(), entry.findings());
            assertEquals(failure.shrunkTo(), entry.shrunkTo());
            assertTrue(Files.isRegularFile(entry.scenarioFile().orElseThrow()), entry.toString());
            assertTrue(Files.isRegularFile(entry.traceFile().orElseThrow()), entry.toString());
        }

        CampaignSummary summary = ResultFiles.readSummary(folder.resolve(ResultFiles.SUMMARY)).records().get(0);
        assertEquals(new CampaignSummary(9, Shard.WHOLE, 20, "generated scenarios", 20, result.failures().size(),
                result.coverage(), result.casesWithNewBehaviour(), summary.elapsedMillis()), summary);
    }

    private static CaseResult someCase(long index) {
        return new CaseResult(1, Shard.WHOLE, index, index * 7, "trace-seeded", Optional.of("io-error"),
                Optional.of("a status byte"), index % 3 != 0, index % 3 != 0 ? List.of() : List.of("NO_FALSE_SUCCESS"),
                index % 3 != 0 ? List.of() : List.of("NO_FALSE_SUCCESS in read: succeeded"), 100 + index,
                OptionalLong.of(5_000 * index), List.of(index));
    }

    @Test
    void aFileCutShortIsReadToItsLastCompleteBlockAndSaysSo() throws IOException {
        Path folder = dir.resolve("cut");
        CampaignHeader header = CampaignHeader.of(1, 40, "trace-seeded from [io-error]", Shard.WHOLE);
        try (CampaignLog log = CampaignLog.create(folder, header)) {
            for (long i = 0; i < 10; i++) {
                log.add(someCase(i));
            }
            // A saved failure writes out the cases before it: the first block ends here.
            log.add(new CorpusEntry(1, Shard.WHOLE, 9, 63, "io-error-3f", "seed io-error, a status byte",
                    List.of(new Finding(Invariant.NO_FALSE_SUCCESS, "operation 2", "succeeded")), Optional.empty(),
                    Optional.of(folder.resolve("io-error-3f.trace.avro")), new ShrinkSize(2, 0, 1, 0), "shrunk"));
            for (long i = 10; i < 20; i++) {
                log.add(someCase(i));
            }
        }
        Path file = folder.resolve(ResultFiles.CASES);
        byte[] whole = Files.readAllBytes(file);
        ResultFiles.Contents<CaseResult> all = ResultFiles.readCases(file);
        assertEquals(20, all.records().size());
        assertFalse(all.cutShort());
        assertEquals(someCase(13), all.records().get(13));
        assertFalse(Files.exists(folder.resolve(ResultFiles.SUMMARY)), "no summary: the campaign did not finish");

        Path cut = dir.resolve("cut.avro");
        int firstBlockEnds = -1;
        for (int length = whole.length - 1; length > 0; length--) {
            Files.write(cut, Arrays.copyOf(whole, length));
            ResultFiles.Contents<CaseResult> part;
            try {
                part = ResultFiles.readCases(cut);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().contains("is not an Avro file of campaign results"), e.getMessage());
                break;
            }
            assertEquals(all.records().subList(0, part.records().size()), part.records(), "cut at " + length);
            assertTrue(part.records().size() == 10 || part.records().isEmpty(), "cut at " + length);
            if (!part.cutShort()) {
                firstBlockEnds = firstBlockEnds < 0 && part.records().size() == 10 ? length : firstBlockEnds;
            }
            if (length == whole.length - 1 || part.records().size() == 10 && length != firstBlockEnds) {
                assertTrue(part.cutShort(), "cut at " + length);
            }
        }
        assertTrue(firstBlockEnds > 0, "the file cut after its first block holds its first ten cases");
    }

    @Test
    void theShardsOfACampaignMergeIntoWhatTheUnsplitCampaignWrote() {
        CampaignResult unsplit = campaign(3, 90, Shard.WHOLE, dir.resolve("whole"));
        List<Path> shards = List.of(4, 2, 1, 3).stream().map(n -> {
            Path folder = dir.resolve("shard" + n);
            campaign(3, 90, new Shard(n, 4), folder);
            return folder.resolve(ResultFiles.CASES);
        }).toList();

        ShardMerge.Merged merged = ShardMerge.merge(shards);

        assertEquals(List.of(1, 2, 3, 4), merged.header().shards());
        assertEquals(List.of(), merged.notes());
        List<CaseResult> whole = ResultFiles.readCases(dir.resolve("whole").resolve(ResultFiles.CASES)).records();
        assertEquals(90, merged.cases().size());
        for (int i = 0; i < 90; i++) {
            CaseResult a = whole.get(i);
            CaseResult b = merged.cases().get(i);
            assertEquals(List.of(a.caseIndex(), a.caseSeed(), a.passed(), a.invariants(), a.findings(), a.platformCalls()),
                    List.of(b.caseIndex(), b.caseSeed(), b.passed(), b.invariants(), b.findings(), b.platformCalls()));
            assertEquals(new Shard((int) (i % 4) + 1, 4), b.shard());
        }
        assertEquals(unsplit.failures().stream().map(FailedCase::index).toList(),
                merged.failures().stream().map(CaseResult::caseIndex).toList());
        assertFalse(merged.failures().isEmpty());
        assertEquals(unsplit.coverage(), merged.coverage());

        Path out = dir.resolve("merged.avro");
        ShardMerge.write(merged, out);
        ResultFiles.Contents<CaseResult> again = ResultFiles.readCases(out);
        assertEquals(merged.cases(), again.records());
        assertEquals(merged.header(), again.header());
        ShardMerge.Merged twice = ShardMerge.merge(List.of(out));
        assertEquals(merged, twice, "a merged file merges again");

        ShardMerge.Merged some = ShardMerge.merge(shards.subList(0, 2));
        assertEquals(List.of("shard(s) [1, 3] of 4 not given"), some.notes());
    }

    @Test
    void filesOfOtherCampaignsTheSameShardTwiceAndOtherFilesAreRefused() throws IOException {
        campaign(3, 30, new Shard(1, 2), dir.resolve("a1"));
        campaign(3, 30, new Shard(2, 2), dir.resolve("a2"));
        campaign(4, 30, new Shard(2, 2), dir.resolve("seed4"));
        campaign(3, 30, new Shard(2, 3), dir.resolve("three"));
        campaign(3, 31, new Shard(2, 2), dir.resolve("longer"));
        Path a1 = dir.resolve("a1").resolve(ResultFiles.CASES);
        Path notAvro = Files.writeString(dir.resolve("x.avro"), "no results");

        assertRefused(List.of(a1, a1), "both hold shard 1/2: give each shard once");
        assertRefused(List.of(a1, dir.resolve("seed4").resolve(ResultFiles.CASES)), "is of campaign seed 4 (30 cases");
        assertRefused(List.of(a1, dir.resolve("three").resolve(ResultFiles.CASES)), "3 shard(s)), but");
        assertRefused(List.of(a1, dir.resolve("longer").resolve(ResultFiles.CASES)), "(31 cases");
        assertRefused(List.of(a1, notAvro), "x.avro is not an Avro file of campaign results");
        assertRefused(List.of(dir.resolve("a2").resolve(ResultFiles.SUMMARY)), "CampaignSummary records, not");
        assertRefused(List.of(), "nothing to merge");
        assertEquals(60 / 2, ShardMerge.merge(List.of(a1, dir.resolve("a2").resolve(ResultFiles.CASES))).cases().size());
    }

    private static void assertRefused(List<Path> inputs, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardMerge.merge(inputs));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
