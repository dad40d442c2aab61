package dev.vblk.fuzz.oracle;

import dev.vblk.block.Completion;
import dev.vblk.block.RequestHandle;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * {@link Invariant#COMPLETIONS}: in a batch every submitted call completes exactly once (no completion
 * lost, repeated or for a call the batch did not submit), the wait for all of them does not fail, and
 * afterwards none is outstanding.
 */
final class CompletionsCheck {

    private final Findings findings;

    CompletionsCheck(Findings findings) {
        this.findings = findings;
    }

    /** The wait for the batch threw: a finding. */
    void waitFailed(Where where, Exception error) {
        findings.add(Invariant.COMPLETIONS, where, "the wait for the batch threw " + error.getMessage());
    }

    /** The completions by handle; each submitted call must have exactly one, and nothing else may come. */
    Map<RequestHandle, Completion> byHandle(Where where, List<BatchCall> submitted, List<Completion> completions) {
        Set<RequestHandle> expected = new HashSet<>();
        submitted.stream().map(BatchCall::handle).filter(Objects::nonNull).forEach(expected::add);
        Map<RequestHandle, Completion> byHandle = new HashMap<>();
        for (Completion completion : completions) {
            if (!expected.contains(completion.handle())) {
                findings.add(Invariant.COMPLETIONS, where, "a completion for " + completion.handle()
                        + ", which the batch did not submit");
            } else if (byHandle.put(completion.handle(), completion) != null) {
                findings.add(Invariant.COMPLETIONS, where, completion.handle() + " completed twice");
            }
        }
        for (RequestHandle handle : expected) {
            if (!byHandle.containsKey(handle)) {
                findings.add(Invariant.COMPLETIONS, where, handle + " never completed");
            }
        }
        return byHandle;
    }

    /** After the wait for all: nothing may be outstanding. */
    void checkOutstanding(Where where, int outstanding) {
        if (outstanding != 0) {
            findings.add(Invariant.COMPLETIONS, where, outstanding + " call(s) still outstanding after waiting for all");
        }
    }
}
