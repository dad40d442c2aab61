package dev.vblk.spark;

import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.campaign.Shard;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * One shard of a campaign run as a Spark task, and what the task sends back to the driver: the
 * shard's results files are in its folder.
 *
 * @param shard the shard's number, from 1
 * @param cases the cases it ran
 * @param failures how many of them failed
 * @param elapsedMillis how long it took
 */
record ShardRun(int shard, long cases, int failures, long elapsedMillis) implements Serializable {

    /** The folder a shard writes its results files and saved failures into, in the campaign's output folder. */
    static Path folder(Path out, int shard) {
        return out.resolve("shards").resolve(Integer.toString(shard));
    }

    /**
     * Runs shard {@code shard} of {@code shards} of the campaign of {@code cases} cases from
     * {@code seed} on one thread, as {@code vblk fuzz --shard} does, writing its results and
     * failures into {@link #folder}.
     */
    static ShardRun run(long seed, long cases, int shard, int shards, Path out) {
        Path folder = folder(out, shard);
        CampaignSettings settings = CampaignSettings.of(seed, cases).withShard(new Shard(shard, shards))
                .withResultsFolder(folder).withFailureFolder(folder);
        CampaignResult result = new FuzzCampaign(settings).run(progress -> { });
        return new ShardRun(shard, result.cases(), result.failures().size(), result.elapsed().toMillis());
    }
}
