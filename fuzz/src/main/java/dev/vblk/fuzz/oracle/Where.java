package dev.vblk.fuzz.oracle;

/**
 * Where in a run a check found something: a phase such as {@code open} or {@code recovery}, a step of
 * the scenario ({@code step 3 (read 4 at 60)}), or one call of a step's batch ({@code step 5 (batch of
 * 2: ...), call 1 (write 1 at 8)}). A run passes one to every check of every step, and almost none
 * finds anything, so the text is written only when a {@link Finding} asks for it.
 */
public final class Where {

    private final Where within;
    private final String label;
    private final int index;
    private final Object what;
    private String text;

    private Where(Where within, String label, int index, Object what) {
        this.within = within;
        this.label = label;
        this.index = index;
        this.what = what;
    }

    /** A place named in full, such as {@code open}. */
    public static Where named(String name) {
        Where where = new Where(null, name, -1, null);
        where.text = name;
        return where;
    }

    /** Step {@code index} of the scenario, described by {@code step}'s text. */
    static Where step(int index, Object step) {
        return new Where(null, "step ", index, step);
    }

    /** Call {@code index} of the batch this place is, described by {@code call}'s text. */
    Where call(int index, Object call) {
        return new Where(this, ", call ", index, call);
    }

    @Override
    public String toString() {
        if (text == null) {
            text = (within == null ? "" : within.toString()) + label + index + " (" + what + ")";
        }
        return text;
    }
}
