package dev.vblk.spark;

import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.results.CampaignHeader;
import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.fuzz.results.ShardMerge;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the merged results of all the shards of a campaign of independent cases into the records
 * the unsplit campaign writes ({@code vblk fuzz} without {@code --shard}): each case of shard
 * {@code 1/1}, and each case's {@code newCoverage} the keys it reached first in the whole campaign.
 *
 * <p>A shard's case lists the keys it reached first in its shard. A key's first case in the whole
 * campaign is the earliest of its shards' first cases, and that case lists the key; so walking the
 * cases in index order, the first case that lists a key is its first case in the whole campaign.
 */
final class UnsplitCases {

    private UnsplitCases() {}

    /**
     * The unsplit campaign's results.
     *
     * @throws IllegalArgumentException when {@code merged} is not whole: a shard missing or short of cases
     */
    static ShardMerge.Merged of(ShardMerge.Merged merged) {
        if (!merged.notes().isEmpty()) {
            throw new IllegalArgumentException("the shards' results are not the whole campaign: " + merged.notes().get(0));
        }
        CampaignHeader header = merged.header();
        Set<Long> reached = new HashSet<>();
        List<CaseResult> cases = new ArrayList<>(merged.cases().size());
        for (CaseResult result : merged.cases()) {
            List<Long> firstHere = result.newCoverage().stream().filter(reached::add).toList();
            cases.add(new CaseResult(result.campaignSeed(), Shard.WHOLE, result.caseIndex(), result.caseSeed(),
                    result.source(), result.seedTrace(), result.mutation(), result.passed(), result.invariants(),
                    result.findings(), result.platformCalls(), result.virtualNanos(), firstHere));
        }
        return new ShardMerge.Merged(CampaignHeader.of(header.seed(), header.maxCases(), header.source(), Shard.WHOLE),
                cases, List.of());
    }
}
