package dev.vblk.cli;

import dev.vblk.trace.TraceFile;
import dev.vblk.trace.TraceReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Checks of the files named on the command line, so that a mistake gives one clear line. */
final class Inputs {

    /** How the name of a trace file ends, for the traces found in a folder. */
    static final String TRACE_SUFFIX = ".trace.avro";

    private Inputs() {}

    /**
     * Requires {@code file} to be a readable regular file.
     *
     * @param what what the file is for, in the message: {@code trace}, {@code disk image}...
     * @throws BadInputException if it is not
     */
    static Path existingFile(Path file, String what) {
        if (!Files.exists(file)) {
            throw new BadInputException(what + " " + file + " does not exist");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new BadInputException(what + " " + file + " is not a readable file");
        }
        return file;
    }

    /**
     * The trace files that {@code arguments} name, in their order: a file stands for itself, a folder
     * for every {@code *.trace.avro} file in it and its subfolders, ordered by path.
     *
     * @throws BadInputException if an argument does not exist, is not readable, or is a folder
     *     without traces
     */
    static List<Path> traceFiles(List<Path> arguments) {
        List<Path> files = new ArrayList<>();
        for (Path argument : arguments) {
            if (!Files.isDirectory(argument)) {
                files.add(existingFile(argument, "trace"));
                continue;
            }
            List<Path> found;
            try (Stream<Path> tree = Files.walk(argument)) {
                found = tree.filter(file -> file.getFileName().toString().endsWith(TRACE_SUFFIX) && Files.isRegularFile(file))
                        .sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                throw new BadInputException("cannot list the traces in folder " + argument + ": " + e.getMessage(), e);
            }
            if (found.isEmpty()) {
                throw new BadInputException("folder " + argument + " holds no trace (*" + TRACE_SUFFIX + ")");
            }
            found.forEach(file -> files.add(existingFile(file, "trace")));
        }
        return files;
    }

    /**
     * A trace file to read in passes; with {@code validPrefix} a trace cut short is read up to its
     * last intact checkpoint instead of refused.
     *
     * @throws BadInputException if the file does not exist
     */
    static TraceFile trace(Path file, boolean validPrefix) {
        existingFile(file, "trace");
        return new TraceFile(file, validPrefix ? TraceReader.Mode.VALID_PREFIX : TraceReader.Mode.COMPLETE);
    }
}
