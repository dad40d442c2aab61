package dev.vblk.fuzz.campaign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of failing scenarios, one readable JSON file each ({@code <name>.scenario.json}, holding
 * the seed, the findings and the whole scenario), so that every failure found once is replayed by
 * the regression test from then on.
 */
public final class FailureArchive {

    /** The file name suffix of a saved scenario. */
    public static final String SUFFIX = ".scenario.json";
    /** Where the regression scenarios live, relative to the repository root. */
    public static final Path REGRESSIONS = Path.of("traces", "regressions");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path folder;

    public FailureArchive(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /**
     * Saves a failing verdict's scenario as {@code <name>.scenario.json}, replacing a file of that name.
     *
     * @return the file written
     */
    public Path save(String name, Verdict verdict) {
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
        return file;
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
}
