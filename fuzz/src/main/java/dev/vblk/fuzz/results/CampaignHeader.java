package dev.vblk.fuzz.results;

import dev.vblk.fuzz.campaign.Shard;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which campaign, and which of its shards, a results file is of: kept in the metadata of each file's
 * header (so a file cut short still says), and what {@link ShardMerge} checks.
 *
 * @param seed the campaign seed
 * @param maxCases the campaign's size ({@link Long#MAX_VALUE} for a campaign bounded only by time)
 * @param source what kind of cases, for people (the campaign's {@code CaseSource.describe()})
 * @param shardCount how many shards the campaign is split into (1: not split)
 * @param shards the shards the file holds, from 1, ascending: one, or several once merged
 */
public record CampaignHeader(long seed, long maxCases, String source, int shardCount, List<Integer> shards) {

    public CampaignHeader {
        Objects.requireNonNull(source, "source");
        shards = List.copyOf(new TreeSet<>(shards));
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("a results file holds at least one shard");
        }
        shards.forEach(number -> new Shard(number, shardCount));
    }

    /** The header of a file of one shard. */
    public static CampaignHeader of(long seed, long maxCases, String source, Shard shard) {
        return new CampaignHeader(seed, maxCases, source, shard.count(), List.of(shard.number()));
    }

    /**
     * Reads the shards as {@link #shardsText()} writes them.
     *
     * @throws IllegalArgumentException with a one-line reason when the text is not such a list
     */
    static CampaignHeader parse(long seed, long maxCases, String source, String shards) {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d{1,9}(?:,\\d{1,9})*)/(\\d{1,9})")
                .matcher(shards);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("shards are written I/N or I,J,.../N, not '" + shards + "'");
        }
        List<Integer> numbers = java.util.Arrays.stream(matcher.group(1).split(",")).map(Integer::valueOf).toList();
        return new CampaignHeader(seed, maxCases, source, Integer.parseInt(matcher.group(2)), numbers);
    }

    /** The shards as {@code I/N}, or {@code I,J,.../N} for several. */
    public String shardsText() {
        return shards.stream().map(String::valueOf).collect(Collectors.joining(",")) + "/" + shardCount;
    }

    /** Whether {@code other} is of the same campaign: the same seed, size, kind of cases and number of shards. */
    public boolean sameCampaign(CampaignHeader other) {
        return seed == other.seed && maxCases == other.maxCases && source.equals(other.source)
                && shardCount == other.shardCount;
    }

    /** How many cases the shards have in all (shard {@code I}: its cases by index below {@code maxCases}). */
    public long shardCases() {
        long total = 0;
        for (int number : shards) {
            long first = number - 1;
            total += maxCases <= first ? 0 : (maxCases - 1 - first) / shardCount + 1;
        }
        return total;
    }
}
