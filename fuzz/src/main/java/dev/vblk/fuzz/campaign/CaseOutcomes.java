package dev.vblk.fuzz.campaign;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Runs a campaign's cases, one after the other or on several threads at once, and hands their
 * outcomes back one by one in case order, so that whatever comes after a case (coverage, results
 * files, progress) sees the same sequence whatever the number of threads. With several threads the
 * cases are handed out in runs of {@value #RUN_LENGTH}, at most {@value #RUNS_AHEAD} runs per thread
 * ahead of the outcome taken last; once {@code stop} says so no further run starts, and the runs
 * started still finish and are handed back, so the cases run are always the first ones.
 */
final class CaseOutcomes implements AutoCloseable {

    /** A case run: its index in the campaign, its seed, what it gave, and its shrunk failure or null. */
    record Outcome(long index, long seed, CaseRun run, FailedCase failure) {}

    /** Cases handed to a thread at a time. */
    static final int RUN_LENGTH = 32;
    /** Runs of cases a thread may have started ahead of the outcome taken last. */
    static final int RUNS_AHEAD = 4;

    private final LongFunction<Outcome> runCase;
    private final long step;
    private final long end;
    private final BooleanSupplier stop;
    private final ExecutorService threads;
    private final int maxStarted;
    private final Deque<Future<List<Outcome>>> started = new ArrayDeque<>();
    private List<Outcome> taking = List.of();
    private int taken;
    private long next;

    /**
     * @param runCase runs the case of an index
     * @param first the first case's index
     * @param step the distance between two cases' indexes
     * @param end the index no case reaches
     * @param threads how many threads run cases (1: the caller's own)
     * @param stop asked before each case (one thread) or run of cases (several): true to start no more
     */
    CaseOutcomes(LongFunction<Outcome> runCase, long first, long step, long end, int threads, BooleanSupplier stop) {
        this.runCase = runCase;
        this.next = first;
        this.step = step;
        this.end = end;
        this.stop = stop;
        this.maxStarted = threads * RUNS_AHEAD;
        this.threads = threads == 1 ? null : Executors.newFixedThreadPool(threads, new CaseThreads());
    }

    /** The next case's outcome, in case order; null once every case is run or {@code stop} said so. */
    Outcome next() {
        if (threads == null) {
            if (next >= end || stop.getAsBoolean()) {
                return null;
            }
            long index = next;
            next += step;
            return runCase.apply(index);
        }
        while (taken == taking.size()) {
            startRuns();
            if (started.isEmpty()) {
                return null;
            }
            taking = await(started.removeFirst());
            taken = 0;
        }
        return taking.get(taken++);
    }

    private void startRuns() {
        while (started.size() < maxStarted && next < end && !stop.getAsBoolean()) {
            long from = next;
            long count = Math.min(RUN_LENGTH, (end - 1 - from) / step + 1);
            next = from + count * step;
            started.addLast(threads.submit(() -> {
                List<Outcome> outcomes = new ArrayList<>((int) count);
                for (long i = 0; i < count; i++) {
                    outcomes.add(runCase.apply(from + i * step));
                }
                return outcomes;
            }));
        }
    }

    private static List<Outcome> await(Future<List<Outcome>> run) {
        try {
            return run.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("a fuzz case failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for fuzz cases", e);
        }
    }

    /** Stops the threads; runs still going are abandoned. */
    @Override
    public void close() {
        if (threads != null) {
            threads.shutdownNow();
        }
    }

    /** Daemon threads named {@code fuzz-case-N}, so an abandoned run never keeps the JVM up. */
    private static final class CaseThreads implements java.util.concurrent.ThreadFactory {
        private final AtomicInteger count = new AtomicInteger();

        @Override
        public Thread newThread(Runnable task) {
            Thread thread = new Thread(task, "fuzz-case-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }
    }
}
