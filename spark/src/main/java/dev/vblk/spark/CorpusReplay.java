package dev.vblk.spark;

import dev.vblk.replay.DivergenceReport;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A corpus of traces replayed strictly as Spark tasks, as {@code vblk replay} replays them one after
 * another: each trace's {@link ReplayResult} becomes a row of a Spark table written with Spark's Avro
 * source into {@code OUT/}{@value #TABLE}. The traces must be at the same path for the driver and
 * every executor (a shared file system, or the one machine of local mode).
 */
final class CorpusReplay {

    /** The table's folder in the output folder. */
    static final String TABLE = "replays";

    /** The table's columns: one row per trace, in the order the traces were given. */
    static final StructType SCHEMA = new StructType()
            .add("trace", DataTypes.StringType, false)
            .add("status", DataTypes.StringType, false)
            .add("truncated", DataTypes.BooleanType, false)
            .add("eventsReplayed", DataTypes.LongType, false)
            .add("operationsCompared", DataTypes.IntegerType, false)
            .add("operationsInTrace", DataTypes.IntegerType, false)
            .add("divergenceEvent", DataTypes.LongType, true)
            .add("message", DataTypes.StringType, false)
            .add("report", DataTypes.StringType, false);

    private CorpusReplay() {}

    /**
     * The trace files {@code inputs} name: a file itself, a folder its {@code *.trace.avro} files (not
     * those of its subfolders) in name order.
     *
     * @throws IllegalArgumentException with a one-line reason when an input is neither, or a folder holds no trace
     */
    static List<Path> traces(List<Path> inputs) {
        List<Path> traces = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isRegularFile(input)) {
                traces.add(input);
            } else if (Files.isDirectory(input)) {
                try (Stream<Path> files = Files.list(input)) {
                    List<Path> found = files.filter(file -> file.getFileName().toString().endsWith(".trace.avro"))
                            .filter(Files::isRegularFile).sorted().toList();
                    if (found.isEmpty()) {
                        throw new IllegalArgumentException("no *.trace.avro file in the folder " + input);
                    }
                    traces.addAll(found);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list the folder " + input + ": " + e.getMessage(), e);
                }
            } else {
                throw new IllegalArgumentException("no trace file or folder " + input);
            }
        }
        return traces;
    }

    /** Replays each of {@code traces} in a task of its own, writes the table into {@code out} and returns its rows. */
    static List<Row> run(SparkSession session, List<Path> traces, Path out) {
        JavaSparkContext spark = JavaSparkContext.fromSparkContext(session.sparkContext());
        List<String> names = traces.stream().map(Path::toString).toList();
        List<Row> rows = spark.parallelize(names, Math.max(1, names.size()))
                .map(name -> row(Replayer.strict(Path.of(name))))
                .collect();
        session.createDataFrame(rows, SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite).format("avro")
                .save(out.resolve(TABLE).toString());
        return rows;
    }

    /** A replay's row of the table. */
    static Row row(ReplayResult result) {
        Long divergenceEvent = result.divergence().map(DivergenceReport::eventIndex)
                .filter(index -> index.isPresent()).map(index -> index.getAsLong()).orElse(null);
        return RowFactory.create(result.trace(), result.status().name(), result.truncated(), result.eventsReplayed(),
                result.operationsCompared(), result.operationsInTrace(), divergenceEvent, result.message(),
                result.render());
    }
}
