package dev.vblk.cli;

import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Traces made for tests from the golden ones. */
final class Traces {

    private Traces() {}

    /**
     * The golden trace {@code name} with one byte changed in the first sector the device returned: a
     * driver replaying it reads other data, so its read's outcome differs.
     *
     * @return the new file and the index of the changed event
     */
    static Changed withChangedSector(String name, Path output) {
        Trace trace = TraceReader.readComplete(Cli.golden(name));
        List<TraceEvent> events = new ArrayList<>(trace.events());
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof TraceEvent.MemoryRead read && read.length() == 512) {
                byte[] data = read.data();
                data[100] ^= 0x40;
                events.set(i, new TraceEvent.MemoryRead(read.address(), data));
                try (TraceWriter writer = TraceWriter.create(output, trace.metadata(), TraceCodec.DEFLATE)) {
                    events.forEach(writer::append);
                }
                return new Changed(output, i);
            }
        }
        throw new IllegalArgumentException(name + " has no sector read");
    }

    /** A trace file and the index of its changed event. */
    record Changed(Path file, int eventIndex) {}
}
