package dev.vblk.replay;

import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceFormatException;
import dev.vblk.trace.TraceReader;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Replays a trace against the driver and says whether the recording was reproduced.
 *
 * <ul>
 *   <li>{@link #strict}: the driver runs on a {@link ReplayPlatform}; every platform call must be the
 *       recorded one, and every operation's outcome the recorded one ({@link StrictReplay}).
 *   <li>{@link #relaxed}: the driver runs on a {@link TraceDrivenMachine}, a fake device answering
 *       from the trace's requests; only the requests it asks and the outcomes are compared
 *       ({@link RelaxedReplay}).
 *   <li>{@link #branch}: strict up to an event, then live on the trace-driven machine
 *       ({@link BranchReplay}).
 * </ul>
 *
 * <p>In every mode the replay discovers devices on the trace's board with its recorded driver
 * options (unless {@link ReplayOptions} say otherwise), then issues each recorded top-level operation
 * in order and compares outcomes ({@link ReplaySession}, {@link OperationIssuer}). A trace file cut
 * short is a bad trace, unless the options ask for its valid prefix ({@link ReplayOptions#withValidPrefix()}):
 * it is then replayed up to its last complete operation. A trace of several threads is replayed
 * again on as many ({@link ThreadedRun}). Nothing here reads the wall clock or randomness.
 *
 * <p>A trace file is read as a stream: each operation's events are read when it is issued and
 * dropped once it is over, so memory stays bounded whatever the trace's length (see
 * {@link EventWindow}).
 */
public final class Replayer {

    private Replayer() {}

    /** Strict replay of a trace file. */
    public static ReplayResult strict(Path path) {
        return strict(path, ReplayOptions.DEFAULTS);
    }

    /** Strict replay of a trace file. */
    public static ReplayResult strict(Path path, ReplayOptions options) {
        return fromFile(path, ReplayResult.Mode.STRICT, options, source -> replay(source, path.toString(), new StrictReplay(null), options));
    }

    /** Strict replay of a trace read into memory; {@code name} names it in results. */
    public static ReplayResult strict(Trace trace, String name, ReplayOptions options) {
        return replay(TraceSource.of(trace), name, new StrictReplay(null), options);
    }

    /**
     * Replays {@code source} on one thread in the mode of {@code strategy}; a trace of several threads
     * (format 3: it has thread switches, and the one-thread replay stops at the first) is replayed
     * again on as many, strictly in the recorded turns, or refused by a mode that does not take it.
     */
    private static ReplayResult replay(TraceSource source, String name, ReplayStrategy strategy, ReplayOptions options) {
        ReplaySession run = new ReplaySession(source, name, strategy, options, null);
        ReplayResult result = run.execute();
        if (!run.metThreadSwitches()) {
            return result;
        }
        Optional<String> refused = strategy.threadsRefusal();
        if (refused.isPresent()) {
            return new ReplayResult(name, strategy.mode(), ReplayResult.Status.BAD_TRACE, false, 0, 0, 0, Optional.empty(),
                    "the trace cannot be replayed: " + refused.get(), List.of());
        }
        return ThreadedRun.replay(source, name, strategy.mode() == ReplayResult.Mode.STRICT, (events, part) ->
                new ReplaySession(events, name, strategy.forThread(part), options, part).execute());
    }

    /** Relaxed replay of a trace file. */
    public static ReplayResult relaxed(Path path) {
        return relaxed(path, ReplayOptions.DEFAULTS);
    }

    /** Relaxed replay of a trace file. */
    public static ReplayResult relaxed(Path path, ReplayOptions options) {
        return fromFile(path, ReplayResult.Mode.RELAXED, options,
                source -> replay(source, path.toString(), new RelaxedReplay(null), options));
    }

    /** Relaxed replay of a trace read into memory. */
    public static ReplayResult relaxed(Trace trace, String name, ReplayOptions options) {
        return replay(TraceSource.of(trace), name, new RelaxedReplay(null), options);
    }

    /** Strict replay of a trace file up to event {@code eventIndex}, then live on the fake device. */
    public static ReplayResult branch(Path path, int eventIndex) {
        return branch(path, eventIndex, ReplayOptions.DEFAULTS);
    }

    /** Strict replay of a trace file up to event {@code eventIndex}, then live on the fake device. */
    public static ReplayResult branch(Path path, int eventIndex, ReplayOptions options) {
        checkBranchIndex(eventIndex);
        return fromFile(path, ReplayResult.Mode.BRANCH, options,
                source -> replay(source, path.toString(), new BranchReplay(eventIndex, options), options));
    }

    /**
     * Strict replay of a trace up to event {@code eventIndex}, then live: the first platform call made
     * when the replay has consumed the events before {@code eventIndex} and every later call are
     * answered by the trace-driven machine. Outcomes are still compared with the recorded ones.
     */
    public static ReplayResult branch(Trace trace, String name, int eventIndex, ReplayOptions options) {
        checkBranchIndex(eventIndex);
        return replay(TraceSource.of(trace), name, new BranchReplay(eventIndex, options), options);
    }

    private static void checkBranchIndex(int eventIndex) {
        if (eventIndex < 0) {
            throw new IllegalArgumentException("the branch event index must not be negative: " + eventIndex);
        }
    }

    /** Replays the trace file {@code path}, read as a stream; a file that cannot be opened as a trace is a bad trace. */
    private static ReplayResult fromFile(Path path, ReplayResult.Mode mode, ReplayOptions options,
            Function<TraceSource, ReplayResult> replay) {
        TraceSource source;
        try {
            source = TraceSource.of(path, options.validPrefix() ? TraceReader.Mode.VALID_PREFIX : TraceReader.Mode.COMPLETE,
                    options.readAhead());
        } catch (TraceFormatException | UncheckedIOException e) {
            return unreadable(path.toString(), mode, e);
        }
        return replay.apply(source);
    }

    /** The result for a trace that cannot be read to its end. */
    static ReplayResult unreadable(String name, ReplayResult.Mode mode, RuntimeException e) {
        return new ReplayResult(name, mode, ReplayResult.Status.BAD_TRACE, false, 0, 0, 0, Optional.empty(),
                "the trace cannot be read: " + TraceProblem.describe(e), List.of());
    }
}
