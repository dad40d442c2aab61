package dev.vblk.bench.qemu;

import java.util.function.LongConsumer;

/**
 * What one timed run did.
 *
 * @param calls how many calls (reads or writes of the workload's size) completed
 * @param nanos how long they took together
 */
record Measurement(long calls, long nanos) {

    /** Makes calls numbered 0, 1, 2, ... until {@code budgetNanos} have passed (at least one call). */
    static Measurement timed(long budgetNanos, LongConsumer call) {
        long start = System.nanoTime();
        long calls = 0;
        long elapsed;
        do {
            call.accept(calls++);
            elapsed = System.nanoTime() - start;
        } while (elapsed < budgetNanos);
        return new Measurement(calls, elapsed);
    }
}
