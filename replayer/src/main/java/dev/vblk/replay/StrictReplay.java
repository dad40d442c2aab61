package dev.vblk.replay;

import dev.vblk.platform.Platform;
import java.util.List;
import java.util.Optional;

/**
 * Strict replay: the driver runs on a {@link ReplayPlatform}, which answers every call from the trace
 * and requires it to be the recorded one; in a replay of several threads, each thread's calls go to
 * a platform of its own, taking turns in the recorded order.
 */
final class StrictReplay implements ReplayStrategy {

    /** This thread's part in a replay of several threads; null when one thread replays the trace. */
    private final ThreadedRun.Part part;
    private EventWindow events;
    private ReplayPlatform platform;

    StrictReplay(ThreadedRun.Part part) {
        this.part = part;
    }

    @Override
    public ReplayResult.Mode mode() {
        return ReplayResult.Mode.STRICT;
    }

    @Override
    public ReplayStrategy forThread(ThreadedRun.Part thread) {
        return new StrictReplay(thread);
    }

    @Override
    public Platform platform(Setup setup) {
        events = setup.events();
        if (part != null) {
            platform = new ReplayPlatform(events, part.turns());
            part.platforms().register(platform);
            return part.platforms();
        }
        platform = new ReplayPlatform(events);
        return platform;
    }

    @Override
    public boolean checksStrictly() {
        return platform != null;
    }

    @Override
    public void begin(RecordedOperation operation) {
        platform.beginOperation(operation);
    }

    @Override
    public void end(RecordedOperation operation) {
        platform.endOperation(operation);
    }

    @Override
    public void finish() {
        platform.finish();
    }

    @Override
    public Optional<ReplayDivergence> divergence() {
        return platform == null ? Optional.empty() : platform.divergence();
    }

    @Override
    public int keptFrom(int readUpTo) {
        return platform == null ? readUpTo : platform.position() - ReplayPlatform.CONTEXT_EVENTS - 1;
    }

    @Override
    public List<String> context(int index) {
        return ReplayStrategy.eventsBefore(events, index);
    }

    @Override
    public long eventsReplayed(int lastEnd) {
        return Math.max(lastEnd + 1L, platform.position());
    }
}
