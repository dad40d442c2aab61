package dev.vblk.fuzz.campaign;

/**
 * How far a campaign has come.
 *
 * @param casesDone cases run so far
 * @param casesPerSecond the rate so far, in wall-clock time
 * @param failures cases whose verdict failed
 */
public record CampaignProgress(long casesDone, double casesPerSecond, long failures) {

    @Override
    public String toString() {
        return String.format("%d cases, %.0f cases/s, %d failures", casesDone, casesPerSecond, failures);
    }
}
