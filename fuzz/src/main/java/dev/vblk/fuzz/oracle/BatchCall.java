package dev.vblk.fuzz.oracle;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockLifetime;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.fuzz.scenario.ScenarioStep;
import java.util.Set;

/**
 * One call of a batch as submitted: the buffer a read (or GET_ID) fills, the refusals it was due at
 * submission, the fatal error kind the device had by then (or null), and its handle or the error its
 * submission threw.
 */
record BatchCall(ScenarioStep.DriverCall call, byte[] buffer, Set<ErrorKind> refusals, ErrorKind stickyAtSubmit,
        RequestHandle handle, BlockDeviceException refused) {

    /** The call's result as a synchronous call would have it, given its completion; null if it never completed. */
    CallResult resultOf(Completion completion) {
        if (refused != null) {
            return new CallResult(null, refused, true);
        }
        if (completion instanceof Completion.Failed failed) {
            return new CallResult(null, failed.error(), true);
        }
        if (completion instanceof Completion.Succeeded) {
            Object value = call instanceof ScenarioStep.GetId ? AsyncBlockDevice.idString(buffer)
                    : call instanceof ScenarioStep.GetLifetime ? BlockLifetime.of(buffer) : null;
            return new CallResult(value, null, true);
        }
        return null;
    }
}
