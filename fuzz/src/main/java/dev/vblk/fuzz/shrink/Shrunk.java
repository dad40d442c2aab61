package dev.vblk.fuzz.shrink;

/**
 * The result of shrinking a failing case.
 *
 * @param <V> the verdict type of the case
 * @param verdict the smallest failing case found, judged
 * @param before the size of the case as found
 * @param after its size once shrunk
 * @param runs how many oracle runs shrinking took
 */
public record Shrunk<V>(V verdict, ShrinkSize before, ShrinkSize after, int runs) {

    /** One line: before, after, and the runs it took. */
    public String describe() {
        return "shrunk from " + before + " to " + after + " in " + runs + " runs";
    }
}
