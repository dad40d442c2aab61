package dev.vblk.fake.blk;

import java.util.Objects;

/**
 * How the fake device holds finished requests back and then completes them together, possibly out
 * of order: the device keeps each request that would complete until {@code size} are held, or until
 * {@code maxHoldNanos} of virtual time have passed since the first of them, then writes all their
 * used elements in {@code order} and publishes the used index once. {@link #NONE} completes each
 * request at once.
 *
 * @param size how many finished requests make a batch (1 = no holding)
 * @param maxHoldNanos how long the first held request may wait before the batch is released
 *     anyway ({@code Long.MAX_VALUE} = until the batch is full)
 * @param order the order of the used elements within a batch
 * @param seed the seed of a {@link Order#SHUFFLED} order; each batch draws its own permutation
 */
public record CompletionBatching(int size, long maxHoldNanos, Order order, long seed) {

    /** The order of the used elements within a released batch. */
    public enum Order {
        /** The order the requests finished in. */
        ARRIVAL,
        /** The last request to finish completes first. */
        REVERSE,
        /** A permutation drawn from the seed and the batch's number. */
        SHUFFLED
    }

    /** Every request completes as soon as it finishes. */
    public static final CompletionBatching NONE = new CompletionBatching(1, Long.MAX_VALUE, Order.ARRIVAL, 0);

    public CompletionBatching {
        Objects.requireNonNull(order, "order");
        if (size < 1) {
            throw new IllegalArgumentException("a batch holds at least one request: " + size);
        }
        if (maxHoldNanos < 0) {
            throw new IllegalArgumentException("hold time must not be negative: " + maxHoldNanos);
        }
    }

    /** Batches of {@code size} in {@code order}, held as long as it takes to fill them. */
    public static CompletionBatching of(int size, Order order) {
        return new CompletionBatching(size, Long.MAX_VALUE, order, 0);
    }

    /** This batching, but a batch is released {@code nanos} after its first request at the latest. */
    public CompletionBatching releasingAfter(long nanos) {
        return new CompletionBatching(size, nanos, order, seed);
    }

    /** This batching with the seed of its shuffled order. */
    public CompletionBatching withSeed(long newSeed) {
        return new CompletionBatching(size, maxHoldNanos, order, newSeed);
    }
}
