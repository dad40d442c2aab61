package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fuzz.scenario.EraseLifetimeSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.platform.ForwardingPlatform;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Invariant#DATA_INTEGRITY} for a GET_ID (or GET_LIFETIME) the device answered with fewer bytes
 * than its answer holds and an in-order device gave back whole through a later request's used
 * element: what the call returns must start with what the device wrote, and only the rest is the
 * buffer's.
 */
class ShortAnswerGivenBackWholeTest {

    private static final String SHORT_ID = "in-order-get-id-answered-short-given-back-whole";

    @Test
    void anIdStartingWithWhatTheDeviceWroteIsRight() {
        Verdict verdict = new ScenarioRunner().run(shortId());
        assertTrue(verdict.passed(), verdict::toString);
    }

    @Test
    void anIdNotStartingWithWhatTheDeviceWroteIsCaught() {
        ScenarioRunner misreading = new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET, platform -> new ForwardingPlatform(platform) {
            @Override
            public void readMemory(long address, byte[] destination, int offset, int length) {
                super.readMemory(address, destination, offset, length);
                if (length == 20) {
                    destination[offset] = 'x';
                }
            }
        });
        Verdict caught = misreading.run(shortId());
        assertTrue(caught.violated().contains(Invariant.DATA_INTEGRITY) && caught.toString().contains("in its first 1 byte(s)"),
                caught::toString);
    }

    @Test
    void aWearReportAnsweredShortIsJudgedByTheBytesWritten() {
        Scenario lifetimes = asLifetimes(shortId());
        Verdict verdict = new ScenarioRunner().run(lifetimes);
        assertTrue(verdict.passed(), verdict::toString);

        ScenarioRunner misreading = new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET, platform -> new ForwardingPlatform(platform) {
            @Override
            public void readMemory(long address, byte[] destination, int offset, int length) {
                super.readMemory(address, destination, offset, length);
                if (length == AsyncBlockDevice.LIFETIME_BYTES) {
                    destination[offset] ^= 1;
                }
            }
        });
        Verdict caught = misreading.run(lifetimes);
        assertTrue(caught.violated().contains(Invariant.DATA_INTEGRITY)
                && caught.toString().contains("byte(s) of another report"), caught::toString);
    }

    /** The scenario with every get-id call a get-lifetime call, the device offering the report and the driver allowed it. */
    private static Scenario asLifetimes(Scenario scenario) {
        EraseLifetimeSpec none = EraseLifetimeSpec.NONE;
        EraseLifetimeSpec lifetime = new EraseLifetimeSpec(false, false, none.maxSecureEraseSectors(),
                none.maxSecureEraseSegments(), none.secureEraseAlignment(), true, true, new FakeBlkConfig.Lifetime(2, 3, 4));
        List<ScenarioStep> steps = scenario.steps().stream().map(ShortAnswerGivenBackWholeTest::asLifetime).toList();
        return new Scenario(scenario.seed(), scenario.device(), scenario.faults(), scenario.allocator(), scenario.queue(),
                scenario.outcomes(), steps, lifetime);
    }

    private static ScenarioStep asLifetime(ScenarioStep step) {
        if (step instanceof ScenarioStep.GetId) {
            return new ScenarioStep.GetLifetime();
        }
        if (step instanceof ScenarioStep.Batch batch) {
            return new ScenarioStep.Batch(batch.calls().stream()
                    .map(call -> (ScenarioStep.DriverCall) asLifetime(call)).toList());
        }
        return step;
    }

    private static Scenario shortId() {
        return FailureArchive.regressions(Path.of("")).loadAll().stream()
                .filter(failure -> failure.name().equals(SHORT_ID)).map(ArchivedFailure::scenario)
                .findFirst().orElseThrow(() -> new AssertionError("no regression " + SHORT_ID));
    }
}
