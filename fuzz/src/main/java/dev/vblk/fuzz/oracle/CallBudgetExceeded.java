package dev.vblk.fuzz.oracle;

/**
 * Thrown by {@link CountingPlatform} into the driver when one driver call has made more platform
 * calls than its budget: the hard stop that turns a hang into a finding. It is an {@link Error} so
 * that the driver's error handling (which catches platform and block-device exceptions) cannot
 * swallow it.
 */
public final class CallBudgetExceeded extends Error {

    private static final long serialVersionUID = 1L;

    CallBudgetExceeded(long budget) {
        super("the driver call made more than " + budget + " platform calls");
    }
}
