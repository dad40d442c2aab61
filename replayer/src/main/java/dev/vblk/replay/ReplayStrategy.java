package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.Platform;
import dev.vblk.session.BoardParameters;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a replay mode decides in the one operation loop of a {@link ReplaySession}: the platform the
 * driver runs on, whether calls are still checked against the trace, how much of the trace a report
 * keeps, and what the result notes. {@link StrictReplay}, {@link RelaxedReplay} and
 * {@link BranchReplay} are the three.
 */
interface ReplayStrategy {

    /** How many recent platform calls a report on a run without a trace position shows. */
    int RECENT_CALLS = 8;

    /**
     * What a mode builds its platform from.
     *
     * @param events the trace's events as the replay reads them
     * @param source the trace, for the passes a trace-driven machine makes over it
     * @param window the board's MMIO window
     * @param pci the board's PCI host bridge, if it has one
     * @param memoryPerDevice guest RAM each device's driver may take
     * @param operationInFlight describes the operation being replayed, for reports
     */
    record Setup(EventWindow events, TraceSource source, MmioWindow window, Optional<PciHostBridge> pci,
            long memoryPerDevice, Supplier<String> operationInFlight) {}

    /** The mode, as results name it. */
    ReplayResult.Mode mode();

    /** The mode, as divergence reports name it: by default its name in lower case. */
    default String description() {
        return mode().name().toLowerCase(Locale.ROOT);
    }

    /** Why this mode cannot replay a trace recorded on {@code board}, if it cannot. */
    default Optional<String> refusal(BoardParameters board) {
        return Optional.empty();
    }

    /** Why this mode cannot replay a run of several threads, if it cannot. */
    default Optional<String> threadsRefusal() {
        return Optional.empty();
    }

    /** The strategy for one thread's {@code part} in a replay of a run of several threads, in this mode. */
    ReplayStrategy forThread(ThreadedRun.Part part);

    /**
     * Builds the platform the driver runs on.
     *
     * @throws UnreplayableTraceException if the trace's machine cannot be rebuilt
     */
    Platform platform(Setup setup);

    /** Whether platform calls are still checked against the trace (and a report shows trace events). */
    boolean checksStrictly();

    /** Whether outcomes are now recorded rather than compared. */
    default boolean outcomesLive() {
        return false;
    }

    /** Announces that the driver is about to issue {@code operation}. */
    default void begin(RecordedOperation operation) {}

    /** Announces that the driver has issued {@code operation}. */
    default void end(RecordedOperation operation) {}

    /**
     * Announces the end of the replay.
     *
     * @throws ReplayDivergence if the trace has calls the replay did not make
     */
    default void finish() {}

    /** The divergence the platform found, if it found one. */
    Optional<ReplayDivergence> divergence();

    /** The first event a report may still show, when the operations have been read up to {@code readUpTo}. */
    int keptFrom(int readUpTo);

    /** What a report on the operation ending at event {@code index} shows of what came before. */
    List<String> context(int index);

    /** The notes the result of a replay that ran to its end, or diverged, carries. */
    default List<String> notesAtEnd() {
        return List.of();
    }

    /** The events the replay went through, when the last operation compared ended at event {@code lastEnd}. */
    default long eventsReplayed(int lastEnd) {
        return lastEnd + 1L;
    }

    /** Ends what the platform reads of the trace besides the replay's own pass. */
    default void close() {}

    /** The trace events before {@code index} still kept, rendered, for a strict report. */
    static List<String> eventsBefore(EventWindow events, int index) {
        return events.context(events.has(index) ? index : index - 1);
    }
}
