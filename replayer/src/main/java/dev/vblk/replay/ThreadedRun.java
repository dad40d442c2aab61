package dev.vblk.replay;

import dev.vblk.session.DriverSession;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A strict replay of a run of several threads (format 3): one replay thread for each recorded
 * thread, each issuing that thread's operations from its own events ({@link TraceSource.ThreadView})
 * on one shared driver session, the platform calls of all of them answered in the recorded order
 * ({@link ThreadTurns}). The thread that recorded the DISCOVERY sets the session up; the others
 * use it. The first thread that cannot reproduce its part stops the others, and the result is its
 * own, naming it; a replay whose threads all wait for a turn that never comes diverges too.
 */
final class ThreadedRun {

    /**
     * One replay thread's part in the run.
     *
     * @param thread the recorded thread's number
     * @param opensTheSession whether this thread's events start with the DISCOVERY
     * @param turns the order all threads take their events in
     * @param platforms where the driver's calls go to the calling thread's replay platform
     * @param sessions the session, once the discovering thread has set it up
     */
    record Part(int thread, boolean opensTheSession, ThreadTurns turns, ThreadPlatforms platforms,
            CompletableFuture<DriverSession> sessions) {}

    /** Replays one thread's events of the trace as its part. */
    interface PartReplay {
        ReplayResult replay(TraceSource events, Part part);
    }

    private ThreadedRun() {}

    /** Replays {@code source}'s threads, each with {@code replay}; {@code name} names the trace in results. */
    static ReplayResult replay(TraceSource source, String name, PartReplay replay) {
        List<String> names = threadNames(source);
        int threads = names.size();
        ThreadTurns turns = new ThreadTurns(threads);
        ThreadPlatforms platforms = new ThreadPlatforms();
        CompletableFuture<DriverSession> sessions = new CompletableFuture<>();
        ReplayResult[] results = new ReplayResult[threads];
        Throwable[] thrown = new Throwable[threads];
        List<Thread> workers = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            int number = thread;
            Part part = new Part(number, number == 0, turns, platforms, sessions);
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
                    turns.leave();
                }
            }, "replay of " + names.get(number)));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            joinUninterruptibly(worker);
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
        return together(name, results, threads);
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
    private static ReplayResult together(String name, ReplayResult[] results, int threads) {
        long events = 0;
        int compared = 0;
        int operations = 0;
        boolean truncated = false;
        List<String> notes = new ArrayList<>();
        notes.add("replayed " + threads + " threads, each of its calls in the recorded order");
        for (ReplayResult result : results) {
            events += result.eventsReplayed();
            compared += result.operationsCompared();
            operations += result.operationsInTrace();
            truncated |= result.truncated();
            notes.addAll(result.notes());
        }
        return new ReplayResult(name, ReplayResult.Mode.STRICT, ReplayResult.Status.REPRODUCED, truncated, events,
                compared, operations, Optional.empty(), "every call and every outcome matched the trace", notes);
    }

    /** Throws what a replay thread threw, in the caller's thread. */
    private static void rethrow(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw (Error) e;
    }

    private static void joinUninterruptibly(Thread worker) {
        boolean interrupted = false;
        while (true) {
            try {
                worker.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
