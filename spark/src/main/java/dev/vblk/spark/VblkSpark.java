package dev.vblk.spark;

import dev.vblk.fuzz.results.CaseResult;
import dev.vblk.replay.ReplayResult;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark application's main class, for {@code spark-submit} on a cluster or {@code java} on one
 * machine (local mode, {@code local[*]}, unless {@code spark.master} is set):
 *
 * <ul>
 *   <li>{@code campaign SEED CASES SHARDS OUT}: a fuzz campaign of generated scenarios in
 *       {@code SHARDS} tasks ({@link ShardedCampaign}); exit status 0 when every case passed, 1 when
 *       some failed;
 *   <li>{@code replay OUT TRACE...}: strict replay of trace files and folders of traces, a task per
 *       trace ({@link CorpusReplay}); exit status 0 when every trace was reproduced, 1 when one
 *       diverged, 3 when one cannot be replayed.
 * </ul>
 *
 * Bad arguments give one line and exit status 2.
 */
public final class VblkSpark {

    static final String USAGE = "usage: VblkSpark campaign SEED CASES SHARDS OUT | VblkSpark replay OUT TRACE_OR_FOLDER...";

    private VblkSpark() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command {@code args} name, printing to {@code out} and {@code err}; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args.length >= 1 && args[0].equals("campaign")) {
                return campaign(Arrays.copyOfRange(args, 1, args.length), out);
            }
            if (args.length >= 1 && args[0].equals("replay")) {
                return replay(Arrays.copyOfRange(args, 1, args.length), out);
            }
            throw new IllegalArgumentException(args.length == 0 ? "no command" : "no command '" + args[0] + "'");
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("vblk-spark: " + e.getMessage() + (e.getMessage().startsWith("no command") ? "; " + USAGE : ""));
            return 2;
        }
    }

    private static int campaign(String[] args, PrintStream out) {
        if (args.length != 4) {
            throw new IllegalArgumentException("campaign takes SEED CASES SHARDS OUT");
        }
        long seed = number(args[0], "SEED");
        long cases = number(args[1], "CASES");
        long shards = number(args[2], "SHARDS");
        if (cases < 1 || shards < 1 || shards > 100_000) {
            throw new IllegalArgumentException("CASES must be at least 1 and SHARDS from 1 to 100000, not " + cases
                    + " and " + shards);
        }
        Path folder = outputFolder(args[3]);
        try (SparkSession session = session("campaign")) {
            JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
            out.printf("spark campaign: seed %d, %d cases in %d shards, master %s%n", seed, cases, shards, spark.master());
            long start = System.nanoTime();
            ShardedCampaign.Outcome outcome = ShardedCampaign.run(spark, seed, cases, (int) shards, folder);
            double seconds = (System.nanoTime() - start) / 1e9;
            for (ShardRun run : outcome.shards()) {
                out.printf("shard %d/%d: %d cases in %.1f s, %d failed%n", run.shard(), shards, run.cases(),
                        run.elapsedMillis() / 1000.0, run.failures());
            }
            List<CaseResult> failures = outcome.merged().failures();
            out.printf("%d cases in %.1f s (%.0f cases/s), %d failed, %d coverage keys%n", outcome.merged().cases().size(),
                    seconds, outcome.merged().cases().size() / seconds, failures.size(), outcome.merged().coverage());
            for (CaseResult failure : failures) {
                out.printf("failed: case %d (seed %s): %s%n", failure.caseIndex(),
                        Long.toUnsignedString(failure.caseSeed(), 16), String.join(", ", failure.invariants()));
            }
            out.printf("wrote %s; the shards' results files and failures in %s to %s%n", outcome.casesFile(),
                    ShardRun.folder(folder, 1), ShardRun.folder(folder, (int) shards));
            return failures.isEmpty() ? 0 : 1;
        }
    }

    private static int replay(String[] args, PrintStream out) {
        if (args.length < 2) {
            throw new IllegalArgumentException("replay takes OUT and at least one TRACE_OR_FOLDER");
        }
        Path folder = outputFolder(args[0]);
        List<Path> traces = CorpusReplay.traces(Arrays.stream(args, 1, args.length).map(Path::of).toList());
        try (SparkSession session = session("replay")) {
            out.printf("spark replay: %d trace(s), master %s%n", traces.size(), session.sparkContext().master());
            long start = System.nanoTime();
            List<Row> rows = CorpusReplay.run(session, traces, folder);
            double seconds = (System.nanoTime() - start) / 1e9;
            rows.forEach(row -> out.print(row.getString(CorpusReplay.SCHEMA.fieldIndex("report"))));
            long reproduced = count(rows, ReplayResult.Status.REPRODUCED);
            long diverged = count(rows, ReplayResult.Status.DIVERGED);
            long bad = count(rows, ReplayResult.Status.BAD_TRACE);
            out.printf("%d trace(s): %d reproduced, %d diverged, %d bad%n", rows.size(), reproduced, diverged, bad);
            out.printf("%.1f s; wrote the table %s%n", seconds, folder.resolve(CorpusReplay.TABLE));
            return bad > 0 ? 3 : diverged > 0 ? 1 : 0;
        }
    }

    private static long count(List<Row> rows, ReplayResult.Status status) {
        int column = CorpusReplay.SCHEMA.fieldIndex("status");
        return rows.stream().filter(row -> row.getString(column).equals(status.name())).count();
    }

    private static Path outputFolder(String text) {
        Path folder = Path.of(text);
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException("OUT must be a folder, and " + folder + " is a file");
        }
        return folder;
    }

    private static long number(String text, String name) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, not '" + text + "'");
        }
    }

    /** The session: the master spark-submit (or {@code -Dspark.master}) gives, else {@code local[*]}. */
    private static SparkSession session(String command) {
        SparkConf conf = new SparkConf().setAppName("vblk " + command);
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
