package dev.vblk.fuzz.seeded;

import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.shrink.ShrinkSize;
import dev.vblk.fuzz.shrink.Shrunk;
import dev.vblk.replay.RecordedOperation;
import dev.vblk.trace.Trace;
import java.util.List;

/**
 * Makes a failing trace-seeded case smaller: the seed trace cut after as few of its operations as
 * still fail the same way (the invariant of the first finding), trying the shortest cut first. A cut
 * trace is replayed up to its last complete operation, so the driver is asked to do less.
 */
public final class SeededShrinker {

    private final SeededRunner runner;

    public SeededShrinker(SeededRunner runner) {
        this.runner = runner;
    }

    /** Shrinks a failing case of {@code seed}. */
    public Shrunk<SeededVerdict> shrink(SeedTrace seed, SeededVerdict failing) {
        if (failing.passed()) {
            throw new IllegalArgumentException("only a failing verdict shrinks");
        }
        Invariant target = failing.findings().get(0).invariant();
        List<RecordedOperation> operations = RecordedOperation.completeTopLevel(seed.trace().events());
        ShrinkSize before = size(operations.size());
        int runs = 0;
        for (int kept = 1; kept < operations.size(); kept++) {
            int end = operations.get(kept - 1).endIndex() + 1;
            if (failing.mutation().branchAt() > end) {
                continue;
            }
            Trace cut = new Trace(seed.trace().metadata(), seed.trace().events().subList(0, end), false);
            SeededVerdict verdict = runner.run(new SeedTrace(seed.name(), cut, seed.window(), seed.sites()), failing.mutation());
            runs++;
            if (verdict.findings().stream().anyMatch(finding -> finding.invariant() == target)) {
                return new Shrunk<>(verdict, before, size(kept), runs);
            }
        }
        return new Shrunk<>(failing, before, before, runs);
    }

    private static ShrinkSize size(int operations) {
        return new ShrinkSize(operations, 0, 1, 0);
    }
}
