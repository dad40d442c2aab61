package dev.vblk.cli;

import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * A trace file read as a stream, in passes: each pass opens the file again and sees each event once,
 * so memory stays bounded whatever the trace's length.
 *
 * @param path the file
 * @param mode whether a trace cut short is refused or read up to its last intact checkpoint
 */
record TraceFile(Path path, TraceReader.Mode mode) {

    /**
     * What a whole pass found.
     *
     * @param metadata the trace's metadata
     * @param events how many intact events it holds
     * @param complete whether it ends with its end marker
     */
    record Summary(TraceMetadata metadata, long events, boolean complete) {}

    /** Opens a new pass; the caller closes it. */
    TraceReader open() {
        return TraceReader.open(path, mode);
    }

    /**
     * Reads the whole file once, giving every event to {@code action} in order.
     *
     * @throws dev.vblk.trace.TraceFormatException if the file is not an intact trace (cut short, in
     *     {@link TraceReader.Mode#COMPLETE})
     */
    Summary forEach(Consumer<TraceEvent> action) {
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
