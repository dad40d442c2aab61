package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.dma.DmaMapping;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.AccessPlatformSpec;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ACCESS_PLATFORM family of the fuzzer: one seed in eight has a device that requires
 * VIRTIO_F_ACCESS_PLATFORM, a driver allowed it, or both; the oracle finds nothing wrong with the
 * driver (a declining driver fails initialisation with FEATURE_NEGOTIATION_FAILED), and counts a
 * device access outside what the driver mapped under {@link Invariant#DMA_CONFINED}. Scenarios saved
 * before the family read back without it.
 */
class AccessPlatformFuzzTest {

    private static final int SEEDS = 3000;

    @Test
    void anEighthOfTheSeedsDrawTheFamilyInEveryCombination() {
        int families = 0;
        int both = 0;
        int declined = 0;
        int notRequired = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            AccessPlatformSpec spec = ScenarioGenerator.generate(seed).accessPlatform();
            if (spec.equals(AccessPlatformSpec.NONE)) {
                continue;
            }
            families++;
            both += spec.deviceRequires() && spec.driverAllowed() ? 1 : 0;
            declined += spec.deviceRequires() && !spec.driverAllowed() ? 1 : 0;
            notRequired += !spec.deviceRequires() && spec.driverAllowed() ? 1 : 0;
        }
        assertTrue(families > SEEDS / 10 && families < SEEDS / 6, "families " + families);
        assertTrue(both > 120 && declined > 50 && notRequired > 50, both + " " + declined + " " + notRequired);
    }

    @Test
    void theOracleFindsNothingWrongInTheFamilysGeneratedScenarios() {
        assertEquals(List.of(), FamilyVerdicts.failingAmong(SEEDS, scenario -> !scenario.accessPlatform().equals(AccessPlatformSpec.NONE)));
    }

    @Test
    void aScenarioOfTheFamilyRoundTripsAndOldOnesReadBackWithout() throws IOException {
        int families = 0;
        for (long seed = 0; seed < 400; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed);
            families += scenario.accessPlatform().equals(AccessPlatformSpec.NONE) ? 0 : 1;
            assertEquals(scenario, ScenarioJson.fromJson(ScenarioJson.toJson(scenario)));
        }
        assertTrue(families > 20, "families " + families);
        FailureArchive archive = FailureArchive.regressions(Path.of(""));
        int old = 0;
        for (ArchivedFailure saved : archive.loadAll()) {
            String json = Files.readString(archive.folder().resolve(saved.name() + FailureArchive.SUFFIX));
            if (!json.contains("accessPlatform")) {
                old++;
                assertEquals(AccessPlatformSpec.NONE, saved.scenario().accessPlatform(), saved.name());
            }
        }
        assertTrue(old > 10, "old scenarios " + old);
    }

    /** A device requiring ACCESS_PLATFORM as {@code spec} says, a write and a read back. */
    private static Scenario scenario(AccessPlatformSpec spec) {
        DeviceSpec device = new DeviceSpec(256, VirtioBlk.QEMU_DEFAULT_FEATURES, false, "vblk-fuzz", 0, 254, 512, 1,
                0x3f_ffffL, 1, 0x3f_ffffL);
        List<ScenarioStep> steps = List.of(new ScenarioStep.Write(10, 4, 7), new ScenarioStep.Read(10, 4));
        return new Scenario(0, device, DeviceFaultSpec.NONE, AllocatorSpec.GENEROUS, QueueSpec.SERIAL, List.of(), steps)
                .withAccessPlatform(spec);
    }

    @Test
    void aDriverNotAllowedItIsRefusedAndOneAllowedItRoundTripsData() {
        ScenarioRunner runner = new ScenarioRunner();
        Verdict declined = runner.run(scenario(new AccessPlatformSpec(true, false)));
        assertTrue(declined.passed(), declined::toString);
        Verdict allowed = runner.run(scenario(new AccessPlatformSpec(true, true)));
        assertTrue(allowed.passed(), allowed::toString);
    }

    @Test
    void aDriverThatMapsNothingForTheDeviceBreaksDmaConfined() {
        ScenarioRunner mapsNothing = new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET, AccessPlatformFuzzTest::mapsNothing);
        Verdict verdict = mapsNothing.run(scenario(new AccessPlatformSpec(true, true)));
        assertTrue(verdict.violated().contains(Invariant.DMA_CONFINED), verdict::toString);
        assertFalse(verdict.violated().contains(Invariant.PROTOCOL_RULES), verdict::toString);
        Verdict unrestricted = mapsNothing.run(scenario(new AccessPlatformSpec(false, true)));
        assertTrue(unrestricted.passed(), "a device not requiring the feature reaches everything: " + unrestricted);
    }

    /** The judged platform with a DMA mapping that maps nothing: a driver forgetting to map its memory. */
    private static Platform mapsNothing(Platform judged) {
        return new ForwardingPlatform(judged) {
            @Override
            public DmaMapping dmaMapping() {
                return DmaMapping.UNRESTRICTED;
            }
        };
    }
}
