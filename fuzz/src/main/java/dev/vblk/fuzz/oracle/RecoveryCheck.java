package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import java.util.Arrays;

/**
 * {@link Invariant#RECOVERY}: with every fault switched off, {@code reset()} (or {@code open()})
 * succeeds, unless the device's fixed limits cannot carry a sector, and a one-sector write and read
 * back at the last sector round-trip (a read of the device's data on a read-only device, GET_ID on a
 * device of capacity 0).
 */
final class RecoveryCheck {

    static final String WHERE = "recovery";

    private final RunState run;

    RecoveryCheck(RunState run) {
        this.run = run;
    }

    /** The recovering {@code open()} or {@code reset()} ended with {@code result}; whether it succeeded. */
    boolean initialised(boolean open, CallResult result) {
        if (result.succeeded()) {
            return true;
        }
        if (!(result.error().kind() == ErrorKind.UNSUPPORTED && !run.spec.canCarryOneSector(run.queueSize()))) {
            run.findings.add(Invariant.RECOVERY, WHERE, (open ? "open" : "reset") + " failed with the faults cleared: "
                    + result.error().getMessage());
        }
        return false;
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
