package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.results.CampaignHeader;
import dev.vblk.fuzz.results.CampaignLog;
import dev.vblk.fuzz.results.CampaignSummary;
import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.fuzz.results.CorpusEntry;
import dev.vblk.fuzz.shrink.ScenarioShrinker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A long fuzzing run outside the test suite: runs case after case from a campaign seed through a
 * {@link CaseSource} (generated scenarios, or mutations of recorded traces), reports progress, notes
 * the driver behaviour the cases reach, and shrinks and saves every failing case. The same seed gives
 * the same cases in the same order; a {@link Shard} runs every {@code N}-th of them, so the shards of
 * a campaign together run its cases exactly once. Only how many fit into a time limit depends on the
 * machine. Cases may run on several threads at once ({@link CampaignSettings#threads()}) with the
 * same results as on one. With a results folder the campaign writes every case's result, its failure corpus and its
 * summary there as Avro files ({@link dev.vblk.fuzz.results.ResultFiles}), as it goes.
 */
public final class FuzzCampaign {

    private final CampaignSettings settings;
    private final CaseSource source;
    private final LongSupplier wallClock;

    /** A campaign of generated scenarios that measures time with {@link System#nanoTime()}. */
    public FuzzCampaign(CampaignSettings settings) {
        this(settings, new ScenarioRunner(), System::nanoTime);
    }

    /** A campaign of generated scenarios judged by {@code runner}. */
    public FuzzCampaign(CampaignSettings settings, ScenarioRunner runner, LongSupplier wallClock) {
        this(settings, new GeneratedCases(runner, ScenarioShrinker.DEFAULT_RUNS), wallClock);
    }

    /**
     * @param wallClock nanoseconds for rates and the time limit (the cases themselves run in virtual time)
     */
    public FuzzCampaign(CampaignSettings settings, CaseSource source, LongSupplier wallClock) {
        this.settings = settings;
        this.source = source;
        this.wallClock = wallClock;
    }

    /**
     * The seed of case {@code index} of a campaign seeded with {@code campaignSeed}: a SplitMix64
     * mix of the two, so neighbouring cases get unrelated scenarios.
     */
    public static long caseSeed(long campaignSeed, long index) {
        long z = campaignSeed + (index + 1) * 0x9e37_79b9_7f4a_7c15L;
        z = (z ^ (z >>> 30)) * 0xbf58_476d_1ce4_e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d0_49bb_1331_11ebL;
        return z ^ (z >>> 31);
    }

    /**
     * Runs the campaign, calling {@code progress} every {@link CampaignSettings#progressInterval()} cases and at the end.
     * With {@link CampaignSettings#threads()} above one, and a source whose cases are
     * {@linkplain CaseSource#independent() independent}, several cases run at once; their outcomes are
     * taken in case order, so the results, the coverage and what the results files hold are those of
     * one thread. A source whose cases depend on earlier ones runs on one thread.
     */
    public CampaignResult run(Consumer<CampaignProgress> progress) {
        Shard shard = settings.shard();
        CampaignHeader header = CampaignHeader.of(settings.seed(), settings.maxCases(), source.describe(), shard);
        long start = wallClock.getAsLong();
        long limit = settings.maxDuration() == null ? Long.MAX_VALUE : settings.maxDuration().toNanos();
        try (CampaignLog log = settings.resultsFolder() == null ? null : CampaignLog.create(settings.resultsFolder(), header);
                CaseOutcomes outcomes = new CaseOutcomes(this::runCase, shard.firstCase(), shard.count(), settings.maxCases(),
                        threads(), () -> wallClock.getAsLong() - start >= limit)) {
            List<FailedCase> failures = new ArrayList<>();
            BehaviourCoverage reached = new BehaviourCoverage();
            long withNewBehaviour = 0;
            long done = 0;
            for (CaseOutcomes.Outcome outcome = outcomes.next(); outcome != null; outcome = outcomes.next()) {
                CaseRun run = outcome.run();
                done++;
                List<Long> newKeys = reached.addAll(run.coverage());
                if (!newKeys.isEmpty()) {
                    withNewBehaviour++;
                    source.reachedNewBehaviour(run);
                }
                FailedCase failed = outcome.failure();
                if (failed != null) {
                    failures.add(failed);
                }
                if (log != null) {
                    log.add(caseResult(outcome.index(), outcome.seed(), run, newKeys));
                    if (failed != null) {
                        log.add(corpusEntry(failed));
                    }
                }
                if (done % settings.progressInterval() == 0) {
                    progress.accept(progressOf(done, start, failures.size()));
                }
            }
            Duration elapsed = Duration.ofNanos(wallClock.getAsLong() - start);
            progress.accept(progressOf(done, start, failures.size()));
            CampaignResult result = new CampaignResult(settings, source.describe(), done, elapsed, failures, reached.size(),
                    withNewBehaviour);
            if (log != null) {
                log.finish(new CampaignSummary(settings.seed(), shard, settings.maxCases(), source.describe(), done,
                        failures.size(), reached.size(), withNewBehaviour, elapsed.toMillis()));
            }
            return result;
        }
    }

    /** The threads the cases run on: as the settings say, or one when a case depends on earlier ones. */
    public int threads() {
        return source.independent() ? settings.threads() : 1;
    }

    /** Runs one case and, when it fails, shrinks and saves it. */
    private CaseOutcomes.Outcome runCase(long index) {
        long seed = caseSeed(settings.seed(), index);
        CaseRun run = source.run(seed);
        return new CaseOutcomes.Outcome(index, seed, run,
                run.passed() ? null : source.failure(index, seed, run, settings.failureFolder()));
    }

    private CaseResult caseResult(long index, long seed, CaseRun run, List<Long> newKeys) {
        List<String> invariants = List.of();
        List<String> described = List.of();
        if (!run.findings().isEmpty()) { // nearly every case passes: no streams for it
            invariants = run.findings().stream().map(finding -> finding.invariant().name()).distinct().toList();
            described = run.findings().stream().map(Finding::toString).toList();
        }
        return new CaseResult(settings.seed(), settings.shard(), index, seed, run.source(), run.seedTrace(), run.mutation(),
                run.passed(), invariants, described, run.platformCalls(), run.virtualNanos(), newKeys);
    }

    private CorpusEntry corpusEntry(FailedCase failed) {
        return new CorpusEntry(settings.seed(), settings.shard(), failed.index(), failed.caseSeed(), failed.name(),
                failed.description(), failed.findings(), failed.scenarioFile(), failed.traceFile(), failed.shrunkTo(),
                failed.shrinking());
    }

    private CampaignProgress progressOf(long done, long start, long failures) {
        double seconds = Math.max(1, wallClock.getAsLong() - start) / 1e9;
        return new CampaignProgress(done, done / seconds, failures);
    }

    /**
     * Runs a campaign from the command line: {@code FuzzCampaign <seed> <cases> [failure folder]}.
     * Prints progress and each failure, and exits with 1 if any case failed.
     */
    public static void main(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: FuzzCampaign <seed> <cases> [failure folder]");
            System.exit(2);
        }
        CampaignSettings settings = CampaignSettings.of(Long.parseLong(args[0]), Long.parseLong(args[1]));
        if (args.length == 3) {
            settings = settings.withFailureFolder(Path.of(args[2]));
        }
        CampaignResult result = new FuzzCampaign(settings).run(p -> System.out.println(p));
        result.failures().forEach(failure -> System.out.println(failure));
        System.out.printf("%d cases in %d ms: %.0f cases/s, %d failures%n", result.cases(), result.elapsed().toMillis(),
                result.casesPerSecond(), result.failures().size());
        System.exit(result.failures().isEmpty() ? 0 : 1);
    }
}
