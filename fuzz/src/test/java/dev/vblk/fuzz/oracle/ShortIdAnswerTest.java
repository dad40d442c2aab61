package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.platform.ForwardingPlatform;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link Invariant#DATA_INTEGRITY} for a GET_ID the device answered with fewer bytes than an id and
 * an in-order device gave back whole through a later request's used element: the id returned must
 * start with what the device wrote, and only the rest is the buffer's.
 */
class ShortIdAnswerTest {

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

    private static Scenario shortId() {
        return FailureArchive.regressions(Path.of("")).loadAll().stream()
                .filter(failure -> failure.name().equals(SHORT_ID)).map(ArchivedFailure::scenario)
                .findFirst().orElseThrow(() -> new AssertionError("no regression " + SHORT_ID));
    }
}
