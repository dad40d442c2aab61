package dev.vblk.fake.blk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The finished requests a {@link CompletionBatching} holds back, and the batches it releases.
 * Shuffled batches draw their permutation from the seed and the batch's number, so a run repeats.
 */
final class HeldCompletions<T> {

    private final List<T> held = new ArrayList<>();
    /** When the held batch is released at the latest; Long.MAX_VALUE whenever nothing is held. */
    private long deadline = Long.MAX_VALUE;
    private CompletionBatching batching = CompletionBatching.NONE;
    private long batchesReleased;

    /** Holds {@code item}; returns the batch to complete now, empty while the batch fills. */
    List<T> add(T item, CompletionBatching rule, long now) {
        batching = rule;
        held.add(item);
        if (held.size() == 1) {
            deadline = rule.maxHoldNanos() > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + rule.maxHoldNanos();
        }
        return held.size() >= rule.size() || deadline <= now ? release() : List.of();
    }

    /** The held batch if its hold time is over at {@code now}, else nothing. */
    List<T> releaseDue(long now) {
        return !held.isEmpty() && deadline <= now ? release() : List.of();
    }

    /** When the held batch is released at the latest, or Long.MAX_VALUE. */
    long deadline() {
        return deadline;
    }

    int size() {
        return held.size();
    }

    /** Forgets everything held (a device reset). */
    void clear() {
        held.clear();
        deadline = Long.MAX_VALUE;
    }

    private List<T> release() {
        List<T> batch = new ArrayList<>(held);
        clear();
        switch (batching.order()) {
            case ARRIVAL -> { }
            case REVERSE -> Collections.reverse(batch);
            case SHUFFLED -> Collections.shuffle(batch, new Random(batching.seed() * 31 + batchesReleased));
        }
        batchesReleased++;
        return batch;
    }
}
