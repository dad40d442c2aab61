package dev.vblk.fuzz.oracle;

/**
 * How a driver call may end: {@link Invariant#BOUNDED} (it was not stopped by {@link CallBudgetExceeded})
 * and {@link Invariant#ONLY_BLOCK_DEVICE_EXCEPTION} (it threw nothing but a block device error). The
 * scenario oracle and the trace oracle both judge a call that threw something else with it.
 */
public final class TerminationCheck {

    private TerminationCheck() {}

    /**
     * Notes a call in {@code where} that threw {@code exceptionClass} (a class name) instead of
     * returning or throwing a block device error: a hang if it ran out of platform calls.
     */
    public static void threw(Findings findings, Where where, String exceptionClass, String detail) {
        boolean hang = exceptionClass.equals(CallBudgetExceeded.class.getName());
        findings.add(hang ? Invariant.BOUNDED : Invariant.ONLY_BLOCK_DEVICE_EXCEPTION, where, detail);
    }
}
