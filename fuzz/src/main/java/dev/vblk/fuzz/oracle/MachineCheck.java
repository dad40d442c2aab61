package dev.vblk.fuzz.oracle;

import dev.vblk.fake.violation.Violation;
import java.util.List;

/**
 * What the machine saw of the driver: {@link Invariant#DMA_CONFINED}, {@link Invariant#REGISTERS_CONFINED}
 * and {@link Invariant#PROTOCOL_RULES} from the fake's violation log and the register accesses outside
 * the driver's window, and the register order of each successful initialisation ({@link HandshakeCheck}).
 * Status-sequence and notify violations do not count in a scenario that overrides Status, where the
 * driver reads back a value the device does not hold.
 */
final class MachineCheck {

    private final RunState run;
    private int violationsSeen;
    private int strayAccessesSeen;

    MachineCheck(RunState run) {
        this.run = run;
    }

    /** Notes the violations and stray register accesses since the last call. */
    void check(String where) {
        List<Violation> violations = run.platform.violations();
        boolean statusTampered = run.statusTampered();
        for (Violation v : violations.subList(violationsSeen, violations.size())) {
            switch (v.kind()) {
                case WRITE_OUTSIDE_ALLOCATION, DEVICE_WRITE_OUTSIDE_ALLOCATION, MEMORY_OUTSIDE_RAM, BAD_FREE ->
                        run.findings.add(Invariant.DMA_CONFINED, where, v.toString());
                case REGISTER_OUTSIDE_WINDOW, UNKNOWN_INTERRUPT_LINE -> run.findings.add(Invariant.REGISTERS_CONFINED, where, v.toString());
                case STATUS_SEQUENCE, BAD_NOTIFY -> {
                    if (!statusTampered) {
                        run.findings.add(Invariant.PROTOCOL_RULES, where, v.toString());
                    }
                }
                default -> run.findings.add(Invariant.PROTOCOL_RULES, where, v.toString());
            }
        }
        violationsSeen = violations.size();
        List<String> stray = run.counting.strayRegisterAccesses();
        for (String access : stray.subList(strayAccessesSeen, stray.size())) {
            run.findings.add(Invariant.REGISTERS_CONFINED, where, access);
        }
        strayAccessesSeen = stray.size();
    }

    /** After a successful initialisation: its register accesses follow the handshake's order. */
    void checkHandshake(String where) {
        if (run.statusTampered()) {
            return;
        }
        for (String problem : HandshakeCheck.problems(run.counting.accessesInCall())) {
            run.findings.add(Invariant.PROTOCOL_RULES, where, problem);
        }
    }
}
