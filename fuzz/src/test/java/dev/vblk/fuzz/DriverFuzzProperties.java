package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The driver against hostile devices: every invariant of the oracle holds for generated scenarios.
 * jqwik prints the seed of a failing run and the shrunk scenario; the verdict in the assertion
 * message lists every violated invariant.
 */
class DriverFuzzProperties {

    private final ScenarioRunner runner = new ScenarioRunner();

    private void holds(Scenario scenario) {
        Verdict verdict = runner.run(scenario);
        assertTrue(verdict.passed(), verdict::toString);
    }

    @Property
    void seededScenariosKeepEveryInvariant(@ForAll("seeds") long seed) {
        holds(ScenarioGenerator.generate(seed));
    }

    /** The same seeded scenarios with the packed ring offered (and so used) and not: both rings keep the invariants. */
    @Property
    void seededScenariosKeepEveryInvariantOnSplitAndPackedRings(@ForAll("seeds") long seed, @ForAll boolean packed) {
        holds(ScenarioGenerator.generate(seed).offering(FeatureBits.RING_PACKED, packed));
    }

    /**
     * The same seeded scenarios with VIRTIO_BLK_F_MQ offered (a device of four request queues, which
     * the driver then sets up) and not: the invariants hold either way.
     */
    @Property
    void seededScenariosKeepEveryInvariantWithMultiQueueOnAndOff(@ForAll("seeds") long seed, @ForAll boolean multiQueue) {
        holds(ScenarioGenerator.generate(seed).offering(BlkFeatures.MQ, multiQueue));
    }

    /**
     * The same seeded scenarios in the in-order family ({@link ScenarioGenerator#inOrder}) on both
     * rings: VIRTIO_F_IN_ORDER offered and accepted, completions in batches, the order kept or broken.
     */
    @Property(tries = 500)
    void seededScenariosKeepEveryInvariantWithInOrderCompletion(@ForAll("seeds") long seed, @ForAll boolean packed) {
        holds(ScenarioGenerator.inOrder(new SplittableRandom(seed), ScenarioGenerator.generate(seed))
                .offering(FeatureBits.RING_PACKED, packed));
    }

    /** The same seeded scenarios with VIRTIO_F_NOTIFICATION_DATA offered and accepted, on both rings. */
    @Property(tries = 500)
    void seededScenariosKeepEveryInvariantWithNotificationData(@ForAll("seeds") long seed, @ForAll boolean packed) {
        holds(ScenarioGenerator.notificationData(ScenarioGenerator.generate(seed)).offering(FeatureBits.RING_PACKED, packed));
    }

    @Property
    void arbitraryScenariosKeepEveryInvariant(@ForAll("scenarios") Scenario scenario) {
        holds(scenario);
    }

    @Property
    void requestOutcomesNeverTurnIntoFalseSuccess(@ForAll("requestScenarios") Scenario scenario) {
        holds(scenario);
    }

    @Property
    void manyRequestsInFlightOnAHostileQueueKeepEveryInvariant(@ForAll("queueScenarios") Scenario scenario) {
        holds(scenario);
    }

    @Property(tries = 1000)
    void inOrderCompletionKeepsEveryInvariant(@ForAll("inOrderScenarios") Scenario scenario) {
        holds(scenario);
    }

    @Property(tries = 1000)
    void notificationDataKeepsEveryInvariant(@ForAll("notificationDataScenarios") Scenario scenario) {
        holds(scenario);
    }

    @Property
    void initialisationRefusesExactlyTheUnusableDevices(@ForAll("initialisationScenarios") Scenario scenario) {
        holds(scenario);
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return ScenarioArbitraries.scenarios();
    }

    @Provide
    Arbitrary<Scenario> requestScenarios() {
        return ScenarioArbitraries.requestScenarios();
    }

    @Provide
    Arbitrary<Scenario> queueScenarios() {
        return ScenarioArbitraries.queueScenarios();
    }

    @Provide
    Arbitrary<Scenario> inOrderScenarios() {
        return ScenarioArbitraries.inOrderScenarios();
    }

    @Provide
    Arbitrary<Scenario> notificationDataScenarios() {
        return ScenarioArbitraries.notificationDataScenarios();
    }

    @Provide
    Arbitrary<Scenario> initialisationScenarios() {
        return ScenarioArbitraries.initialisationScenarios();
    }
}
