package dev.vblk.fuzz.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Merges the results files ({@value ResultFiles#CASES}) of the shards of one campaign, run apart (on
 * other machines), into one file of the same schema whose records are in case order: what the
 * unsplit campaign would have written, but for each shard's coverage guidance and the time taken.
 * The inputs must be of one campaign (the same seed, size, kind of cases and number of shards) and
 * hold different shards; merged files merge again.
 */
public final class ShardMerge {

    private ShardMerge() {}

    /**
     * Results merged from shard files.
     *
     * @param header the campaign, with every shard the inputs held
     * @param cases every case, by index
     * @param notes what a reader should know: inputs cut short, shards missing, shards with fewer
     *     cases than the campaign's size gives them (stopped by a time limit, or killed)
     */
    public record Merged(CampaignHeader header, List<CaseResult> cases, List<String> notes) {

        public Merged {
            cases = List.copyOf(cases);
            notes = List.copyOf(notes);
        }

        /** The failing cases, by index. */
        public List<CaseResult> failures() {
            return cases.stream().filter(result -> !result.passed()).toList();
        }

        /** The distinct behaviour coverage keys the cases reached together. */
        public int coverage() {
            Set<Long> keys = new HashSet<>();
            cases.forEach(result -> keys.addAll(result.newCoverage()));
            return keys.size();
        }
    }

    /**
     * Reads and merges {@code inputs}.
     *
     * @throws IllegalArgumentException with a one-line reason when an input is no results file, or
     *     the inputs are of different campaigns or hold a shard twice
     */
    public static Merged merge(List<Path> inputs) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: give the results files of a campaign's shards");
        }
        CampaignHeader first = null;
        Path firstFile = null;
        Map<Integer, Path> holder = new HashMap<>();
        List<CaseResult> cases = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Path input : inputs) {
            ResultFiles.Contents<CaseResult> contents = ResultFiles.readCases(input);
            CampaignHeader header = contents.header();
            if (first == null) {
                first = header;
                firstFile = input;
            } else if (!first.sameCampaign(header)) {
                throw new IllegalArgumentException(input + " is of " + describe(header) + ", but " + firstFile + " of "
                        + describe(first) + ": merge the shards of one campaign");
            }
            for (int shard : header.shards()) {
                Path other = holder.putIfAbsent(shard, input);
                if (other != null) {
                    throw new IllegalArgumentException(input + " and " + other + " both hold shard " + shard + "/"
                            + header.shardCount() + ": give each shard once");
                }
            }
            if (contents.cutShort()) {
                notes.add(input + " was cut short after " + contents.records().size() + " cases");
            }
            if (header.maxCases() != Long.MAX_VALUE && contents.records().size() < header.shardCases()) {
                notes.add(input + " holds " + contents.records().size() + " of the " + header.shardCases()
                        + " cases of shard(s) " + header.shardsText());
            }
            cases.addAll(contents.records());
        }
        List<Integer> missing = new ArrayList<>();
        for (int shard = 1; shard <= first.shardCount(); shard++) {
            if (!holder.containsKey(shard)) {
                missing.add(shard);
            }
        }
        if (!missing.isEmpty()) {
            notes.add("shard(s) " + missing + " of " + first.shardCount() + " not given");
        }
        cases.sort(Comparator.comparingLong(CaseResult::caseIndex));
        CampaignHeader merged = new CampaignHeader(first.seed(), first.maxCases(), first.source(), first.shardCount(),
                List.copyOf(holder.keySet()));
        return new Merged(merged, cases, notes);
    }

    /** Writes {@code merged} to {@code file}, replacing it. */
    public static void write(Merged merged, Path file) {
        try (DataFileWriter<GenericRecord> writer = ResultFiles.create(file, ResultFiles.CASE_SCHEMA, merged.header())) {
            for (CaseResult result : merged.cases()) {
                writer.append(ResultFiles.record(result));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the merged results " + file + ": " + e.getMessage(), e);
        }
    }

    private static String describe(CampaignHeader header) {
        return "campaign seed " + header.seed() + " (" + (header.maxCases() == Long.MAX_VALUE ? "time-limited"
                : header.maxCases() + " cases") + ", " + header.source() + ", " + header.shardCount() + " shard(s))";
    }
}
