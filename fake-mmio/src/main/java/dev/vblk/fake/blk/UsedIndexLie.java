package dev.vblk.fake.blk;

import java.util.Objects;

/**
 * The device's used index lies once, right after the answer is published. On a split ring:
 * {@link Kind#BACKWARDS} writes the index {@code amount} behind the one just published;
 * {@link Kind#BEYOND_QUEUE} writes it the queue size plus {@code amount} ahead;
 * {@link Kind#REWRITTEN_AFTER_READ} leaves it right until the driver reads it and then writes it
 * {@code amount} behind, so that two reads disagree. The device's own position is unchanged, and its
 * next publication writes the true index again. On a packed ring, which has no used index:
 * {@code BACKWARDS} takes the used marks of the last {@code amount} descriptors published back (they
 * read as from the previous lap), {@code BEYOND_QUEUE} marks a whole lap of positions used, and
 * {@code REWRITTEN_AFTER_READ} rewrites the buffer id of the first descriptor published to
 * {@code 0x8000 | amount}, an id no chain has, right after the driver reads its flags.
 *
 * @param amount how far, 1 to 32768
 */
public record UsedIndexLie(Kind kind, int amount) implements MemoryLie {

    /** Which way the index lies. */
    public enum Kind {
        BACKWARDS,
        BEYOND_QUEUE,
        REWRITTEN_AFTER_READ
    }

    public UsedIndexLie {
        Objects.requireNonNull(kind, "kind");
        if (amount < 1 || amount > 0x8000) {
            throw new IllegalArgumentException("a used index lie moves 1 to 32768 entries: " + amount);
        }
    }
}
