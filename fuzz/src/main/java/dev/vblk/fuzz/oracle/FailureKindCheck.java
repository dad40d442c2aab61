package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.List;

/**
 * What a failed call's error kind may be: {@link Invariant#NO_SPURIOUS_FAILURE} (on a quiet device
 * with an intact used ring, a call whose requests all completed normally does not fail) and {@link Invariant#ERROR_KIND} (the kind
 * says what the device did: DEVICE_NEEDS_RESET only when its status says so, no TIMEOUT once the driver
 * could have read DEVICE_NEEDS_RESET, a plain non-OK
 * status byte the kind that byte means, no TIMEOUT for a used index the driver saw lie, and ABORTED
 * only for a call ended by a queue reset alone, {@link RecoveryCheck#endedByQueueReset}, which judges it).
 */
final class FailureKindCheck {

    private final RunState run;
    private final ScriptedAnswers answers;

    FailureKindCheck(RunState run, ScriptedAnswers answers) {
        this.run = run;
        this.answers = answers;
    }

    /** Judges the kind a call failed with. */
    void check(CallObservation call, ErrorKind kind) {
        Where where = call.where();
        List<Seen> seen = call.seen();
        if (call.quiet() && call.refusals().isEmpty() && !ringBroken(call) && !run.suppressionLied
                && seen.stream().allMatch(answers::completedNormally)) {
            run.findings.add(Invariant.NO_SPURIOUS_FAILURE, where, "failed although every request completed normally: "
                    + call.result().error().getMessage());
        }
        if (kind == ErrorKind.TIMEOUT && timedOutOnALieInSight(call)) {
            run.findings.add(Invariant.ERROR_KIND, where, "reported TIMEOUT although the device published the "
                    + "completion and then moved its used index under the driver's read or beyond the queue: the "
                    + "driver takes what it read or fails the queue with PROTOCOL_VIOLATION");
        }
        if (kind == ErrorKind.ABORTED) {
            run.findings.add(Invariant.ERROR_KIND, where, "reported ABORTED although no queue was reset alone: "
                    + call.result().error().getMessage());
        }
        long status = run.statusRead();
        if (kind == ErrorKind.TIMEOUT) {
            checkTimeoutAgainstStatus(call, status);
        }
        if (kind == ErrorKind.DEVICE_NEEDS_RESET && (status & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
            run.findings.add(Invariant.ERROR_KIND, where, "reported DEVICE_NEEDS_RESET but the status reads "
                    + DeviceStatus.describe(status));
        }
        if (call.quiet()) {
            checkStatusKind(where, call.step(), seen, kind);
        }
    }

    /**
     * A TIMEOUT is wrong when the driver gave up without a read of the status that did not show
     * DEVICE_NEEDS_RESET while the device has the bit set: it never read the status in the call, or
     * every read showed the bit. The bit stays set until a reset, so a read without it came before the
     * device set it; the driver reads the status before it gives up, and a device that sets the bit
     * once the driver has given up does not make the TIMEOUT wrong. (In a batch one such read stands
     * for every call of the batch.)
     */
    private void checkTimeoutAgainstStatus(CallObservation call, long statusNow) {
        if ((statusNow & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
            return;
        }
        String reason = run.fake.needsResetReason().map(r -> " (" + r + ")").orElse("");
        boolean read = false;
        RegisterAccesses accesses = run.counting.accessesInCall();
        for (int i = 0; i < accesses.size(); i++) {
            if (!accesses.write(i) && accesses.offset(i) == MmioRegister.STATUS.offset()) {
                if ((accesses.value(i) & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
                    return;
                }
                read = true;
            }
        }
        run.findings.add(Invariant.ERROR_KIND, call.where(), "reported TIMEOUT "
                + (read ? "although every read of the status in the call showed DEVICE_NEEDS_RESET: "
                        : "without reading the status, which reads ")
                + DeviceStatus.describe(statusNow) + reason);
    }

    /**
     * Whether a call on a quiet device timed out although its requests, and every other of its batch,
     * were answered normally or with a used index lie in sight ({@link ScriptedAnswers#indexLieInSight}),
     * one of them such a lie, and nothing broke the ring before.
     */
    private boolean timedOutOnALieInSight(CallObservation call) {
        return call.quiet() && call.refusals().isEmpty() && !call.ringBrokenBefore() && !run.suppressionLied
                && call.seen().stream().anyMatch(answers::indexLieInSight)
                && run.recorder.seenInCall().stream().allMatch(s -> answers.completedNormally(s) || answers.indexLieInSight(s));
    }

    /**
     * Whether the device broke the used ring before the call ended, for this call or another of its
     * batch (a used element or index no correct device writes): on the packed ring the driver's used
     * position may then part from the device's, so that completions written after it are never seen
     * and the calls still waiting time out however normally their own requests were answered.
     */
    private boolean ringBroken(CallObservation call) {
        return call.ringBrokenBefore()
                || run.deviceBrokeTheRing();
    }

    /**
     * On a quiet device, when the first of a call's requests (in the call's order) not answered
     * normally has a plain non-OK status byte ({@link #plainStatus}), the call fails with the kind that
     * byte means, a zone status's zone kind when ZONED was negotiated (with
     * faults about, a config interrupt handled after the completion may fail it first).
     */
    private void checkStatusKind(Where where, ScenarioStep.DriverCall step, List<Seen> seen, ErrorKind kind) {
        Seen first = null;
        for (Seen one : seen) {
            if (!answers.completedNormally(one)) {
                first = one;
                break;
            }
        }
        int status = first == null ? VirtioBlk.S_OK : plainStatus(first);
        if (status == VirtioBlk.S_OK || run.fake.needsResetReason().isPresent()
                || answers.heldBackInOrder(first)) {
            // Under VIRTIO_F_IN_ORDER a status byte the device wrote behind a request it answers late or
            // never is not published before that one: the call may time out first.
            return;
        }
        if (run.options.maxInFlight() > 1
                && run.deviceBrokeTheRing()) {
            // With several requests in flight, a used element the driver cannot believe may come
            // before the status byte is read: the ring is not trusted past it.
            return;
        }
        boolean zoned = FeatureBits.has(run.fake.negotiatedFeatures(), BlkFeatures.ZONED);
        ErrorKind expected = switch (status) {
            case VirtioBlk.S_IOERR -> step instanceof ScenarioStep.Flush ? ErrorKind.FLUSH_FAILED : ErrorKind.IO_ERROR;
            case VirtioBlk.S_UNSUPP -> ErrorKind.UNSUPPORTED;
            case VirtioBlk.S_ZONE_INVALID_CMD -> zoned ? ErrorKind.ZONE_INVALID_COMMAND : ErrorKind.PROTOCOL_VIOLATION;
            case VirtioBlk.S_ZONE_UNALIGNED_WP -> zoned ? ErrorKind.ZONE_UNALIGNED_WRITE : ErrorKind.PROTOCOL_VIOLATION;
            case VirtioBlk.S_ZONE_OPEN_RESOURCE -> zoned ? ErrorKind.ZONE_OPEN_RESOURCE : ErrorKind.PROTOCOL_VIOLATION;
            case VirtioBlk.S_ZONE_ACTIVE_RESOURCE -> zoned ? ErrorKind.ZONE_ACTIVE_RESOURCE : ErrorKind.PROTOCOL_VIOLATION;
            default -> ErrorKind.PROTOCOL_VIOLATION;
        };
        if (kind != expected) {
            run.findings.add(Invariant.ERROR_KIND, where, "status byte " + status + " reported as " + kind
                    + ", not " + expected);
        }
    }

    /**
     * The non-OK status byte a request was answered with alone, without data: a scripted status, or
     * the zone status a zoned device's rules gave a request it answered as a correct device; else OK.
     */
    private int plainStatus(Seen seen) {
        OutcomeSpec answer = OutcomeSpec.answer(seen.outcome());
        if (answer instanceof OutcomeSpec.Status status) {
            return status.status();
        }
        int written = run.recorder.statusWritten(seen.request()).orElse(VirtioBlk.S_OK);
        return answer instanceof OutcomeSpec.Normal && written >= VirtioBlk.S_ZONE_INVALID_CMD
                && written <= VirtioBlk.S_ZONE_ACTIVE_RESOURCE ? written : VirtioBlk.S_OK;
    }
}
