package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.pci.MsixFault;
import dev.vblk.fuzz.msix.MsixCase;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The driver on MSI-X against a fake virtio-blk-pci function whose vectors misbehave, as jqwik draws
 * the cases ({@link MsixCase} says what is judged): any set of {@link MsixFault}s, one to four device
 * and driver queues, completions at once or late, a configuration change, and up to four bytes of the
 * MSI-X capability overwritten. The campaign runs the same cases with {@code vblk fuzz --family msix}.
 */
class MsixVectorFuzzProperties {

    @Property(tries = 200)
    void misbehavingVectorsNeverCostDataOrBreakTheRules(@ForAll("faults") Set<MsixFault> faults,
            @ForAll @IntRange(min = 1, max = 4) int deviceQueues, @ForAll @IntRange(min = 1, max = 4) int driverQueues,
            @ForAll boolean delayed, @ForAll boolean configChange, @ForAll("capabilityBytes") Map<Integer, Integer> bytes) {
        MsixCase.Outcome outcome = new MsixCase(faults, deviceQueues, driverQueues, delayed, configChange, bytes).run();

        assertEquals(List.of(), outcome.findings());
        assertTrue(outcome.platformCalls() > 0, "the driver scanned the bus");
    }

    @Provide
    Arbitrary<Set<MsixFault>> faults() {
        return Arbitraries.of(MsixFault.class).set();
    }

    /** Mostly none; else up to four bytes of the MSI-X capability (ID, next, Message Control, table and PBA). */
    @Provide
    Arbitrary<Map<Integer, Integer>> capabilityBytes() {
        return Arbitraries.oneOf(Arbitraries.just(Map.of()), Arbitraries.just(Map.of()),
                Arbitraries.maps(Arbitraries.integers().between(MsixCase.CAPABILITY, MsixCase.CAPABILITY + MsixCase.CAPABILITY_BYTES - 1),
                        Arbitraries.integers().between(0, 0xff)).ofMinSize(1).ofMaxSize(4));
    }
}
