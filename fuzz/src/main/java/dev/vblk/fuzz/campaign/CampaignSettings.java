package dev.vblk.fuzz.campaign;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link FuzzCampaign} runs.
 *
 * @param seed the campaign seed; case {@code i} uses {@link FuzzCampaign#caseSeed(long, long) caseSeed(seed, i)}
 * @param maxCases the campaign's size: cases 0 to {@code maxCases - 1} (positive), of which the shard runs its own
 * @param maxDuration stop once this much wall-clock time has passed, or null for no limit
 * @param failureFolder where failing cases are saved, or null to keep them only in the result
 * @param progressInterval how many cases pass between two progress reports (positive)
 * @param shard the part of the campaign to run ({@link Shard#WHOLE} for all of it)
 * @param resultsFolder where the campaign writes its results, failure corpus and summary as Avro
 *     files ({@link dev.vblk.fuzz.results.ResultFiles}), or null for none
 * @param threads how many threads run cases at once (positive); the results are those of one thread,
 *     in case order, whatever the number ({@link FuzzCampaign})
 */
public record CampaignSettings(long seed, long maxCases, Duration maxDuration, Path failureFolder, long progressInterval,
        Shard shard, Path resultsFolder, int threads) {

    public CampaignSettings {
        if (maxCases <= 0 || progressInterval <= 0) {
            throw new IllegalArgumentException("case count and progress interval must be positive");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("a campaign runs on at least one thread, not " + threads);
        }
        if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
            throw new IllegalArgumentException("duration must be positive: " + maxDuration);
        }
        Objects.requireNonNull(shard, "shard");
    }

    /**
     * {@code cases} cases from {@code seed}, no time limit, failures not saved, progress every 1,000
     * cases, not split, no results files, one thread.
     */
    public static CampaignSettings of(long seed, long cases) {
        return new CampaignSettings(seed, cases, null, null, 1_000, Shard.WHOLE, null, 1);
    }

    public CampaignSettings withDuration(Duration duration) {
        return new CampaignSettings(seed, maxCases, duration, failureFolder, progressInterval, shard, resultsFolder, threads);
    }

    public CampaignSettings withFailureFolder(Path folder) {
        return new CampaignSettings(seed, maxCases, maxDuration, folder, progressInterval, shard, resultsFolder, threads);
    }

    public CampaignSettings withProgressInterval(long cases) {
        return new CampaignSettings(seed, maxCases, maxDuration, failureFolder, cases, shard, resultsFolder, threads);
    }

    /** These settings, running only {@code part} of the campaign. */
    public CampaignSettings withShard(Shard part) {
        return new CampaignSettings(seed, maxCases, maxDuration, failureFolder, progressInterval, part, resultsFolder, threads);
    }

    /** These settings, writing the campaign's results files into {@code folder}. */
    public CampaignSettings withResultsFolder(Path folder) {
        return new CampaignSettings(seed, maxCases, maxDuration, failureFolder, progressInterval, shard, folder, threads);
    }

    /** These settings, running cases on {@code count} threads at once. */
    public CampaignSettings withThreads(int count) {
        return new CampaignSettings(seed, maxCases, maxDuration, failureFolder, progressInterval, shard, resultsFolder, count);
    }
}
