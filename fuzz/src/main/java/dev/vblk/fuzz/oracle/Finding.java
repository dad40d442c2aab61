package dev.vblk.fuzz.oracle;

/**
 * One violated invariant.
 *
 * @param invariant what was violated
 * @param where the call it happened in, such as {@code step 3 (read 4 at 60)} or {@code open}
 * @param detail what happened, for a person
 */
public record Finding(Invariant invariant, String where, String detail) {

    @Override
    public String toString() {
        return invariant + " in " + where + ": " + detail;
    }
}
