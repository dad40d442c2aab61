package dev.vblk.replay;

import dev.vblk.platform.Platform;
import java.util.List;
import java.util.Optional;

/**
 * Relaxed replay: the driver runs on a {@link TraceDrivenMachine}, a fake machine answering the
 * requests it asks from the trace's; only those requests and the outcomes are compared, and a report
 * shows the last calls the driver made ({@link RecentCalls}). The threads of a replay of several
 * share one machine.
 */
final class RelaxedReplay implements ReplayStrategy {

    /** This thread's part in a replay of several threads; null when one thread replays the trace. */
    private final ThreadedRun.Part part;
    private TraceDrivenMachine machine;
    private RecentCalls recent;

    RelaxedReplay(ThreadedRun.Part part) {
        this.part = part;
    }

    @Override
    public ReplayResult.Mode mode() {
        return ReplayResult.Mode.RELAXED;
    }

    @Override
    public ReplayStrategy forThread(ThreadedRun.Part thread) {
        return new RelaxedReplay(thread);
    }

    @Override
    public Platform platform(Setup setup) {
        if (part != null) {
            machine = part.machine(() -> TraceDrivenMachine.fromTrace(part.trace(), setup.window(), setup.pci(),
                    setup.memoryPerDevice()));
            recent = part.recentCalls(() -> new RecentCalls(machine.platform(), setup.window(), RECENT_CALLS));
        } else {
            machine = TraceDrivenMachine.fromTrace(setup.source(), setup.window(), setup.pci(), setup.memoryPerDevice());
            recent = new RecentCalls(machine.platform(), setup.window(), RECENT_CALLS);
        }
        machine.describeWith(setup.operationInFlight(), recent::render);
        return recent;
    }

    @Override
    public boolean checksStrictly() {
        return false;
    }

    @Override
    public Optional<ReplayDivergence> divergence() {
        return machine == null ? Optional.empty() : machine.divergence();
    }

    @Override
    public int keptFrom(int readUpTo) {
        return readUpTo;
    }

    @Override
    public List<String> context(int index) {
        return recent.render();
    }

    /** The requests answered from the trace; in a replay of several threads, the run notes them once. */
    @Override
    public List<String> notesAtEnd() {
        return machine != null && part == null ? List.of(machine.answeredNote()) : List.of();
    }

    /** Ends the machine's passes over the trace; the machine of a replay of several threads is the run's to end. */
    @Override
    public void close() {
        if (machine != null && part == null) {
            machine.close();
        }
    }
}
