package dev.vblk.fuzz.seeded;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormatException;
import dev.vblk.trace.TraceReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded trace that trace-seeded fuzzing starts from: complete, on a virtio-mmio board the fake
 * machine can stand in for, with the events whose answers can be changed.
 *
 * @param name how findings and saved files name it (the file name without {@code .trace.avro})
 * @param trace the recording
 * @param window the board's MMIO window
 * @param sites the indexes of the events a device answered: register reads, memory reads, interrupt waits
 */
public record SeedTrace(String name, Trace trace, MmioWindow window, List<Integer> sites) {

    public SeedTrace {
        sites = List.copyOf(sites);
    }

    /**
     * Reads a seed trace.
     *
     * @throws IllegalArgumentException with a one-line reason when the file is no usable seed
     */
    public static SeedTrace read(Path file) {
        Trace trace;
        try {
            trace = TraceReader.readComplete(file);
        } catch (TraceFormatException | UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read the seed trace " + file + ": " + e.getMessage(), e);
        }
        String name = file.getFileName().toString().replaceFirst("\\.trace\\.avro$", "").replaceFirst("\\.avro$", "");
        return of(name, trace);
    }

    /**
     * A seed from a trace in memory.
     *
     * @throws IllegalArgumentException when branching replay cannot take the trace
     */
    public static SeedTrace of(String name, Trace trace) {
        BoardParameters board;
        try {
            board = BoardParameters.fromMap(trace.metadata().board());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the seed trace " + name + " has no usable board: " + e.getMessage(), e);
        }
        if (board.pci().isPresent()) {
            throw new IllegalArgumentException("the seed trace " + name
                    + " scans PCI bus 0, which branching replay cannot keep in step; give a virtio-mmio trace");
        }
        MmioWindow window = board.window();
        if (window.baseAddress() != FakePlatform.MMIO_BASE) {
            throw new IllegalArgumentException(String.format("the seed trace %s has its MMIO window at 0x%x, not at the"
                    + " fake machine's 0x%x", name, window.baseAddress(), FakePlatform.MMIO_BASE));
        }
        List<Integer> sites = new ArrayList<>();
        List<TraceEvent> events = trace.events();
        for (int i = 0; i < events.size(); i++) {
            TraceEvent event = events.get(i);
            if (event instanceof TraceEvent.RegisterRead || event instanceof TraceEvent.InterruptWait
                    || event instanceof TraceEvent.MemoryRead read && read.length() > 0) {
                sites.add(i);
            }
        }
        if (sites.isEmpty()) {
            throw new IllegalArgumentException("the seed trace " + name + " holds no device answer to change");
        }
        return new SeedTrace(name, trace, window, sites);
    }
}
