package dev.vblk.cli;

import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.fuzz.results.ResultFiles;
import dev.vblk.fuzz.results.ShardMerge;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vblk fuzz merge OUT IN...}: the results files of a campaign's shards, run apart, merged into
 * one ({@link ShardMerge}), with what they found together.
 */
@Command(name = "merge",
        sortOptions = false,
        description = {
            "Merge the results files (" + ResultFiles.CASES + ") of the shards of one fuzz campaign into one file",
            "of the same schema, in case order, and print what they found together: the cases, the failing",
            "ones with the invariants they violate, and the coverage keys reached. The inputs must be of one",
            "campaign (the same seed, case count, kind of cases and number of shards) and hold each shard once."},
        footer = {
            "",
            "Examples:",
            "  vblk fuzz --seed 7 --iterations 100000 --shard 1/2 --out s1",
            "  vblk fuzz --seed 7 --iterations 100000 --shard 2/2 --out s2",
            "  vblk fuzz merge all.avro s1/" + ResultFiles.CASES + " s2/" + ResultFiles.CASES,
            "",
            "Exit status 0 when every case passed, 1 when some failed, 2 when the inputs do not merge."})
final class FuzzMergeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "OUT", description = "The merged results file to write.")
    Path output;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "IN", description = "The shards' results files.")
    List<Path> inputs = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (Path input : inputs) {
            if (!Files.isRegularFile(input)) {
                throw new BadInputException("no results file " + input);
            }
        }
        Path file = Outputs.against(inputs).file(output, "merged results file");
        ShardMerge.Merged merged;
        try {
            merged = ShardMerge.merge(inputs);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new BadInputException(e.getMessage(), e);
        }
        ShardMerge.write(merged, file);
        PrintWriter out = spec.commandLine().getOut();
        List<CaseResult> failures = merged.failures();
        out.printf("campaign seed %d, shards %s: %d cases, %d failed, %d coverage keys%n", merged.header().seed(),
                merged.header().shardsText(), merged.cases().size(), failures.size(), merged.coverage());
        merged.notes().forEach(note -> out.println("note: " + note));
        for (CaseResult failure : failures) {
            out.printf("failed: case %d (seed %s): %s%n", failure.caseIndex(), Long.toUnsignedString(failure.caseSeed(), 16),
                    String.join(", ", failure.invariants()));
        }
        out.println("wrote " + file);
        return failures.isEmpty() ? ExitCodes.OK : ExitCodes.FOUND_PROBLEMS;
    }
}
