package dev.vblk.fuzz.campaign;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What a {@link FuzzCampaign} runs.
 *
 * @param seed the campaign seed; case {@code i} uses {@link FuzzCampaign#caseSeed(long, long) caseSeed(seed, i)}
 * @param maxCases stop after this many cases (positive)
 * @param maxDuration stop once this much wall-clock time has passed, or null for no limit
 * @param failureFolder where failing scenarios are saved, or null to keep them only in the result
 * @param progressInterval how many cases pass between two progress reports (positive)
 */
public record CampaignSettings(long seed, long maxCases, Duration maxDuration, Path failureFolder, long progressInterval) {

    public CampaignSettings {
        if (maxCases <= 0 || progressInterval <= 0) {
            throw new IllegalArgumentException("case count and progress interval must be positive");
        }
        if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
            throw new IllegalArgumentException("duration must be positive: " + maxDuration);
        }
    }

    /** {@code cases} cases from {@code seed}, no time limit, failures not saved, progress every 1,000 cases. */
    public static CampaignSettings of(long seed, long cases) {
        return new CampaignSettings(seed, cases, null, null, 1_000);
    }

    public CampaignSettings withDuration(Duration duration) {
        return new CampaignSettings(seed, maxCases, duration, failureFolder, progressInterval);
    }

    public CampaignSettings withFailureFolder(Path folder) {
        return new CampaignSettings(seed, maxCases, maxDuration, folder, progressInterval);
    }

    public CampaignSettings withProgressInterval(long cases) {
        return new CampaignSettings(seed, maxCases, maxDuration, failureFolder, cases);
    }
}
