package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.oracle.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a campaign found.
 *
 * @param cases cases run
 * @param elapsed wall-clock time taken
 * @param failures the failing verdicts, in case order
 * @param saved the files failing cases were saved to, two per failure in case order: the
 *     {@code .scenario.json}, then the {@code .trace.avro} (empty without a failure folder)
 */
public record CampaignResult(long cases, Duration elapsed, List<Verdict> failures, List<Path> saved) {

    public CampaignResult {
        failures = List.copyOf(failures);
        saved = List.copyOf(saved);
    }

    /** Cases per second of wall-clock time. */
    public double casesPerSecond() {
        long nanos = Math.max(1, elapsed.toNanos());
        return cases * 1e9 / nanos;
    }
}
