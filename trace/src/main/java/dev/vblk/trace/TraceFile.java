package dev.vblk.trace;

import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A trace file read as a stream, in passes: each pass opens the file again and sees each event once,
 * so memory stays bounded whatever the trace's length. The command line reads traces this way, and a
 * replay reads its passes over a file through it.
 *
 * @param path the file
 * @param mode whether a trace cut short is refused or read up to its last intact checkpoint
 */
public record TraceFile(Path path, TraceReader.Mode mode) {

    /**
     * What a whole pass found.
     *
     * @param metadata the trace's metadata
     * @param events how many intact events it holds
     * @param complete whether it ends with its end marker
     */
    public record Summary(TraceMetadata metadata, long events, boolean complete) {}

    /** Opens a new pass read on the calling thread; the caller closes it. */
    public TraceReader open() {
        return TraceReader.open(path, mode);
    }

    /** Opens a new pass decoded ahead on a thread of its own ({@link ReadAheadReader}); the caller closes it. */
    public ReadAheadReader openAhead() {
        return ReadAheadReader.open(path, mode);
    }

    /**
     * Reads the whole file once, giving every event to {@code action} in order.
     *
     * @throws TraceFormatException if the file is not an intact trace (cut short, in
     *     {@link TraceReader.Mode#COMPLETE})
     */
    public Summary forEach(Consumer<TraceEvent> action) {
        try (TraceReader reader = open()) {
            long events = 0;
            while (reader.hasNext()) {
                action.accept(reader.next());
                events++;
            }
            return new Summary(reader.metadata(), events, reader.isComplete());
        }
    }
}
