package dev.vblk.fake.violation;

import java.util.ArrayList;
import java.util.List;

/** Collects the violations of one fake machine, in the order they happened: an oracle for fuzzing. */
public final class ViolationLog {

    private final List<Violation> violations = new ArrayList<>();

    /** Records a violation. */
    public void record(ViolationKind kind, long address, String detail) {
        violations.add(new Violation(kind, address, detail));
    }

    /** A snapshot of everything recorded so far. */
    public List<Violation> all() {
        return List.copyOf(violations);
    }

    /** How many violations are recorded: asking it costs no copy. */
    public int count() {
        return violations.size();
    }

    /** Forgets everything recorded so far. */
    public void clear() {
        violations.clear();
    }
}
