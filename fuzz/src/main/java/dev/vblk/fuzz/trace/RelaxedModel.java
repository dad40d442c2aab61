package dev.vblk.fuzz.trace;

import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.virtio.MmioRegister;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which of a scenario's hostile behaviours the replayer's relaxed mode cannot model, and from which
 * operation of the trace on. Relaxed replay rebuilds the device from the first values the trace shows
 * for its identity, features, QueueNumMax and configuration, and answers each request as the trace
 * shows it was answered (status byte, data, used length, never, or a device needing reset). It has no
 * register that changes or lies later, no refusing allocator, no configuration-generation or
 * interrupt faults, no device refusing FEATURES_OK (ACCESS_PLATFORM declined included), no device event between calls, no used element naming another chain, repeated,
 * skipped or with a length the driver rejects before it reads the status byte, and no delayed answers.
 *
 * <p>A trace declares this in its platform metadata under {@link #UNMODELLED} (what relaxed replay
 * cannot model, one item per line, empty when nothing) and {@link #MODELLED_OPERATIONS} (how many
 * top-level operations from the start, the discovery included, relaxed replay can reproduce).
 */
public final class RelaxedModel {

    /** Platform metadata key: the behaviours relaxed replay cannot model, one per line. */
    public static final String UNMODELLED = "relaxed.unmodelled";
    /** Platform metadata key: the leading top-level operations relaxed replay can reproduce. */
    public static final String MODELLED_OPERATIONS = "relaxed.modelledOperations";

    private final List<String> unmodelled = new ArrayList<>();
    private int modelledOperations = Integer.MAX_VALUE;

    private RelaxedModel() {}

    /** Starts the account for {@code scenario} with what it switches on from the start. */
    static RelaxedModel startingWith(Scenario scenario) {
        RelaxedModel model = new RelaxedModel();
        DeviceFaultSpec faults = scenario.faults();
        for (RegisterOverride override : faults.overrides()) {
            int offset = override.offset();
            if (offset != MmioRegister.MAGIC_VALUE.offset() && offset != MmioRegister.VERSION.offset()
                    && offset != MmioRegister.DEVICE_ID.offset() && offset != MmioRegister.VENDOR_ID.offset()
                    && offset != MmioRegister.QUEUE_NUM_MAX.offset()) {
                model.from(0, override + " from the start (a register override)");
            }
        }
        if (faults.refuseFeaturesOk()) {
            model.from(0, "FEATURES_OK refused from the start");
        }
        if (scenario.accessPlatform().declined()) {
            model.from(0, "FEATURES_OK refused from the start: ACCESS_PLATFORM required of a driver not allowed it");
        }
        if (faults.unstableConfigReads() > 0) {
            model.from(0, "ConfigGeneration unstable for " + faults.unstableConfigReads() + " config reads from the start");
        }
        if (faults.extraInterruptBits() != 0) {
            model.from(0, String.format("InterruptStatus extra bits 0x%x from the start", faults.extraInterruptBits()));
        }
        if (scenario.queue().hasFaults()) {
            model.from(0, "queue faults from the start: " + scenario.queue());
        }
        if (scenario.allocator().refuseMultiFrame() || scenario.allocator().refuseAfter() >= 0) {
            model.from(0, "frame allocator: " + scenario.allocator());
        }
        return model;
    }

    /** Notes a device event that happens after {@code operationsBefore} top-level operations. */
    void event(int operationsBefore, ScenarioStep.DeviceEvent event) {
        from(operationsBefore, "after operation " + operationsBefore + ", " + event);
    }

    /** Notes that operation number {@code operation} (1 for the discovery) met request {@code index} with {@code outcome}. */
    void request(int operation, long index, OutcomeSpec outcome) {
        if (!modelled(outcome)) {
            from(operation - 1, "in operation " + operation + ", request #" + index + ": " + outcome);
        }
    }

    private static boolean modelled(OutcomeSpec outcome) {
        return outcome instanceof OutcomeSpec.Normal || outcome instanceof OutcomeSpec.Status
                || outcome instanceof OutcomeSpec.Data || outcome instanceof OutcomeSpec.Never
                || outcome instanceof OutcomeSpec.NeedsReset;
    }

    private void from(int operations, String what) {
        unmodelled.add(what);
        modelledOperations = Math.min(modelledOperations, operations);
    }

    /** What relaxed replay cannot model, in the order it happens; empty when it can model everything. */
    public List<String> unmodelled() {
        return List.copyOf(unmodelled);
    }

    /** The leading top-level operations relaxed replay can reproduce, out of {@code total}. */
    public int modelledOperations(int total) {
        return Math.min(modelledOperations, total);
    }

    /** The platform metadata entries declaring this, for a trace of {@code total} top-level operations. */
    Map<String, String> metadata(int total) {
        Map<String, String> map = new TreeMap<>();
        map.put(UNMODELLED, String.join("\n", unmodelled));
        map.put(MODELLED_OPERATIONS, Integer.toString(modelledOperations(total)));
        return map;
    }
}
