package dev.vblk.replay;

import dev.vblk.platform.Platform;
import dev.vblk.session.BoardParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Branching replay: strict up to a trace position, then live on a trace-driven machine kept in step
 * until then ({@link BranchPlatform}). Calls are checked against the trace, and reports show trace
 * events, until the machine answers; outcomes are compared throughout, unless the replay records a
 * new trace, which then holds what the driver did live.
 */
final class BranchReplay implements ReplayStrategy {

    private final int branchAt;
    private final ReplayOptions options;
    private EventWindow events;
    private ReplayPlatform strict;
    private TraceDrivenMachine machine;
    private BranchPlatform branch;
    private RecentCalls recent;

    /** A replay that goes live at event {@code branchAt}. */
    BranchReplay(int branchAt, ReplayOptions options) {
        this.branchAt = branchAt;
        this.options = options;
    }

    @Override
    public ReplayResult.Mode mode() {
        return ReplayResult.Mode.BRANCH;
    }

    @Override
    public String description() {
        return "branch at event " + branchAt;
    }

    @Override
    public Optional<String> refusal(BoardParameters board) {
        return board.pci().isPresent() ? Optional.of("the trace scans PCI bus 0, and branching replay does not keep a "
                + "fake PCI function in step with a strict replay; replay it strictly or relaxed") : Optional.empty();
    }

    @Override
    public Optional<String> threadsRefusal() {
        return Optional.of("it records a run of several threads, which branching replay does not take; replay it "
                + "strictly or relaxed");
    }

    /** Never asked for: {@link #threadsRefusal()} refuses runs of several threads. */
    @Override
    public ReplayStrategy forThread(ThreadedRun.Part part) {
        throw new IllegalStateException("branching replay does not replay runs of several threads");
    }

    @Override
    public Platform platform(Setup setup) {
        events = setup.events();
        strict = new ReplayPlatform(events);
        machine = TraceDrivenMachine.forBranching(setup.source(), setup.window());
        branch = new BranchPlatform(strict, machine, branchAt, options.atBranch());
        recent = new RecentCalls(branch, setup.window(), RECENT_CALLS);
        machine.describeWith(setup.operationInFlight(), recent::render);
        return recent;
    }

    @Override
    public boolean checksStrictly() {
        return strict != null && (branch == null || !branch.branched());
    }

    @Override
    public boolean outcomesLive() {
        return options.recording().isPresent() && branch != null && strict.position() >= branchAt;
    }

    @Override
    public void begin(RecordedOperation operation) {
        if (checksStrictly() && strict.position() < branchAt) {
            strict.beginOperation(operation);
        }
    }

    @Override
    public void end(RecordedOperation operation) {
        if (checksStrictly()) {
            strict.endOperation(operation);
        }
    }

    @Override
    public void finish() {
        if (checksStrictly()) {
            strict.finish();
        }
    }

    @Override
    public Optional<ReplayDivergence> divergence() {
        if (strict != null && strict.divergence().isPresent()) {
            return strict.divergence();
        }
        return machine == null ? Optional.empty() : machine.divergence();
    }

    @Override
    public int keptFrom(int readUpTo) {
        return checksStrictly() ? strict.position() - ReplayPlatform.CONTEXT_EVENTS - 1 : readUpTo;
    }

    @Override
    public List<String> context(int index) {
        return checksStrictly() ? ReplayStrategy.eventsBefore(events, index) : recent.render();
    }

    @Override
    public List<String> notesAtEnd() {
        List<String> notes = new ArrayList<>();
        if (machine != null) {
            notes.add(machine.answeredNote());
        }
        if (branch != null) {
            notes.add(branch.branched() ? "went live at trace position " + branchAt
                    : "never went live: the replay ended before trace position " + branchAt);
            if (branch.outOfStep() > 0) {
                notes.add("before the branch the live machine answered " + branch.outOfStep()
                        + " read(s) otherwise than the trace; first: " + branch.firstOutOfStep());
            }
        }
        return notes;
    }

    @Override
    public long eventsReplayed(int lastEnd) {
        return checksStrictly() ? Math.max(lastEnd + 1L, strict.position()) : lastEnd + 1L;
    }

    @Override
    public void close() {
        if (machine != null) {
            machine.close();
        }
    }
}
