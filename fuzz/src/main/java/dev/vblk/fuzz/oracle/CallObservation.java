package dev.vblk.fuzz.oracle;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.ScenarioStep;
import java.util.List;
import java.util.Set;

/**
 * What the executor observed of one driver call, synchronous or one call of a batch, and what its
 * judgement depends on besides its result.
 *
 * @param where the call, for findings
 * @param step the call as the workload states it
 * @param result how it ended
 * @param seen the requests the device saw for it ({@link RequestAttribution} in a batch)
 * @param buffer the buffer a read filled, or null
 * @param refusals the error kinds it had to fail with before sending anything, or empty
 * @param sticky the fatal error kind in force when it was made, or null
 * @param quiet whether the device was quiet when it was made ({@link RunState#quiet()})
 * @param fatalInBatch in a batch, the fatal error that arose among its calls (which may end a call
 *     whose own requests were fine), else null
 * @param ringBrokenBefore whether an earlier call left a broken used ring the driver had not reported yet
 */
record CallObservation(Where where, ScenarioStep.DriverCall step, CallResult result, List<Seen> seen, byte[] buffer,
        Set<ErrorKind> refusals, ErrorKind sticky, boolean quiet, BlockDeviceException fatalInBatch,
        boolean ringBrokenBefore) {}
