package dev.vblk.fuzz.oracle;

import java.util.List;
import java.util.function.Supplier;

/**
 * {@link Invariant#NO_FALSE_SUCCESS}: a call that succeeded had every request the device saw for it
 * answered in a way that lets it succeed. What a request's answer was comes from the judge's source:
 * the scenario oracle knows the outcome the device was scripted to give ({@link ScriptedAnswers}),
 * the trace oracle what the recorded run read back from the rings.
 */
public final class FalseSuccessCheck {

    /**
     * One request of a successful call.
     *
     * @param request the request and its answer, described only for a finding
     * @param whyNotDone why the call must not count it as done, or null when it may
     */
    public record Evidence(Supplier<String> request, String whyNotDone) {}

    private FalseSuccessCheck() {}

    /** Notes each request of a successful call in {@code where} that the call must not count as done. */
    public static void check(Findings findings, Where where, List<Evidence> requests) {
        for (Evidence request : requests) {
            if (request.whyNotDone() != null) {
                findings.add(Invariant.NO_FALSE_SUCCESS, where, "reported success, but request " + request.request().get()
                        + ": " + request.whyNotDone());
            }
        }
    }

    /** Notes a success reported while completions the device delayed had not arrived yet. */
    static void checkArrived(Findings findings, Where where, int pendingCompletions) {
        if (pendingCompletions > 0) {
            findings.add(Invariant.NO_FALSE_SUCCESS, where, "reported success while " + pendingCompletions
                    + " delayed completion(s) had not arrived");
        }
    }
}
