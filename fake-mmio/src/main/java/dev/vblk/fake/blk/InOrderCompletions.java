package dev.vblk.fake.blk;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * The finished requests of one queue under VIRTIO_F_IN_ORDER, held until every request made available
 * before them has finished too, as a device that uses buffers in order completes them (VirtIO 1.1
 * sections 2.6.9 and 2.7.8).
 */
final class InOrderCompletions<T> {

    /** Requests taken from the ring and not yet completed, by request index, in the order taken. */
    private final Deque<Long> taken = new ArrayDeque<>();
    private final Map<Long, T> finished = new HashMap<>();

    /** Request {@code index} was taken from the ring: it completes after those taken before it. */
    void taken(long index) {
        taken.addLast(index);
    }

    /**
     * Adds the requests of {@code items}, each under the index {@code indexOf} gives; returns those
     * that may complete now, in the order they were taken (empty while an earlier one is unfinished).
     */
    List<T> finish(List<T> items, ToLongFunction<T> indexOf) {
        for (T item : items) {
            finished.put(indexOf.applyAsLong(item), item);
        }
        List<T> run = new ArrayList<>();
        while (!taken.isEmpty() && finished.containsKey(taken.peekFirst())) {
            run.add(finished.remove(taken.removeFirst()));
        }
        return run;
    }

    /** Forgets everything (a device or queue reset). */
    void clear() {
        taken.clear();
        finished.clear();
    }
}
