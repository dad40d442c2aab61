package dev.vblk.fuzz.results;

import dev.vblk.fuzz.campaign.Shard;
import java.util.Objects;

/**
 * What a campaign (or one shard of it) ran and found, as {@value ResultFiles#SUMMARY} keeps it once
 * the campaign ends.
 *
 * @param campaignSeed the campaign seed
 * @param shard the shard
 * @param maxCases the campaign's size
 * @param source what kind of cases, for people
 * @param cases cases run
 * @param failures cases that failed
 * @param coverage behaviour coverage keys the cases reached together
 * @param casesWithNewBehaviour cases that reached keys no earlier case of the shard had
 * @param elapsedMillis wall-clock time taken
 */
public record CampaignSummary(long campaignSeed, Shard shard, long maxCases, String source, long cases, long failures,
        int coverage, long casesWithNewBehaviour, long elapsedMillis) {

    public CampaignSummary {
        Objects.requireNonNull(shard, "shard");
        Objects.requireNonNull(source, "source");
    }
}
