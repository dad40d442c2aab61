package dev.vblk.fuzz.campaign;

import java.time.Duration;
import java.util.List;

/**
 * What a campaign (or one shard of it) found.
 *
 * @param settings what was run
 * @param source what kind of cases, for people ({@link CaseSource#describe()})
 * @param cases cases run
 * @param elapsed wall-clock time taken
 * @param failures the failing cases, shrunk, in case order
 * @param coverage the driver behaviour the cases reached together ({@link dev.vblk.fuzz.coverage.BehaviourCoverage#size()})
 * @param casesWithNewBehaviour how many cases reached behaviour no earlier case had
 */
public record CampaignResult(CampaignSettings settings, String source, long cases, Duration elapsed, List<FailedCase> failures,
        int coverage, long casesWithNewBehaviour) {

    public CampaignResult {
        failures = List.copyOf(failures);
    }

    /** Cases per second of wall-clock time. */
    public double casesPerSecond() {
        long nanos = Math.max(1, elapsed.toNanos());
        return cases * 1e9 / nanos;
    }
}
