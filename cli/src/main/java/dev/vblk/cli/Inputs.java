package dev.vblk.cli;

import dev.vblk.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of the files named on the command line, so that a mistake gives one clear line. */
final class Inputs {

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
