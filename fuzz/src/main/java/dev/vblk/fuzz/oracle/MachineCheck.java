package dev.vblk.fuzz.oracle;

import dev.vblk.fake.violation.Violation;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.virtio.FeatureBits;
import java.util.List;

/**
 * What the machine saw of the driver: {@link Invariant#DMA_CONFINED}, {@link Invariant#REGISTERS_CONFINED}
 * and {@link Invariant#PROTOCOL_RULES} from the fake's violation log and the register accesses outside
 * the driver's window (a device DMA access under ACCESS_PLATFORM to memory the driver did not map is
 * a {@link Invariant#DMA_CONFINED} finding), and the register order of each successful initialisation ({@link HandshakeCheck}).
 * Status-sequence and notify violations do not count in a scenario that overrides Status, where the
 * driver reads back a value the device does not hold. A malformed packed queue does not count once the
 * device has written used descriptors no correct device writes (a duplicated completion, a used index
 * that jumps): on the packed ring those are written over ring positions that may still hold chains
 * the driver made available, so the device broke the chains it later reads itself.
 */
final class MachineCheck {

    private final RunState run;
    private int violationsSeen;
    private int strayAccessesSeen;
    private boolean packedRingOverwritten;

    MachineCheck(RunState run) {
        this.run = run;
    }

    /** Notes the violations and stray register accesses since the last call. */
    void check(Where where) {
        packedRingOverwritten = packedRingOverwritten || deviceOverwritesPackedRing();
        if (run.platform.violationCount() > violationsSeen) {
            noteViolations(where);
        }
        List<String> stray = run.counting.strayRegisterAccesses();
        for (String access : stray.subList(strayAccessesSeen, stray.size())) {
            run.findings.add(Invariant.REGISTERS_CONFINED, where, access);
        }
        strayAccessesSeen = stray.size();
    }

    private void noteViolations(Where where) {
        List<Violation> violations = run.platform.violations();
        boolean statusTampered = run.statusTampered();
        for (Violation v : violations.subList(violationsSeen, violations.size())) {
            switch (v.kind()) {
                case WRITE_OUTSIDE_ALLOCATION, DEVICE_WRITE_OUTSIDE_ALLOCATION, MEMORY_OUTSIDE_RAM, BAD_FREE, DMA_OUTSIDE_MAPPING ->
                        run.findings.add(Invariant.DMA_CONFINED, where, v.toString());
                case REGISTER_OUTSIDE_WINDOW, UNKNOWN_INTERRUPT_LINE -> run.findings.add(Invariant.REGISTERS_CONFINED, where, v.toString());
                case STATUS_SEQUENCE, BAD_NOTIFY -> {
                    if (!statusTampered) {
                        run.findings.add(Invariant.PROTOCOL_RULES, where, v.toString());
                    }
                }
                case MALFORMED_QUEUE -> {
                    if (!packedRingOverwritten) {
                        run.findings.add(Invariant.PROTOCOL_RULES, where, v.toString());
                    }
                }
                default -> run.findings.add(Invariant.PROTOCOL_RULES, where, v.toString());
            }
        }
        violationsSeen = violations.size();
    }

    /**
     * Whether the packed ring is in use and the device wrote extra used descriptors, skipped positions,
     * took used marks back or named a buffer id not its chain's.
     */
    private boolean deviceOverwritesPackedRing() {
        return FeatureBits.has(run.fake.negotiatedFeatures(), FeatureBits.RING_PACKED)
                && run.recorder.anyOutcomeInCall(MachineCheck::overwritesPackedRing);
    }

    /** Whether {@code given}, once its delay is set aside, is one of those packed-ring overwrites. */
    private static boolean overwritesPackedRing(OutcomeSpec given) {
        OutcomeSpec outcome = Requests.undelayed(given);
        return outcome instanceof OutcomeSpec.Duplicated || outcome instanceof OutcomeSpec.IndexJump
                || outcome instanceof OutcomeSpec.IndexLie || outcome instanceof OutcomeSpec.NotAHead;
    }

    /** After a successful initialisation: its register accesses follow the handshake's order. */
    void checkHandshake(Where where) {
        if (run.statusTampered()) {
            return;
        }
        for (String problem : HandshakeCheck.problems(run.counting.accessesInCall())) {
            run.findings.add(Invariant.PROTOCOL_RULES, where, problem);
        }
    }
}
