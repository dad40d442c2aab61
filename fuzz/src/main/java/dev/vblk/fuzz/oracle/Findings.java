package dev.vblk.fuzz.oracle;

import java.util.ArrayList;
import java.util.List;

/** The findings of one judged run, in the order the checks noticed them. */
public final class Findings {

    private final List<Finding> findings = new ArrayList<>();

    /** Notes that {@code invariant} was violated in {@code where}. */
    public void add(Invariant invariant, Where where, String detail) {
        findings.add(new Finding(invariant, where.toString(), detail));
    }

    /** The findings so far, in order. */
    public List<Finding> all() {
        return List.copyOf(findings);
    }
}
