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

    /** What the cases are, for people. */
    String describe();
}
