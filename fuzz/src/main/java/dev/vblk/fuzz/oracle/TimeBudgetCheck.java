package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;

/**
 * {@link Invariant#TIME_BUDGET}: a call, or a batch, takes no longer in virtual time than the budgets
 * of its requests added up, and times out no earlier than one request's budget (unless an interrupt
 * fault keeps the line raised, when the poll bound may end the wait first).
 */
final class TimeBudgetCheck {

    private final RunState run;

    TimeBudgetCheck(RunState run) {
        this.run = run;
    }

    /**
     * A synchronous call: one budget per request the device saw, and one for a request it never saw
     * (the first of those to time out ends the call).
     */
    void checkCall(Where where, CallResult result, int requests, long elapsed, boolean wasSticky) {
        long limit = (requests + 1L) * perRequest() + 2_000_000L;
        if (elapsed > limit) {
            run.findings.add(Invariant.TIME_BUDGET, where, "took " + elapsed + " ns of virtual time for " + requests
                    + " request(s), more than " + limit);
        }
        if (!wasSticky && !result.succeeded() && result.error().kind() == ErrorKind.TIMEOUT && !run.interruptStuck()
                && elapsed < run.options.requestTimeoutNanos()) {
            run.findings.add(Invariant.TIME_BUDGET, where, "timed out after " + elapsed + " ns, before the "
                    + run.options.requestTimeoutNanos() + " ns budget");
        }
    }

    /**
     * A batch waits no longer than the budgets of its requests added up (those the device saw, and one
     * more for each call it did not see whole: the first of those to time out ends the rest of its
     * call), and times out no earlier than one budget.
     */
    void checkBatch(Where where, int requests, long elapsed, boolean anyTimeout) {
        long limit = Math.max(1, requests) * perRequest() + 2_000_000L;
        if (elapsed > limit) {
            run.findings.add(Invariant.TIME_BUDGET, where, "took " + elapsed + " ns of virtual time for " + requests
                    + " request(s), more than " + limit);
        }
        if (anyTimeout && !run.interruptStuck() && elapsed < run.options.requestTimeoutNanos()) {
            run.findings.add(Invariant.TIME_BUDGET, where, "a call timed out after " + elapsed + " ns, before the "
                    + run.options.requestTimeoutNanos() + " ns budget");
        }
    }

    private long perRequest() {
        return run.options.requestTimeoutNanos() + 2 * run.options.pollIntervalNanos();
    }
}
