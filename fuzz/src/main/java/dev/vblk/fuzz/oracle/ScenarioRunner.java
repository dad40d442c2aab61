package dev.vblk.fuzz.oracle;

import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Runs the driver against a fake device set up from a {@link Scenario} and judges what it did: the
 * oracle. Each run builds a fresh fake machine ({@link RunState}), which a {@link ScenarioExecutor}
 * drives while the checks judge each call, so runs are independent and deterministic.
 */
public final class ScenarioRunner {

    /** The request queues the driver may set up: a device offering MQ has {@link dev.vblk.fuzz.scenario.DeviceSpec#MULTI_QUEUE_QUEUES}. */
    public static final int MAX_QUEUES = 4;

    /**
     * Short budgets in virtual time (a request that never completes fails after 20 ms or 2,000 polls);
     * interrupt-driven completion, pooled buffers, indirect descriptors and the event index as by
     * default, the packed ring whenever the scenario's device offers it, up to {@link #MAX_QUEUES}
     * request queues whenever it offers VIRTIO_BLK_F_MQ, one request in flight at a time. A scenario
     * runs with {@link #options(Scenario)}: these, at its queue depth.
     */
    public static final DriverOptions OPTIONS = DriverOptions.DEFAULTS.withBudgets(20_000_000L, 2_000, 100_000L, 256, 128 * 1024)
            .withMaxInFlight(1).withPackedRing(true).withMaxQueues(MAX_QUEUES);

    /** The platform calls one driver call may make before the run is stopped as a hang. */
    public static final long DEFAULT_CALL_BUDGET = 200_000;

    /** Fewer unstable config reads than this must not stop initialisation (the driver retries at least this often). */
    static final int TOLERATED_UNSTABLE_READS = 16;

    private final long callBudget;
    private final UnaryOperator<Platform> driverView;

    /** A runner with {@link #DEFAULT_CALL_BUDGET}. */
    public ScenarioRunner() {
        this(DEFAULT_CALL_BUDGET);
    }

    /** A runner that stops a driver call after {@code callBudget} platform calls. */
    public ScenarioRunner(long callBudget) {
        this(callBudget, UnaryOperator.identity());
    }

    /**
     * A runner that stops a driver call after {@code callBudget} platform calls and gives the driver
     * the judged platform through {@code driverView}: a test stands in a broken copy of the driver
     * with a view that changes what the driver does with its memory.
     */
    public ScenarioRunner(long callBudget, UnaryOperator<Platform> driverView) {
        if (callBudget <= 0) {
            throw new IllegalArgumentException("call budget must be positive: " + callBudget);
        }
        this.callBudget = callBudget;
        this.driverView = Objects.requireNonNull(driverView, "driverView");
    }

    /**
     * The driver options a scenario runs with: {@link #OPTIONS} at the scenario's queue depth, secure
     * erase, the lifetime report, ring reset, topology, ACCESS_PLATFORM and ZONED allowed as it says, VIRTIO_F_IN_ORDER and
     * VIRTIO_F_NOTIFICATION_DATA allowed when its queue behaviour says so.
     */
    public static DriverOptions options(Scenario scenario) {
        return scenario.zoned().applyTo(scenario.accessPlatform().applyTo(scenario.resetTopology().applyTo(
                scenario.eraseLifetime().applyTo(OPTIONS.withMaxInFlight(scenario.queue().depth())
                        .withInOrder(scenario.queue().inOrder()).withNotificationData(scenario.queue().notificationData())))));
    }

    /** Runs {@code scenario} on a fresh fake machine and returns the oracle's verdict. */
    public Verdict run(Scenario scenario) {
        return new ScenarioExecutor(new RunState(scenario, callBudget, null, driverView)).execute();
    }

    /** Runs {@code scenario} as {@link #run(Scenario)} does, noting the driver's register accesses in {@code coverage}. */
    public Verdict run(Scenario scenario, BehaviourCoverage coverage) {
        return new ScenarioExecutor(new RunState(scenario, callBudget, Objects.requireNonNull(coverage, "coverage"),
                driverView)).execute();
    }
}
