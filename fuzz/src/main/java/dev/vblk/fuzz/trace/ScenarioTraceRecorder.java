package dev.vblk.fuzz.trace;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.fuzz.oracle.CallBudgetExceeded;
import dev.vblk.fuzz.oracle.CountingPlatform;
import dev.vblk.fuzz.oracle.ScenarioMachine;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceFormatException;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Records a {@link Scenario} as an Avro trace that the replayer replays: the fake machine set up as
 * the oracle sets it up ({@link ScenarioMachine}), a recorded {@link DriverSession}
 * ({@link DriverSession#record}) discovering the board with {@link ScenarioRunner#options}, then each driver
 * call of the workload as a {@link BlockOperation} (device events happen on the machine between
 * them); a batch is a submission per call, then a WAIT_ALL of them. A failing call is recorded by
 * the session and the workload goes on. If discovery binds no
 * device, the trace holds the discovery alone.
 *
 * <p>The oracle's recovery after the workload is not part of the trace: it switches faults off,
 * which is no driver call. Nothing here reads the wall clock: the caller gives the creation time.
 */
public final class ScenarioTraceRecorder {

    /** The board a scenario's trace is recorded on: QEMU's {@code virt} window, the scenario's driver options. */
    public static BoardParameters board(Scenario scenario) {
        return new BoardParameters(MmioWindow.QEMU_VIRT, ScenarioRunner.options(scenario));
    }

    /** The file name suffix of a trace. */
    public static final String SUFFIX = ".trace.avro";

    private final long callBudget;

    /** A recorder that stops a run after {@link ScenarioRunner#DEFAULT_CALL_BUDGET} platform calls in one operation. */
    public ScenarioTraceRecorder() {
        this(ScenarioRunner.DEFAULT_CALL_BUDGET);
    }

    /**
     * @param callBudget the platform calls one operation may make; the run stops at the first
     *     operation that exceeds it, whose end records the {@link CallBudgetExceeded}
     */
    public ScenarioTraceRecorder(long callBudget) {
        if (callBudget <= 0) {
            throw new IllegalArgumentException("call budget must be positive: " + callBudget);
        }
        this.callBudget = callBudget;
    }

    /**
     * Runs {@code scenario} on a fresh fake machine and records it into {@code file} (replaced if it
     * exists), then reads the file back to make sure it is a complete trace.
     *
     * <p>The scenario runs twice (runs are deterministic): once unrecorded, to learn what relaxed
     * replay can model ({@link RelaxedModel}, declared in the metadata written first), then recorded.
     * The trace is deflate-compressed.
     *
     * @param created the creation time written to the metadata
     * @return what was recorded
     * @throws TraceFormatException if the trace does not read back complete
     */
    public RecordedScenario record(Scenario scenario, Path file, Instant created) {
        Objects.requireNonNull(file, "file");
        Run plain = new Run(scenario, null);
        plain.execute();
        TraceMetadata metadata = metadata(scenario, created, plain.model.metadata(plain.operations));
        RecordedScenario recorded = recordInto(scenario, file, metadata, TraceCodec.DEFAULT);
        TraceReader.readComplete(file);
        return recorded;
    }

    private RecordedScenario recordInto(Scenario scenario, Path file, TraceMetadata metadata, TraceCodec codec) {
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata, codec))) {
            Run run = new Run(scenario, recorder);
            run.execute();
            return new RecordedScenario(file, codec, run.operations, run.failed, run.device, run.stoppedBy);
        }
    }

    /** One run of a scenario through a driver session, recorded when a recorder is given. */
    private final class Run {
        private final Scenario scenario;
        private final TraceRecorder recorder;
        private final ScenarioMachine machine;
        private final CountingPlatform counting;
        private final RelaxedModel model;
        private int operations;
        private int failed;
        private String device = "";
        private String stoppedBy = "";

        Run(Scenario scenario, TraceRecorder recorder) {
            this.scenario = scenario;
            this.recorder = recorder;
            this.machine = ScenarioMachine.create(scenario);
            this.counting = new CountingPlatform(machine.platform(), MmioWindow.QEMU_VIRT.baseAddress(),
                    (long) MmioWindow.QEMU_VIRT.slotSize() * MmioWindow.QEMU_VIRT.slotCount(), callBudget);
            this.model = RelaxedModel.startingWith(scenario);
        }

        void execute() {
            DriverSession session;
            operations++;
            try {
                session = recorder == null ? DriverSession.discover(counting, board(scenario))
                        : DriverSession.record(counting, board(scenario), recorder);
            } catch (RuntimeException | CallBudgetExceeded e) {
                failed++;
                stoppedBy = describe(e);
                return;
            } finally {
                noteRequests(0);
            }
            List<String> devices = session.deviceNames();
            if (devices.isEmpty()) {
                return;
            }
            device = devices.get(0);
            for (ScenarioStep step : scenario.steps()) {
                if (step instanceof ScenarioStep.DeviceEvent event) {
                    machine.apply(event);
                    model.event(operations, event);
                } else if (step instanceof ScenarioStep.Batch batch) {
                    List<Long> tickets = new ArrayList<>();
                    for (ScenarioStep.DriverCall call : batch.calls()) {
                        if (!operate(() -> tickets.add(session.submit(operation(device, call))))) {
                            return;
                        }
                    }
                    if (!operate(() -> session.complete(OperationKind.WAIT_ALL, device, tickets,
                            AsyncBlockDevice.NO_TIME_BUDGET))) {
                        return;
                    }
                } else if (!operate(() -> session.perform(operation(device, (ScenarioStep.DriverCall) step)))) {
                    return;
                }
            }
        }

        /** Runs one top-level operation; false when the run must stop there. */
        private boolean operate(Runnable operation) {
            long before = machine.requestsDecoded();
            counting.beginCall();
            operations++;
            try {
                operation.run();
            } catch (BlockDeviceException e) {
                failed++;
            } catch (RuntimeException | CallBudgetExceeded e) {
                failed++;
                stoppedBy = describe(e);
                return false;
            } finally {
                noteRequests(before);
            }
            return true;
        }

        private void noteRequests(long from) {
            for (long index = from; index < machine.requestsDecoded(); index++) {
                model.request(operations, index, scenario.outcomeOf(index));
            }
        }
    }

    /** The block operation a driver call of the workload (not a batch) is, on {@code device}. */
    public static BlockOperation operation(String device, ScenarioStep.DriverCall call) {
        if (call instanceof ScenarioStep.Read read) {
            return BlockOperation.read(device, read.sector(), read.count());
        } else if (call instanceof ScenarioStep.Write write) {
            return BlockOperation.write(device, write.sector(), write.data());
        } else if (call instanceof ScenarioStep.Flush) {
            return BlockOperation.simple(OperationKind.FLUSH, device);
        } else if (call instanceof ScenarioStep.WriteZeroes zeroes) {
            return BlockOperation.range(OperationKind.WRITE_ZEROES, device, zeroes.sector(), zeroes.count());
        } else if (call instanceof ScenarioStep.Discard discard) {
            return BlockOperation.range(OperationKind.DISCARD, device, discard.sector(), discard.count());
        } else if (call instanceof ScenarioStep.SecureErase erase) {
            return BlockOperation.range(OperationKind.SECURE_ERASE, device, erase.sector(), erase.count());
        } else if (call instanceof ScenarioStep.GetId) {
            return BlockOperation.simple(OperationKind.GET_ID, device);
        } else if (call instanceof ScenarioStep.GetLifetime) {
            return BlockOperation.simple(OperationKind.GET_LIFETIME, device);
        } else if (call instanceof ScenarioStep.ZoneCall zone) {
            return switch (zone.command()) {
                case REPORT -> BlockOperation.zoneReport(device, zone.sector(), zone.count());
                case APPEND -> BlockOperation.zoneAppend(device, zone.sector(), zone.data());
                case RESET_ALL -> BlockOperation.simple(OperationKind.ZONE_RESET_ALL, device);
                case OPEN -> BlockOperation.zone(OperationKind.ZONE_OPEN, device, zone.sector());
                case CLOSE -> BlockOperation.zone(OperationKind.ZONE_CLOSE, device, zone.sector());
                case FINISH -> BlockOperation.zone(OperationKind.ZONE_FINISH, device, zone.sector());
                case RESET -> BlockOperation.zone(OperationKind.ZONE_RESET, device, zone.sector());
            };
        } else if (call instanceof ScenarioStep.Batch) {
            throw new IllegalArgumentException("a batch is several operations: " + call);
        }
        return BlockOperation.simple(OperationKind.RESET, device);
    }

    /*
     * The metadata of a scenario's trace: platform kind=fake with the device and fault settings and
     * the relaxed-replay declaration, the scenario's JSON as the workload, its seed if it has one,
     * the board.
     */
    private static TraceMetadata metadata(Scenario scenario, Instant created, Map<String, String> relaxed) {
        SortedMap<String, String> platform = platform(scenario);
        platform.putAll(relaxed);
        return TraceMetadata.of(created, platform, List.of(), ScenarioJson.toJson(scenario),
                scenario.seed() == 0 ? OptionalLong.empty() : OptionalLong.of(scenario.seed()), board(scenario).toMap());
    }

    /** The platform metadata describing the scenario's fake machine (without the relaxed-replay declaration). */
    public static SortedMap<String, String> platform(Scenario scenario) {
        DeviceSpec device = scenario.device();
        SortedMap<String, String> map = new TreeMap<>();
        map.put("kind", "fake");
        map.put("fake.slot", Integer.toString(ScenarioMachine.SLOT));
        map.put("fake.capacitySectors", Long.toString(device.capacitySectors()));
        map.put("fake.features", "0x" + Long.toHexString(device.offeredFeatures()));
        map.put("fake.readOnly", Boolean.toString(device.readOnly()));
        map.put("fake.id", device.idString());
        map.put("fake.sizeMax", Long.toString(device.sizeMax()));
        map.put("fake.segMax", Long.toString(device.segMax()));
        map.put("fake.blkSize", Long.toString(device.blkSize()));
        map.put("fake.writeback", Integer.toString(device.writeback()));
        map.put("fake.discard", device.maxDiscardSectors() + " max, alignment " + device.discardAlignment());
        map.put("fake.writeZeroes", device.maxWriteZeroesSectors() + " max");
        map.put("fake.faults", scenario.faults().toString());
        map.put("fake.allocator", scenario.allocator().toString());
        map.put("fake.queue", scenario.queue().toString());
        map.put("fake.outcomes", scenario.outcomes().isEmpty() ? "all normal" : scenario.outcomes().toString());
        return map;
    }

    private static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
