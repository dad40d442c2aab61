package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A long fuzzing run outside the test suite: generates case after case from a campaign seed, runs
 * each through the oracle, reports progress and saves every failing scenario with its trace. The same seed gives
 * the same cases in the same order; only how many fit into a time limit depends on the machine.
 */
public final class FuzzCampaign {

    private final CampaignSettings settings;
    private final ScenarioRunner runner;
    private final LongSupplier wallClock;

    /** A campaign that measures time with {@link System#nanoTime()}. */
    public FuzzCampaign(CampaignSettings settings) {
        this(settings, new ScenarioRunner(), System::nanoTime);
    }

    /**
     * @param wallClock nanoseconds for rates and the time limit (the cases themselves run in virtual time)
     */
    public FuzzCampaign(CampaignSettings settings, ScenarioRunner runner, LongSupplier wallClock) {
        this.settings = settings;
        this.runner = runner;
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

    /** Runs the campaign, calling {@code progress} every {@link CampaignSettings#progressInterval()} cases and at the end. */
    public CampaignResult run(Consumer<CampaignProgress> progress) {
        FailureArchive archive = settings.failureFolder() == null ? null : new FailureArchive(settings.failureFolder());
        List<Verdict> failures = new ArrayList<>();
        List<Path> saved = new ArrayList<>();
        long start = wallClock.getAsLong();
        long limit = settings.maxDuration() == null ? Long.MAX_VALUE : settings.maxDuration().toNanos();
        long done = 0;
        while (done < settings.maxCases() && wallClock.getAsLong() - start < limit) {
            long seed = caseSeed(settings.seed(), done);
            Verdict verdict = runner.run(ScenarioGenerator.generate(seed));
            done++;
            if (!verdict.passed()) {
                failures.add(verdict);
                if (archive != null) {
                    saved.addAll(archive.saveFailure("seed-" + Long.toUnsignedString(seed, 16), verdict).files());
                }
            }
            if (done % settings.progressInterval() == 0) {
                progress.accept(progressOf(done, start, failures.size()));
            }
        }
        Duration elapsed = Duration.ofNanos(wallClock.getAsLong() - start);
        progress.accept(progressOf(done, start, failures.size()));
        return new CampaignResult(done, elapsed, failures, saved);
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
        result.failures().forEach(v -> System.out.println(v));
        System.out.printf("%d cases in %d ms: %.0f cases/s, %d failures%n", result.cases(), result.elapsed().toMillis(),
                result.casesPerSecond(), result.failures().size());
        System.exit(result.failures().isEmpty() ? 0 : 1);
    }
}
