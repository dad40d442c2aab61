package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.UsedIndexLie;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.virtio.FeatureBits;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * What the scenario's device did with a request, from its scripted outcome and the disk's log of what
 * the device executed: whether it completed the request as a correct device does, whether a
 * successful call may count it as done, and whether its answer broke the used ring.
 */
final class ScriptedAnswers {

    private final RunState run;
    /**
     * Each request's answer to {@link #executed}, which takes its operation from the disk's log: asked
     * again (several checks look at one request), the request must not take another request's
     * operation, nor find its own gone.
     */
    private final Map<DeviceRequest, Boolean> executed = new IdentityHashMap<>();

    ScriptedAnswers(RunState run) {
        this.run = run;
    }

    /** Whether an outcome writes a used element or index that no correct device writes. */
    static boolean breaksTheRing(OutcomeSpec outcome) {
        OutcomeSpec inner = Requests.undelayed(outcome);
        return inner instanceof OutcomeSpec.UsedId || inner instanceof OutcomeSpec.UsedLen
                || inner instanceof OutcomeSpec.Duplicated || inner instanceof OutcomeSpec.IndexJump
                || inner instanceof OutcomeSpec.IndexLie || inner instanceof OutcomeSpec.NotAHead;
    }

    /**
     * Whether an outcome rewrites a notification suppression field: the driver may then miss
     * notifications and interrupts, and its requests time out however normally the device answers
     * those it sees.
     */
    static boolean liesAboutSuppression(OutcomeSpec outcome) {
        return Requests.undelayed(outcome) instanceof OutcomeSpec.SuppressionLie;
    }

    /**
     * Whether a request's used index lie is one the driver cannot miss once it looks for the
     * completion: the index (or a packed element's id) rewritten right after the driver read it, or
     * on a split ring an index beyond the queue. Either the driver takes what it read, or it fails the
     * queue with PROTOCOL_VIOLATION; it has no reason to time out.
     */
    boolean indexLieInSight(Seen s) {
        return s.outcome() instanceof OutcomeSpec.IndexLie lie
                && (lie.kind() == UsedIndexLie.Kind.REWRITTEN_AFTER_READ
                        || lie.kind() == UsedIndexLie.Kind.BEYOND_QUEUE
                                && !FeatureBits.has(run.fake.negotiatedFeatures(), FeatureBits.RING_PACKED));
    }

    /**
     * Whether a request was answered as a correct device answers, in good time, with status OK and
     * no zone lie; with
     * VIRTIO_F_IN_ORDER negotiated, not held back behind a request the device took before it and
     * answered late or never (an in-order device answers none after it meanwhile).
     */
    boolean completedNormally(Seen s) {
        OutcomeSpec outcome = OutcomeSpec.answer(s.outcome());
        if (outcome instanceof OutcomeSpec.Delayed d && d.delayNanos() <= run.options.requestTimeoutNanos() / 2) {
            outcome = d.then();
        }
        return (outcome instanceof OutcomeSpec.Normal || outcome instanceof OutcomeSpec.TornConfig)
                && executed(s.request()) && !heldBackInOrder(s) && !run.scenario.zoned().liesAnswering(s.request().type());
    }

    /**
     * Whether, with VIRTIO_F_IN_ORDER negotiated, the device took a request before this one that it
     * answers late or never: an in-order device publishes none of the later answers meanwhile.
     */
    boolean heldBackInOrder(Seen s) {
        return inOrder() && run.deviceSaw.stream().anyMatch(earlier -> earlier.request().index() < s.request().index()
                && answeredLateOrNever(OutcomeSpec.answer(earlier.outcome())));
    }

    private boolean answeredLateOrNever(OutcomeSpec outcome) {
        if (outcome instanceof OutcomeSpec.Delayed d) {
            return d.delayNanos() > run.options.requestTimeoutNanos() / 2 || answeredLateOrNever(d.then());
        }
        return outcome instanceof OutcomeSpec.Never || outcome instanceof OutcomeSpec.NeedsReset;
    }

    /** Whether VIRTIO_F_IN_ORDER was negotiated: the device answers the requests of a queue in the order it took them. */
    private boolean inOrder() {
        return FeatureBits.has(run.fake.negotiatedFeatures(), FeatureBits.IN_ORDER);
    }

    /**
     * The request as a successful call's evidence: why the call must not count it as done (null if it
     * may), for {@link FalseSuccessCheck}.
     */
    FalseSuccessCheck.Evidence evidence(Seen s) {
        return new FalseSuccessCheck.Evidence(() -> Requests.describe(s.request()) + " got \"" + s.outcome() + "\"",
                whySuccessIsFalse(s));
    }

    private String whySuccessIsFalse(Seen s) {
        DeviceRequest r = s.request();
        OutcomeSpec outcome = Requests.undelayed(s.outcome());
        boolean dataIn = (r.type() == VirtioBlk.T_IN || r.type() == VirtioBlk.T_GET_ID) && r.dataLength() > 0;
        if (outcome instanceof OutcomeSpec.Normal || outcome instanceof OutcomeSpec.Duplicated
                || outcome instanceof OutcomeSpec.IndexJump || outcome instanceof OutcomeSpec.IndexLie
                || outcome instanceof OutcomeSpec.SuppressionLie || outcome instanceof OutcomeSpec.TornConfig) {
            return executed(r) ? null : "the device answered it with an error status";
        } else if (outcome instanceof OutcomeSpec.NotAHead) {
            if (!namedByAnother(s)) {
                return "its used element named a descriptor that heads no chain, not its head " + r.head()
                        + ", no other used element named it and no used index jumped";
            }
            return executed(r) ? null : "the device answered it with an error status";
        } else if (outcome instanceof OutcomeSpec.UsedId u) {
            if (u.id() != r.head() && !namedByAnother(s)) {
                return "its used element named descriptor " + u.id() + ", not its head " + r.head()
                        + ", no other used element named it and no used index jumped";
            }
            return executed(r) ? null : "the device answered it with an error status";
        } else if (outcome instanceof OutcomeSpec.UsedLen u) {
            if (dataIn && u.length() != r.dataLength() + 1L && !namedByAnother(s)) {
                return "the used length " + u.length() + " does not cover its " + r.dataLength()
                        + " data bytes and status, and no other used element named it";
            }
            return executed(r) ? null : "the device answered it with an error status";
        } else if (outcome instanceof OutcomeSpec.Status st) {
            if (st.status() != VirtioBlk.S_OK) {
                return "its status byte was " + st.status();
            }
            return dataIn && !namedByAnother(s) ? "the device wrote none of its " + r.dataLength()
                    + " data bytes, and no other used element named it" : null;
        } else if (outcome instanceof OutcomeSpec.Data d) {
            if (d.status() != VirtioBlk.S_OK) {
                return "its status byte was " + d.status();
            }
            if (dataIn && d.length() < r.dataLength() && !namedByAnother(s)) {
                return "the device wrote only " + d.length() + " of its " + r.dataLength()
                        + " data bytes, and no other used element named it";
            }
            return null;
        }
        return "it was never completed";
    }

    /**
     * Whether another used element may have named this request's head: with several requests in
     * flight a device that mislabels its used elements may so report this one done, and so
     * may a used index that jumps or lies past slots the device never filled (they hold older
     * elements, which the driver cannot tell from new ones); with VIRTIO_F_IN_ORDER negotiated, so may
     * a used element of a request the device took after it, which stands for every request before it
     * (VirtIO 1.1 sections 2.6.9 and 2.7.8). If the device executed the request, the driver cannot
     * tell that success from a true one.
     */
    private boolean namedByAnother(Seen s) {
        boolean inOrder = inOrder();
        for (Seen other : run.deviceSaw) {
            if (inOrder && other.request().index() > s.request().index()) {
                return true;
            }
            OutcomeSpec outcome = Requests.undelayed(other.outcome());
            if (other != s && (outcome instanceof OutcomeSpec.UsedId u && u.id() == s.request().head()
                    || outcome instanceof OutcomeSpec.IndexJump || outcome instanceof OutcomeSpec.IndexLie)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the device executed the request (and so answered it with status OK); takes it from the
     * disk's log the first time it is asked (a zone command from the status byte the device wrote).
     */
    private boolean executed(DeviceRequest r) {
        return executed.computeIfAbsent(r, this::takeFromTheLog);
    }

    private boolean takeFromTheLog(DeviceRequest r) {
        long position = r.sector() * 512;
        return switch (r.type()) {
            case VirtioBlk.T_IN -> run.disk.take(new RecordingDisk.Op("READ", position, r.dataLength()));
            case VirtioBlk.T_OUT -> run.disk.take(new RecordingDisk.Op("WRITE", position, r.dataLength()));
            case VirtioBlk.T_FLUSH -> run.disk.take(new RecordingDisk.Op("FLUSH", 0, 0));
            case VirtioBlk.T_GET_ID, VirtioBlk.T_GET_LIFETIME -> true;
            // A zone command's fate is the device's zone rules': it executed what it answered OK.
            case VirtioBlk.T_ZONE_REPORT, VirtioBlk.T_ZONE_OPEN, VirtioBlk.T_ZONE_CLOSE, VirtioBlk.T_ZONE_FINISH,
                    VirtioBlk.T_ZONE_RESET, VirtioBlk.T_ZONE_RESET_ALL, VirtioBlk.T_ZONE_APPEND ->
                    run.recorder.statusWritten(r).orElse(-1) == VirtioBlk.S_OK;
            case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES, VirtioBlk.T_SECURE_ERASE -> r.ranges().stream()
                    .allMatch(range -> run.disk.take(
                            new RecordingDisk.Op("DISCARD", range.sector() * 512, range.sectorCount() * 512)));
            default -> false;
        };
    }
}
