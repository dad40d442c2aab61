package dev.vblk.replay;

import dev.vblk.session.DriverSession;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A replay of a run of several threads (format 3): one replay thread for each recorded thread, each
 * issuing that thread's operations from its own events ({@link TraceSource.ThreadView}) on one
 * shared driver session. The thread that recorded the DISCOVERY sets the session up; the others use
 * it.
 *
 * <p>Strictly ({@code inTurns}), the platform calls of all of them are answered in the recorded
 * order ({@link ThreadTurns}); the first thread that cannot reproduce its part stops the others, and
 * the result is its own, naming it; a replay whose threads all wait for a turn that never comes
 * diverges too. Relaxed, the threads share one trace-driven machine and run as they will: each
 * compares its own operations' outcomes, and the result is that of the lowest-numbered thread that
 * did not reproduce its part, if any.
 */
final class ThreadedRun {

    /**
     * One replay thread's part in the run.
     *
     * @param thread the recorded thread's number
     * @param opensTheSession whether this thread's events start with the DISCOVERY
     * @param trace the whole trace, every thread's events
     * @param turns the order all threads take their events in (strict)
     * @param platforms where the driver's calls go to the calling thread's replay platform (strict)
     * @param sessions the session, once the discovering thread has set it up (null if it could not)
     * @param shared what the threads of a relaxed replay share: the trace-driven machine and the
     *     record of recent calls around it
     */
    record Part(int thread, boolean opensTheSession, TraceSource trace, ThreadTurns turns, ThreadPlatforms platforms,
            CompletableFuture<DriverSession> sessions, Map<Class<?>, Object> shared) {

        /** The machine the threads share, made by the first thread to ask. */
        TraceDrivenMachine machine(Supplier<TraceDrivenMachine> make) {
            return (TraceDrivenMachine) shared.computeIfAbsent(TraceDrivenMachine.class, type -> make.get());
        }

        /** The recent calls on the shared machine, made by the first thread to ask. */
        RecentCalls recentCalls(Supplier<RecentCalls> make) {
            return (RecentCalls) shared.computeIfAbsent(RecentCalls.class, type -> make.get());
        }
    }

    /** Replays one thread's events of the trace as its part. */
    interface PartReplay {
        ReplayResult replay(TraceSource events, Part part);
    }

    /** How long a stopped replay waits for each of its threads to end before it leaves it. */
    static final long STOPPED_GRACE_MILLIS = 2_000;

    private ThreadedRun() {}

    /**
     * Replays {@code source}'s threads, each with {@code replay}; {@code name} names the trace in
     * results; {@code inTurns} for a strict replay, whose threads take their events in turns.
     */
    static ReplayResult replay(TraceSource source, String name, boolean inTurns, PartReplay replay) {
        List<String> names = threadNames(source);
        int threads = names.size();
        ThreadTurns turns = new ThreadTurns(threads);
        ThreadPlatforms platforms = new ThreadPlatforms();
        CompletableFuture<DriverSession> sessions = new CompletableFuture<>();
        Map<Class<?>, Object> shared = new ConcurrentHashMap<>();
        ReplayResult[] results = new ReplayResult[threads];
        Throwable[] thrown = new Throwable[threads];
        List<Thread> workers = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            int number = thread;
            Part part = new Part(number, number == 0, source, inTurns ? turns : null, platforms, sessions, shared);
            workers.add(new Thread(() -> {
                try {
                    results[number] = replay.replay(new TraceSource.ThreadView(source, number), part);
                    if (results[number].status() != ReplayResult.Status.REPRODUCED) {
                        turns.stop(number, results[number].message());
                    }
                } catch (ThreadTurns.StoppedReplay stopped) {
                    // Another thread stopped the replay; its result is the one reported.
                } catch (RuntimeException | Error e) {
                    thrown[number] = e;
                    turns.stop(number, e.toString());
                } finally {
                    if (number == 0) {
                        sessions.complete(null);
                    }
                    turns.leave();
                }
            }, "replay of " + names.get(number)));
        }
        workers.forEach(worker -> {
            worker.setDaemon(true);
            turns.register(worker);
        });
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            awaitEnd(worker, turns, inTurns);
        }
        List<String> machineNotes = new ArrayList<>();
        if (shared.get(TraceDrivenMachine.class) instanceof TraceDrivenMachine machine) {
            machineNotes.add(machine.answeredNote());
            machine.close();
        }
        if (!inTurns) {
            for (int thread = 0; thread < threads; thread++) {
                if (thrown[thread] != null) {
                    rethrow(thrown[thread]);
                }
                if (results[thread].status() != ReplayResult.Status.REPRODUCED) {
                    return named(results[thread], thread, names.get(thread));
                }
            }
            return together(name, ReplayResult.Mode.RELAXED, results, threads, machineNotes);
        }
        Optional<Integer> stoppedBy = turns.stoppedBy();
        if (stoppedBy.isPresent() && stoppedBy.get() >= 0 && thrown[stoppedBy.get()] != null) {
            rethrow(thrown[stoppedBy.get()]);
        }
        if (stoppedBy.isPresent() && stoppedBy.get() >= 0 && results[stoppedBy.get()] != null) {
            return named(results[stoppedBy.get()], stoppedBy.get(), names.get(stoppedBy.get()));
        }
        if (stoppedBy.isPresent()) {
            String why = turns.stoppedBecause().orElseThrow();
            DivergenceReport report = new DivergenceReport(name, "strict", OptionalLong.empty(), why,
                    "the recorded order of the threads' calls", "a replay that cannot go on", "", List.of());
            return new ReplayResult(name, ReplayResult.Mode.STRICT, ReplayResult.Status.DIVERGED, false, 0, 0, 0,
                    Optional.of(report), why, List.of());
        }
        return together(name, ReplayResult.Mode.STRICT, results, threads, machineNotes);
    }

    /** The recorded threads' names by number, from one pass over the trace; thread 0 has no switch of its own. */
    private static List<String> threadNames(TraceSource source) {
        TreeMap<Integer, String> names = new TreeMap<>();
        names.put(0, "thread 0");
        try (TraceSource.Pass pass = source.open()) {
            while (pass.hasNext()) {
                if (pass.next() instanceof TraceEvent.ThreadSwitch threadSwitch) {
                    names.putIfAbsent(threadSwitch.thread(), "thread " + threadSwitch.thread() + " ("
                            + threadSwitch.name() + ")");
                }
            }
        }
        List<String> list = new ArrayList<>();
        for (int thread = 0; thread <= names.lastKey(); thread++) {
            list.add(names.getOrDefault(thread, "thread " + thread));
        }
        return list;
    }

    /** A thread's result that stopped the replay, its message and report saying which thread. */
    private static ReplayResult named(ReplayResult result, int thread, String name) {
        Optional<DivergenceReport> report = result.divergence().map(found -> new DivergenceReport(found.trace(),
                found.mode(), found.eventIndex(), name + ", its " + found.headline(), found.expected(), found.actual(),
                found.operation(), found.context()));
        return new ReplayResult(result.trace(), result.mode(), result.status(), result.truncated(), result.eventsReplayed(),
                result.operationsCompared(), result.operationsInTrace(), report, name + ": " + result.message(),
                result.notes());
    }

    /** Every thread reproduced its part: the run's figures are the sums of theirs. */
    private static ReplayResult together(String name, ReplayResult.Mode mode, ReplayResult[] results, int threads,
            List<String> machineNotes) {
        long events = 0;
        int compared = 0;
        int operations = 0;
        boolean truncated = false;
        Set<String> notes = new LinkedHashSet<>();
        notes.add(mode == ReplayResult.Mode.STRICT ? "replayed " + threads + " threads, each of its calls in the recorded order"
                : "replayed " + threads + " threads on one trace-driven machine");
        for (ReplayResult result : results) {
            events += result.eventsReplayed();
            compared += result.operationsCompared();
            operations += result.operationsInTrace();
            truncated |= result.truncated();
            notes.addAll(result.notes());
        }
        notes.addAll(machineNotes);
        return new ReplayResult(name, mode, ReplayResult.Status.REPRODUCED, truncated, events,
                compared, operations, Optional.empty(), "every call and every outcome matched the trace", List.copyOf(notes));
    }

    /** Throws what a replay thread threw, in the caller's thread. */
    private static void rethrow(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) e;
    }

    /**
     * Waits for a replay thread to end. Once a replay in turns has stopped, a thread still blocked
     * outside the platform (on a lock a thread that ended still holds) may never end: it is given
     * {@link #STOPPED_GRACE_MILLIS} and then left, a daemon thread that cannot keep the process alive.
     */
    private static void awaitEnd(Thread worker, ThreadTurns turns, boolean inTurns) {
        boolean interrupted = false;
        long graceEnds = Long.MAX_VALUE;
        while (worker.isAlive()) {
            if (inTurns && graceEnds == Long.MAX_VALUE && turns.stoppedBy().isPresent()) {
                graceEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOPPED_GRACE_MILLIS);
            }
            if (System.nanoTime() - graceEnds >= 0) {
                break;
            }
            try {
                worker.join(ThreadTurns.STALL_CHECK_MILLIS);
            } catch (InterruptedException e) {
                interrupted = true;
                turns.stop(-1, "the replay was interrupted");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
