package dev.vblk.fuzz.campaign;

import java.nio.file.Path;

/**
 * Where a {@link FuzzCampaign}'s cases come from: each case is drawn from its case seed alone (or,
 * with coverage guidance, also from the cases that reached new behaviour before it in the same run).
 */
public interface CaseSource {

    /** Runs the case drawn from {@code caseSeed}. */
    CaseRun run(long caseSeed);

    /** Told of a case that reached driver behaviour no earlier case of the run reached. */
    default void reachedNewBehaviour(CaseRun run) {}

    /**
     * Shrinks a failing case and, when {@code folder} is not null, saves it there.
     *
     * @param index the case's index in the campaign
     */
    FailedCase failure(long index, long caseSeed, CaseRun run, Path folder);

    /**
     * Whether each case depends on its seed alone (no corpus that earlier cases grow), so that cases
     * may run on several threads at once and give what they give on one. A source that says so must
     * take calls of {@link #run} and {@link #failure} from several threads at once.
     */
    default boolean independent() {
        return false;
    }

    /** What the cases are, for people. */
    String describe();
}
