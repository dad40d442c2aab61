package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges one observed driver call with the checks that apply to it, in order: the refusals it was
 * due, the fatal error in force when it was made, then a success against what the device did with
 * its requests, or a failure's kind. Keeps no state of its own.
 */
final class CallJudge {

    private final RunState run;
    private final ScriptedAnswers answers;
    private final RefusalCheck refusal;
    private final FatalStickyCheck fatal;
    private final DataIntegrityCheck data;
    private final FailureKindCheck failureKind;
    private final RequestAttribution attribution;
    private final RecoveryCheck recovery;
    private final ZoneCheck zones;

    CallJudge(RunState run, ScriptedAnswers answers, RefusalCheck refusal, FatalStickyCheck fatal,
            RequestAttribution attribution) {
        this.run = run;
        this.answers = answers;
        this.refusal = refusal;
        this.fatal = fatal;
        this.attribution = attribution;
        this.data = new DataIntegrityCheck(run);
        this.failureKind = new FailureKindCheck(run, answers);
        this.recovery = new RecoveryCheck(run);
        this.zones = new ZoneCheck(run);
    }

    void judge(CallObservation call) {
        Where where = call.where();
        CallResult result = call.result();
        refusal.check(where, result, call.seen(), call.refusals());
        data.checkSecureEraseLimit(where, call.step(), call.seen());
        if (call.sticky() != null) {
            fatal.checkRefused(where, call.sticky(), result.succeeded() ? null : result.error().kind(),
                    () -> result.error().getMessage());
            return;
        }
        if (result.succeeded()) {
            judgeSuccess(call);
            return;
        }
        ErrorKind kind = result.error().kind();
        if (recovery.endedByQueueReset(kind)) {
            recovery.queueReset(where, kind, call.ringBrokenBefore() || run.deviceBrokeTheRing());
            if (kind == ErrorKind.ABORTED) {
                return;
            }
        }
        if (kind == ErrorKind.PROTOCOL_VIOLATION && call.ringBrokenBefore()) {
            // A used element or index broken during an earlier call, reported now.
            return;
        }
        if (call.fatalInBatch() != null && FatalStickyCheck.FATAL.contains(kind)
                && (!attribution.covers(call.step(), call.seen()) || FatalStickyCheck.RING_WIDE.contains(kind))) {
            // Ended by a fatal error of the batch: the requests it had not posted were failed with
            // it, or a failure of the whole ring ended every request the device held.
            return;
        }
        failureKind.check(call, kind);
        zones.checkFailure(call, kind);
    }

    /**
     * A successful call against what the device did with its requests; in a batch where another call
     * failed, late completions may still be pending, so only a call without such a neighbour must have
     * seen every delayed completion arrive.
     */
    private void judgeSuccess(CallObservation call) {
        boolean delayed = false;
        for (RequestRecorder.Seen seen : call.seen()) {
            if (OutcomeSpec.answer(seen.outcome()) instanceof OutcomeSpec.Delayed) {
                delayed = true;
                break;
            }
        }
        List<FalseSuccessCheck.Evidence> evidence = new ArrayList<>(call.seen().size());
        for (RequestRecorder.Seen seen : call.seen()) {
            evidence.add(answers.evidence(seen));
        }
        FalseSuccessCheck.check(run.findings, call.where(), evidence);
        if (delayed && call.fatalInBatch() == null) {
            FalseSuccessCheck.checkArrived(run.findings, call.where(), run.fake.pendingCompletions());
        }
        data.check(call.where(), call.step(), call.seen(), call.buffer(), call.result().value());
        zones.checkSuccess(call);
    }
}
