package dev.vblk.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs one task per input on a pool of threads and hands the results on in the order of the inputs,
 * each as soon as it and every earlier one are done: what a command prints and reports does not
 * depend on how many threads ran it.
 */
final class InOrder {

    private InOrder() {}

    /**
     * Applies {@code task} to every input on {@code threads} threads and gives each result to
     * {@code results}, in input order, on the calling thread. What a task throws is thrown here, when
     * its result's turn comes; the tasks not yet started are then dropped.
     */
    static <I, R> void run(List<I> inputs, int threads, Function<I, R> task, Consumer<R> results) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "vblk worker");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<R>> pending = new ArrayList<>(inputs.size());
            for (I input : inputs) {
                pending.add(pool.submit(() -> task.apply(input)));
            }
            for (Future<R> result : pending) {
                results.accept(await(result));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static <R> R await(Future<R> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a result", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
