package dev.vblk.workload;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A parsed workload: its steps, the text they were parsed from (stored in a trace's metadata), and
 * the seed of a generated workload.
 *
 * @param name what the workload is called: a preset's name or a file name
 * @param text the workload text as written
 * @param steps the steps, in order
 * @param seed the seed the workload was generated from, empty for a written one
 */
public record Workload(String name, String text, List<Step> steps, OptionalLong seed) {

    public Workload {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(seed, "seed");
        steps = List.copyOf(steps);
    }

    /**
     * Parses a workload text; {@code file=} paths are resolved against the current directory.
     *
     * @throws WorkloadSyntaxException naming the line and column of the first problem
     */
    public static Workload parse(String name, String text) {
        return WorkloadParser.parse(name, text, Path.of(""));
    }

    /** This workload, marked as generated from {@code seed}. */
    public Workload withSeed(long seed) {
        return new Workload(name, text, steps, OptionalLong.of(seed));
    }

    /** The files the write and zone-append steps take their data from ({@code file=}), each once, in order of first use. */
    public List<Path> dataFiles() {
        return steps.stream().map(step -> step instanceof Step.Submit submit ? submit.call() : step)
                .flatMap(step -> step instanceof Step.Write write && write.data() instanceof WriteData.FileData file
                        ? Stream.of(file.path())
                        : step instanceof Step.ZoneAppend append && append.data() instanceof WriteData.FileData file
                        ? Stream.of(file.path()) : step instanceof Step.StreamWrite stream ? Stream.of(stream.file())
                        : Stream.empty())
                .distinct().toList();
    }

    /** The files the read steps save their bytes to ({@code save=}), each once, in order of first use. */
    public List<Path> savedFiles() {
        return steps.stream().flatMap(step -> step instanceof Step.Read read ? read.save().stream()
                        : step instanceof Step.StreamRead stream ? stream.save().stream() : Stream.empty())
                .distinct().toList();
    }

    /** The steps in the workload language, one a line, without comments. */
    public String canonicalText() {
        return steps.stream().map(step -> step.toText() + "\n").collect(Collectors.joining());
    }
}
