package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.virtio.DeviceStatus;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Arrays;

/**
 * {@link Invariant#RECOVERY}: with every fault switched off, {@code reset()} (or {@code open()})
 * succeeds, unless the device's fixed limits cannot carry a sector or it requires ACCESS_PLATFORM of a
 * driver not allowed it (then it fails with FEATURE_NEGOTIATION_FAILED), and a one-sector write and read
 * back at the last sector round-trip (a read of the device's data on a read-only device, GET_ID on a
 * device of capacity 0). With VIRTIO_F_RING_RESET negotiated, a queue reset alone ends calls with
 * TIMEOUT, PROTOCOL_VIOLATION (only when the device broke the ring) or ABORTED, and leaves the device
 * usable; a call of its own on a quiet device, one request at a time, that timed out or met a ring
 * the device broke must be recovered that way.
 */
final class RecoveryCheck {

    static final Where WHERE = Where.named("recovery");

    /** The kinds a call may end with when the driver resets its queue alone. */
    static final Set<ErrorKind> QUEUE_RESET_KINDS = EnumSet.of(ErrorKind.TIMEOUT, ErrorKind.PROTOCOL_VIOLATION,
            ErrorKind.ABORTED);

    private final RunState run;

    RecoveryCheck(RunState run) {
        this.run = run;
    }

    /** The recovering {@code open()} or {@code reset()} ended with {@code result}; whether it succeeded. */
    boolean initialised(boolean open, CallResult result) {
        if (result.succeeded()) {
            return true;
        }
        ErrorKind kind = result.error().kind();
        boolean expected = kind == ErrorKind.UNSUPPORTED && !run.spec.canCarryOneSector(run.queueSize())
                || kind == ErrorKind.FEATURE_NEGOTIATION_FAILED && run.scenario.accessPlatform().declined();
        if (!expected) {
            run.findings.add(Invariant.RECOVERY, WHERE, (open ? "open" : "reset") + " failed with the faults cleared: "
                    + result.error().getMessage());
        }
        return false;
    }

    /**
     * Whether a call that failed with {@code kind} was ended by a queue reset alone: VIRTIO_F_RING_RESET
     * negotiated, the driver reset a queue in the call and reports no fatal error.
     */
    boolean endedByQueueReset(ErrorKind kind) {
        return QUEUE_RESET_KINDS.contains(kind) && run.ringResetNegotiated() && run.queueResetInCall()
                && run.driver.fatalError().isEmpty();
    }

    /**
     * A call ended by a queue reset with {@code kind}: a PROTOCOL_VIOLATION needs a ring the device
     * broke ({@code ringBroken}); a queue reset while the status says DEVICE_NEEDS_RESET is the wrong
     * recovery.
     */
    void queueReset(Where where, ErrorKind kind, boolean ringBroken) {
        if (kind == ErrorKind.PROTOCOL_VIOLATION && !ringBroken) {
            run.findings.add(Invariant.RECOVERY, where, "ended with PROTOCOL_VIOLATION by a queue reset although the "
                    + "device kept its used ring: a status byte or length that breaks the rules stays fatal");
        }
        long status = run.statusRead();
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0 && !run.statusTampered()) {
            run.findings.add(Invariant.RECOVERY, where, "reset its queue alone while the status reads "
                    + DeviceStatus.describe(status));
        }
    }

    /**
     * A call of its own failed with {@code kind} after the device saw {@code seen}. Ended by a queue
     * reset when the last of its requests the device saw was never answered or answered with a used
     * element naming no head, it had that request in the ring, so it is not ABORTED (a call whose
     * requests were all answered, or waited, when the ring broke is). On a quiet device with RING_RESET negotiated and one request at a time, a TIMEOUT, or a
     * PROTOCOL_VIOLATION from a ring the device broke, with every request answered normally, never, or
     * with a broken ring, must leave the device usable by resetting the queue alone (not so a call
     * whose device may have told it a zone lie, a reply no queue reset mends).
     */
    void requireQueueReset(Where where, ErrorKind kind, boolean quiet, List<Seen> seen, boolean ringBroken) {
        if (kind == ErrorKind.ABORTED && endedByQueueReset(kind) && !seen.isEmpty()
                && leftInTheRing(seen.get(seen.size() - 1).outcome())) {
            run.findings.add(Invariant.RECOVERY, where, "ended ABORTED by a queue reset although its requests were in "
                    + "the ring: a call the device held ends with the TIMEOUT or PROTOCOL_VIOLATION that reset the queue");
        }
        if (!quiet || !run.ringResetNegotiated() || !run.scenario.queue().equals(QueueSpec.SERIAL)
                || run.statusTampered() || (run.statusRead() & DeviceStatus.DEVICE_NEEDS_RESET) != 0
                || !(kind == ErrorKind.TIMEOUT || kind == ErrorKind.PROTOCOL_VIOLATION && ringBroken)
                || !seen.stream().allMatch(s -> recoverable(s.outcome()))
                || seen.stream().anyMatch(s -> run.scenario.zoned().liesAnswering(s.request().type()))) {
            // A zone lie is a reply that breaks the specification, not a broken ring: no queue reset mends it.
            return;
        }
        if (run.driver.fatalError().isPresent() || !run.queueResetInCall()) {
            run.findings.add(Invariant.RECOVERY, where, "failed with " + kind + " and left the device unusable "
                    + "although RING_RESET was negotiated: the queue should have been reset alone ("
                    + run.driver.fatalError().map(Throwable::getMessage).orElse("no queue reset") + ")");
        }
    }

    /** An answer that leaves its request in the ring: never given, or a used element naming no head. */
    private static boolean leftInTheRing(OutcomeSpec outcome) {
        OutcomeSpec answer = Requests.undelayed(outcome);
        return answer instanceof OutcomeSpec.Never || answer instanceof OutcomeSpec.NotAHead;
    }

    /** An answer after which the driver can reset the queue alone: normal, never, or one that breaks the ring. */
    private static boolean recoverable(OutcomeSpec outcome) {
        OutcomeSpec answer = Requests.undelayed(outcome);
        return answer instanceof OutcomeSpec.Normal || answer instanceof OutcomeSpec.Never
                || answer instanceof OutcomeSpec.Duplicated || answer instanceof OutcomeSpec.IndexJump
                || answer instanceof OutcomeSpec.IndexLie || answer instanceof OutcomeSpec.NotAHead;
    }

    /** GET_ID on a device of capacity 0 ended with {@code result}: the device's string. */
    void id(CallResult result) {
        if (!run.spec.idString().equals(result.value())) {
            run.findings.add(Invariant.RECOVERY, WHERE, "get-id after reset gave " + (result.succeeded()
                    ? "\"" + result.value() + "\"" : result.error().getMessage()) + ", expected \"" + run.spec.idString() + "\"");
        }
    }

    /** The round trip's write ended with {@code result}; whether it succeeded. */
    boolean written(CallResult result) {
        if (!result.succeeded()) {
            run.findings.add(Invariant.RECOVERY, WHERE, "write after reset failed: " + result.error().getMessage());
            return false;
        }
        return true;
    }

    /** The round trip's read of {@code sector} ended with {@code result} into {@code back}; {@code written} went there before. */
    void read(CallResult result, long sector, byte[] written, byte[] back) {
        if (!result.succeeded()) {
            run.findings.add(Invariant.RECOVERY, WHERE, "read after reset failed: " + result.error().getMessage());
            return;
        }
        byte[] expected = run.spec.readOnly() ? run.disk.peek(sector * 512, 512) : written;
        if (!Arrays.equals(expected, back)) {
            run.findings.add(Invariant.RECOVERY, WHERE, "read after reset returned other data than the device holds");
        }
    }
}
