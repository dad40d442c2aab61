package dev.vblk.spark;

import dev.vblk.fuzz.results.ResultFiles;
import dev.vblk.fuzz.results.ShardMerge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * A fuzz campaign of generated scenarios run as Spark tasks, one per shard: each task runs its shard
 * ({@link ShardRun}) into {@code OUT/shards/I/}, and the driver merges the shards' {@value ResultFiles#CASES}
 * ({@link ShardMerge}) into {@code OUT/}{@value ResultFiles#CASES}, holding the records the unsplit
 * campaign writes ({@link UnsplitCases}). The output folder must be one path that the driver and
 * every executor reach (a shared file system, or the one machine of local mode).
 */
final class ShardedCampaign {

    /**
     * What the campaign did.
     *
     * @param shards each shard's task, by shard number
     * @param merged the unsplit campaign's results
     * @param casesFile where they were written
     */
    record Outcome(List<ShardRun> shards, ShardMerge.Merged merged, Path casesFile) {}

    private ShardedCampaign() {}

    /**
     * Runs cases {@code 0} to {@code cases - 1} of the campaign seeded with {@code seed}, split into
     * {@code shards} tasks, and writes the results into {@code out}.
     */
    static Outcome run(JavaSparkContext spark, long seed, long cases, int shards, Path out) {
        String folder = out.toAbsolutePath().toString();
        List<Integer> numbers = IntStream.rangeClosed(1, shards).boxed().toList();
        List<ShardRun> runs = new ArrayList<>(spark.parallelize(numbers, shards)
                .map(shard -> ShardRun.run(seed, cases, shard, shards, Path.of(folder)))
                .collect());
        runs.sort(Comparator.comparingInt(ShardRun::shard));
        List<Path> files = numbers.stream().map(shard -> ShardRun.folder(out, shard).resolve(ResultFiles.CASES)).toList();
        ShardMerge.Merged merged = UnsplitCases.of(ShardMerge.merge(files));
        Path casesFile = out.resolve(ResultFiles.CASES);
        ShardMerge.write(merged, casesFile);
        return new Outcome(runs, merged, casesFile);
    }
}
