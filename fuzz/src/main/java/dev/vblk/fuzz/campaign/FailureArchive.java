package dev.vblk.fuzz.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.trace.RecordedScenario;
import dev.vblk.fuzz.trace.ScenarioTraceRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * A folder of failing scenarios, so that every failure found once is checked from then on. Each
 * failure is kept twice: {@code <name>.scenario.json}, readable, holding the seed, the findings and
 * the whole scenario (the oracle reruns it), and {@code <name>.trace.avro}, the scenario's run
 * recorded by {@link ScenarioTraceRecorder} (the replayer's regression suite replays it).
 */
public final class FailureArchive {

    /** The file name suffix of a saved scenario. */
    public static final String SUFFIX = ".scenario.json";
    /** The file name suffix of a saved failure's trace. */
    public static final String TRACE_SUFFIX = ScenarioTraceRecorder.SUFFIX;
    /** Where the regression scenarios live, relative to the repository root. */
    public static final Path REGRESSIONS = Path.of("traces", "regressions");

    private static final ObjectMapper JSON = ScenarioJson.MAPPER;

    private final Path folder;
    private final Clock clock;
    private final ScenarioTraceRecorder traces = new ScenarioTraceRecorder();

    /** An archive that stamps traces with the time of {@link Clock#systemUTC()}. */
    public FailureArchive(Path folder) {
        this(folder, Clock.systemUTC());
    }

    /** An archive that stamps each trace's creation time from {@code clock}. */
    public FailureArchive(Path folder, Clock clock) {
        this.folder = folder;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path folder() {
        return folder;
    }

    /**
     * Saves a failing verdict as {@code <name>.scenario.json} and {@code <name>.trace.avro},
     * replacing files of those names.
     *
     * @return the scenario file written
     */
    public Path save(String name, Verdict verdict) {
        return saveFailure(name, verdict).scenarioFile();
    }

    /**
     * Saves a failing verdict as {@code <name>.scenario.json} and records its scenario into
     * {@code <name>.trace.avro}, replacing files of those names.
     *
     * @return both files
     */
    public SavedFailure saveFailure(String name, Verdict verdict) {
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("a failure's name may hold only letters, digits, '.', '_' and '-': " + name);
        }
        ArchivedFailure failure = new ArchivedFailure(name,
                verdict.findings().stream().map(Finding::toString).toList(), verdict.scenario());
        Path file = folder.resolve(name + SUFFIX);
        try {
            Files.createDirectories(folder);
            Files.writeString(file, JSON.writeValueAsString(failure) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save the failing scenario to " + file, e);
        }
        return new SavedFailure(file, recordTrace(failure));
    }

    /**
     * Records a saved failure's scenario into {@code <name>.trace.avro} in this folder, replacing
     * the file: after a fix that changes the driver's calls, this records the trace the regression
     * suite then replays.
     */
    public RecordedScenario recordTrace(ArchivedFailure failure) {
        return traces.record(failure.scenario(), folder.resolve(failure.name() + TRACE_SUFFIX), clock.instant());
    }

    /** Records every saved scenario's trace again ({@link #recordTrace}), in file name order. */
    public List<RecordedScenario> recordAllTraces() {
        return loadAll().stream().map(this::recordTrace).toList();
    }

    /** Reads one saved scenario. */
    public static ArchivedFailure read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ArchivedFailure.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the saved scenario " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every scenario saved in the folder, by file name; empty if the folder does not exist. */
    public List<ArchivedFailure> loadAll() {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            List<ArchivedFailure> all = new ArrayList<>();
            files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().forEach(f -> all.add(read(f)));
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /**
     * The repository's regression archive: {@code traces/regressions} under the nearest folder, from
     * {@code start} upwards, whose {@code pom.xml} lists the {@code driver} module.
     *
     * @throws IllegalStateException if no such folder encloses {@code start}
     */
    public static FailureArchive regressions(Path start) {
        for (Path dir = start.toAbsolutePath().normalize(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>driver</module>")) {
                    return new FailureArchive(dir.resolve(REGRESSIONS));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + pom, e);
            }
        }
        throw new IllegalStateException("no repository root (a pom.xml listing <module>driver</module>) above " + start);
    }

    /**
     * Records the trace of every scenario saved in a folder again:
     * {@code FailureArchive [folder]}, by default the repository's {@code traces/regressions}.
     * Prints each trace with its operations.
     */
    public static void main(String[] args) {
        if (args.length > 1) {
            System.err.println("usage: FailureArchive [folder of .scenario.json files]");
            System.exit(2);
        }
        FailureArchive archive = args.length == 1 ? new FailureArchive(Path.of(args[0])) : regressions(Path.of(""));
        for (RecordedScenario recorded : archive.recordAllTraces()) {
            System.out.printf("%s: %d operation(s), %d failed%s%n", recorded.file(), recorded.operations(),
                    recorded.failedOperations(), recorded.deviceBound() ? "" : ", no device bound");
        }
    }
}
