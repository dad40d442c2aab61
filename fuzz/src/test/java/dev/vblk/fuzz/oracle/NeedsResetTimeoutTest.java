package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.MmioRegister;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Invariant#ERROR_KIND} for a TIMEOUT beside DEVICE_NEEDS_RESET: a device that sets the bit
 * after the driver gave up on a request leaves the TIMEOUT right, and a driver that does not see the
 * bit the device set before its deadline is caught.
 */
class NeedsResetTimeoutTest {

    /** A batch whose flush is never answered and whose discard sets DEVICE_NEEDS_RESET after 19 ms. */
    private static final String LATE_NEEDS_RESET = "needs-reset-set-after-a-batch-timed-out";

    @Test
    void needsResetSetAfterTheDriverGaveUpLeavesTheTimeoutRight() {
        Verdict verdict = new ScenarioRunner().run(lateNeedsReset());
        assertTrue(verdict.passed(), verdict::toString);
    }

    @Test
    void aDriverBlindToNeedsResetThatTimesOutIsCaught() {
        Scenario early = needsResetAfter(lateNeedsReset(), 1_000_000);
        Verdict correct = new ScenarioRunner().run(early);
        assertTrue(correct.passed(), correct::toString);

        ScenarioRunner blind = new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET, platform -> new ForwardingPlatform(platform) {
            @Override
            public long readRegister(long address, AccessWidth width) {
                long value = super.readRegister(address, width);
                return (address & 0x1ff) == MmioRegister.STATUS.offset() ? value & ~DeviceStatus.DEVICE_NEEDS_RESET : value;
            }
        });
        Verdict caught = blind.run(early);
        assertTrue(caught.violated().contains(Invariant.ERROR_KIND)
                && caught.toString().contains("reported TIMEOUT although every read of the status"), caught::toString);
    }

    private static Scenario lateNeedsReset() {
        return FailureArchive.regressions(Path.of("")).loadAll().stream()
                .filter(failure -> failure.name().equals(LATE_NEEDS_RESET)).map(ArchivedFailure::scenario)
                .findFirst().orElseThrow(() -> new AssertionError("no regression " + LATE_NEEDS_RESET));
    }

    /** The scenario with its DEVICE_NEEDS_RESET answer given after {@code delayNanos} instead. */
    private static Scenario needsResetAfter(Scenario scenario, long delayNanos) {
        List<ScriptedOutcome> outcomes = scenario.outcomes().stream()
                .map(o -> o.outcome() instanceof OutcomeSpec.Delayed delayed && delayed.then() instanceof OutcomeSpec.NeedsReset
                        ? new ScriptedOutcome(o.requestIndex(), new OutcomeSpec.Delayed(delayNanos, delayed.then()))
                        : o)
                .toList();
        return new Scenario(scenario.seed(), scenario.device(), scenario.faults(), scenario.allocator(), scenario.queue(),
                outcomes, scenario.steps());
    }
}
