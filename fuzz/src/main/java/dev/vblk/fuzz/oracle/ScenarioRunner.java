package dev.vblk.fuzz.oracle;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.coverage.CoverageProbe;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.Step;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs the driver against a fake device set up from a {@link Scenario} and judges what it did: the
 * oracle. Each run builds a fresh fake machine, so runs are independent and deterministic.
 */
public final class ScenarioRunner {

    /**
     * Short budgets in virtual time (a request that never completes fails after 20 ms or 2,000 polls);
     * interrupt-driven completion, pooled buffers, indirect descriptors and the event index as by
     * default, the packed ring whenever the scenario's device offers it, up to {@link #MAX_QUEUES}
     * request queues whenever it offers VIRTIO_BLK_F_MQ, one request in flight at a time. A scenario
     * runs with {@link #options(Scenario)}: these, at its queue depth.
     */
    public static final DriverOptions OPTIONS = DriverOptions.DEFAULTS.withBudgets(20_000_000L, 2_000, 100_000L, 256, 128 * 1024)
            .withMaxInFlight(1).withPackedRing(true).withMaxQueues(ScenarioRunner.MAX_QUEUES);

    /** The driver options a scenario runs with: {@link #OPTIONS} at the scenario's queue depth. */
    public static DriverOptions options(Scenario scenario) {
        return OPTIONS.withMaxInFlight(scenario.queue().depth());
    }

    /** The platform calls one driver call may make before the run is stopped as a hang. */
    public static final long DEFAULT_CALL_BUDGET = 200_000;

    /** Error kinds after which the driver must refuse every call until reset. */
    public static final Set<ErrorKind> FATAL = EnumSet.of(ErrorKind.TIMEOUT, ErrorKind.PROTOCOL_VIOLATION,
            ErrorKind.FLUSH_FAILED, ErrorKind.DEVICE_NEEDS_RESET, ErrorKind.PLATFORM_ERROR);

    /** Fatal error kinds that end every request the device holds, not only the request that met them. */
    static final Set<ErrorKind> RING_WIDE = EnumSet.of(ErrorKind.PROTOCOL_VIOLATION, ErrorKind.DEVICE_NEEDS_RESET,
            ErrorKind.PLATFORM_ERROR);

    /** The request queues the driver may set up: a device offering MQ has {@link dev.vblk.fuzz.scenario.DeviceSpec#MULTI_QUEUE_QUEUES}. */
    public static final int MAX_QUEUES = 4;

    /** The most frames a driver's queue of at most 256 entries occupies: one per part when scattered. */
    static final int QUEUE_FRAMES = 3;
    /**
     * The most frames the driver's request buffer pool may hold under {@code options}: one buffer per
     * request in flight, each the largest transfer, its header and status, and an indirect table of a
     * full queue's descriptors.
     */
    static int poolFrames(DriverOptions options) {
        return options.pooledBuffers()
                ? options.maxInFlight() * ((options.maxRequestBytes() + 48 + 16 * 258 + 4095) / 4096) : 0;
    }
    /** Fewer unstable config reads than this must not stop initialisation (the driver retries at least this often). */
    static final int TOLERATED_UNSTABLE_READS = 16;

    private final long callBudget;

    /** A runner with {@link #DEFAULT_CALL_BUDGET}. */
    public ScenarioRunner() {
        this(DEFAULT_CALL_BUDGET);
    }

    public ScenarioRunner(long callBudget) {
        if (callBudget <= 0) {
            throw new IllegalArgumentException("call budget must be positive: " + callBudget);
        }
        this.callBudget = callBudget;
    }

    /** Runs {@code scenario} on a fresh fake machine and returns the oracle's verdict. */
    public Verdict run(Scenario scenario) {
        return new Run(scenario, callBudget, null).execute();
    }

    /** Runs {@code scenario} as {@link #run(Scenario)} does, noting the driver's register accesses in {@code coverage}. */
    public Verdict run(Scenario scenario, BehaviourCoverage coverage) {
        return new Run(scenario, callBudget, Objects.requireNonNull(coverage, "coverage")).execute();
    }

    /** The outcome of one driver call. */
    private record Result(Object value, BlockDeviceException error, boolean completed) {
        boolean succeeded() {
            return completed && error == null;
        }
    }

    /**
     * One call of a batch as submitted: the buffer a read fills, the refusals it was due at submission,
     * the fatal error kind the device had by then (or null), and its handle or the error its
     * submission threw.
     */
    private record Submitted(Step.DriverCall call, byte[] buffer, Set<ErrorKind> refusals, ErrorKind stickyAtSubmit,
            RequestHandle handle, BlockDeviceException refused) {}

    /**
     * What a call's judgement depends on besides its result: the requests the device saw for it, the
     * refusals it was due, the fatal error it met at submission, and in a batch the fatal error that
     * arose among the batch's calls (which may end a call whose own requests were fine), and whether an
     * earlier call left a broken used ring the driver had not reported yet.
     */
    private record Judged(String where, Step.DriverCall step, Result result, List<Seen> seen, byte[] buffer,
            Set<ErrorKind> refusals, ErrorKind sticky, boolean quiet, BlockDeviceException fatalInBatch,
            boolean ringBrokenBefore) {}

    /** The state of one run. */
    private static final class Run {
        private final Scenario scenario;
        private final ScenarioMachine machine;
        private final DeviceSpec spec;
        private final RecordingDisk disk;
        private final RequestRecorder recorder;
        private final FakePlatform platform;
        private final FakeVirtioBlkDevice fake;
        private final CountingPlatform counting;
        private final MmioSlot slot;
        private final DriverOptions options;
        private final List<Finding> findings = new ArrayList<>();
        /** Every request the device saw during the call or batch being judged. */
        private List<Seen> deviceSaw = List.of();
        private final Map<Integer, Long> overrides = new HashMap<>();
        private final Set<Integer> everOverridden = new HashSet<>();
        private VirtioBlkDevice driver;
        private ErrorKind sticky;
        private boolean aborted;
        private boolean unstableHigh;
        private boolean refuseAll;
        private int violationsSeen;
        private int framesAfterInit;
        private boolean eventsHappened;
        private int strayAccessesSeen;
        /**
         * The device wrote a used element or index no correct device writes, and the driver has not
         * reported it yet: it may report it on a later call, after taking the good completions
         * before it.
         */
        private boolean ringBrokenUnreported;

        Run(Scenario scenario, long budget, BehaviourCoverage coverage) {
            this.scenario = scenario;
            this.spec = scenario.device();
            this.machine = ScenarioMachine.create(scenario);
            this.disk = machine.disk();
            this.recorder = machine.requests();
            this.platform = machine.platform();
            this.fake = machine.device();
            this.slot = machine.slot();
            this.options = options(scenario);
            this.counting = new CountingPlatform(coverage == null ? platform
                    : new CoverageProbe(platform, MmioWindow.QEMU_VIRT, coverage), slot.baseAddress(), 0x200, budget);
            scenario.faults().overrides().forEach(this::noteOverride);
            unstableHigh = scenario.faults().unstableConfigReads() >= TOLERATED_UNSTABLE_READS;
        }

        Verdict execute() {
            initialise("open", true);
            List<Step> steps = scenario.steps();
            for (int i = 0; i < steps.size() && !aborted; i++) {
                Step step = steps.get(i);
                String where = "step " + i + " (" + step + ")";
                if (step instanceof Step.DeviceEvent event) {
                    apply(event);
                    eventsHappened = true;
                } else if (step instanceof Step.Reset) {
                    initialise(where, driver == null);
                } else if (driver != null) {
                    call(where, (Step.DriverCall) step);
                }
                if (driver != null && !aborted && step instanceof Step.DriverCall) {
                    checkFatalError(where);
                }
            }
            if (!aborted) {
                recover();
            }
            return new Verdict(scenario, findings, counting.totalCalls());
        }

        // ---- the calls ----

        private Result invoke(String where, Supplier<Object> call) {
            recorder.beginCall();
            disk.clearLog();
            counting.beginCall();
            Result result;
            try {
                result = new Result(call.get(), null, true);
            } catch (CallBudgetExceeded e) {
                find(Invariant.BOUNDED, where, e.getMessage());
                aborted = true;
                result = new Result(null, null, false);
            } catch (BlockDeviceException e) {
                result = new Result(null, e, true);
            } catch (RuntimeException | Error e) {
                find(Invariant.ONLY_BLOCK_DEVICE_EXCEPTION, where, describe(e));
                aborted = true;
                result = new Result(null, null, false);
            }
            checkMachine(where);
            boolean ringBroken = recorder.seen().stream().anyMatch(seen -> breaksTheRing(seen.outcome()));
            ringBrokenUnreported = driver != null && driver.fatalError().isEmpty() && (ringBrokenUnreported || ringBroken);
            return result;
        }

        private void initialise(String where, boolean open) {
            List<String> mustFail = mustFailReasons(open);
            List<String> mayFail = mayFailReasons();
            Result result = invoke(where, open
                    ? () -> VirtioBlkDevice.open(counting, slot, options)
                    : () -> {
                        driver.reset();
                        return driver;
                    });
            if (!result.completed()) {
                return;
            }
            if (result.succeeded()) {
                driver = (VirtioBlkDevice) result.value();
                sticky = null;
                ringBrokenUnreported = false;
                if (!mustFail.isEmpty()) {
                    find(Invariant.INIT_DECISION, where, "initialisation succeeded although " + String.join(", ", mustFail));
                }
                checkFeatures(where);
                checkInfo(where);
                checkQueueMemory(where);
                checkHandshake(where);
            } else {
                checkMarkedFailed(where, result.error());
                if (mustFail.isEmpty() && mayFail.isEmpty()) {
                    find(Invariant.INIT_DECISION, where, "initialisation failed although nothing prevents it: "
                            + result.error().getMessage());
                }
                if (!open) {
                    sticky = result.error().kind();
                }
            }
        }

        private List<String> mustFailReasons(boolean open) {
            List<String> reasons = new ArrayList<>();
            if (open) {
                long magic = overrides.getOrDefault(MmioRegister.MAGIC_VALUE.offset(), (long) MmioRegister.MAGIC);
                if (magic != MmioRegister.MAGIC) {
                    reasons.add(String.format("MagicValue reads 0x%x", magic));
                }
                long version = overrides.getOrDefault(MmioRegister.VERSION.offset(), 2L);
                if (version != MmioRegister.MODERN_VERSION) {
                    reasons.add("Version reads " + version);
                }
                long deviceId = overrides.getOrDefault(MmioRegister.DEVICE_ID.offset(), 2L);
                if (deviceId != VirtioBlkDevice.DEVICE_TYPE) {
                    reasons.add("DeviceID reads " + deviceId);
                }
            }
            if (!FeatureBits.has(fake.offeredFeatures(), FeatureBits.VERSION_1)) {
                reasons.add("VERSION_1 is not offered");
            }
            if (scenario.faults().refuseFeaturesOk()) {
                reasons.add("FEATURES_OK is refused");
            }
            long queueNumMax = overrides.getOrDefault(MmioRegister.QUEUE_NUM_MAX.offset(), 256L);
            if (queueNumMax < 4) {
                reasons.add("QueueNumMax reads " + queueNumMax);
            }
            return reasons;
        }

        private List<String> mayFailReasons() {
            List<String> reasons = new ArrayList<>();
            if (overrides.containsKey(MmioRegister.STATUS.offset())) {
                reasons.add("Status is overridden");
            }
            if (overrides.getOrDefault(MmioRegister.QUEUE_NUM_MAX.offset(), 256L) > 0x8000) {
                reasons.add("QueueNumMax is beyond the split-queue maximum");
            }
            if (unstableHigh) {
                reasons.add("ConfigGeneration is unstable for " + TOLERATED_UNSTABLE_READS + " reads or more");
            }
            if (refuseAll || scenario.allocator().refuseAfter() >= 0) {
                reasons.add("the allocator refuses frames");
            }
            if (!spec.canCarryOneSector(queueSize())) {
                reasons.add("SIZE_MAX x SEG_MAX is under one sector");
            }
            return reasons;
        }

        private void call(String where, Step.DriverCall step) {
            if (step instanceof Step.Batch batch) {
                batch(where, batch);
                return;
            }
            byte[] buffer = step instanceof Step.Read read ? new byte[read.count() * 512] : null;
            VirtioBlkDevice device = driver;
            Set<ErrorKind> refusals = sticky == null ? refusals(step) : Set.of();
            boolean quiet = quiet();
            boolean ringBrokenBefore = ringBrokenUnreported;
            long startTime = platform.clock().now();
            Result result = invoke(where, () -> {
                if (step instanceof Step.Read read) {
                    device.readAt(read.sector(), buffer);
                } else if (step instanceof Step.Write write) {
                    device.writeAt(write.sector(), write.data());
                } else if (step instanceof Step.Flush) {
                    device.flush();
                } else if (step instanceof Step.WriteZeroes zeroes) {
                    device.writeZeroes(zeroes.sector(), zeroes.count());
                } else if (step instanceof Step.Discard discard) {
                    device.discard(discard.sector(), discard.count());
                } else if (step instanceof Step.GetId) {
                    return device.deviceIdString();
                }
                return null;
            });
            if (!result.completed()) {
                return;
            }
            List<Seen> seen = recorder.seen();
            deviceSaw = seen;
            checkTime(where, result, seen, platform.clock().now() - startTime, sticky != null);
            judge(new Judged(where, step, result, seen, buffer, refusals, sticky, quiet, null, ringBrokenBefore));
            if (result.succeeded() && sticky == null && platform.allocatedFrames() != framesAfterInit) {
                find(Invariant.MEMORY_RELEASED, where, "holds " + platform.allocatedFrames() + " frames after the call, "
                        + framesAfterInit + " before it");
            }
            if (!result.succeeded() && sticky == null && FATAL.contains(result.error().kind())) {
                // The call reports the error of its earliest failed request; the device stays unusable
                // with the first fatal error it met in time, which with several requests in flight may
                // be another request's.
                sticky = device.fatalError().map(BlockDeviceException::kind).orElse(result.error().kind());
            }
        }

        /**
         * Submits every call of the batch through the asynchronous interface, waits for them all, and
         * judges each as a call of its own: its requests are the ones the device saw for it (the driver
         * posts calls, and each call's requests, in submission order).
         */
        private void batch(String where, Step.Batch batch) {
            VirtioBlkDevice device = driver;
            boolean quiet = quiet();
            boolean ringBrokenBefore = ringBrokenUnreported;
            boolean stickyBefore = sticky != null;
            List<Submitted> submitted = new ArrayList<>();
            long startTime = platform.clock().now();
            Result waited = invoke(where, () -> {
                for (Step.DriverCall call : batch.calls()) {
                    submitted.add(submit(device, call));
                }
                List<RequestHandle> handles = submitted.stream().map(Submitted::handle).filter(Objects::nonNull).toList();
                return device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
            });
            if (!waited.completed()) {
                return;
            }
            long elapsed = platform.clock().now() - startTime;
            @SuppressWarnings("unchecked")
            List<Completion> completions = waited.error() == null ? (List<Completion>) waited.value() : List.of();
            if (waited.error() != null) {
                find(Invariant.COMPLETIONS, where, "the wait for the batch threw " + waited.error().getMessage());
            }
            Map<RequestHandle, Completion> byHandle = completionsByHandle(where, submitted, completions);
            if (device.outstanding() != 0) {
                find(Invariant.COMPLETIONS, where, device.outstanding() + " call(s) still outstanding after waiting for all");
            }
            List<Seen> seen = recorder.seen();
            deviceSaw = seen;
            List<List<Seen>> groups = attribute(where, submitted, seen);
            BlockDeviceException fatal = stickyBefore ? null : device.fatalError().orElse(null);
            boolean allSucceeded = true;
            boolean anyTimeout = false;
            for (int i = 0; i < submitted.size(); i++) {
                Submitted call = submitted.get(i);
                Result result = resultOf(call, byHandle.get(call.handle()));
                if (result == null) {
                    allSucceeded = false;
                    continue;
                }
                allSucceeded &= result.succeeded();
                anyTimeout |= !result.succeeded() && result.error().kind() == ErrorKind.TIMEOUT && call.stickyAtSubmit() == null;
                String callWhere = where + ", call " + i + " (" + call.call() + ")";
                judge(new Judged(callWhere, call.call(), result, groups.get(i), call.buffer(), call.refusals(),
                        call.stickyAtSubmit(), quiet, fatal, ringBrokenBefore));
                if (!result.succeeded() && FATAL.contains(result.error().kind()) && device.fatalError().isEmpty()) {
                    find(Invariant.FATAL_STICKY, callWhere, "failed with " + result.error().kind()
                            + " but fatalError() is empty");
                }
            }
            int unseen = 0;
            for (int i = 0; i < submitted.size(); i++) {
                if (submitted.get(i).refused() == null && !covers(submitted.get(i).call(), groups.get(i))) {
                    unseen++;
                }
            }
            checkBatchTime(where, seen.size() + unseen, elapsed, anyTimeout);
            if (allSucceeded && !stickyBefore && platform.allocatedFrames() != framesAfterInit) {
                find(Invariant.MEMORY_RELEASED, where, "holds " + platform.allocatedFrames() + " frames after the batch, "
                        + framesAfterInit + " before it");
            }
            if (sticky == null && fatal != null && FATAL.contains(fatal.kind())) {
                sticky = fatal.kind();
            }
        }

        /** Submits one call of a batch, noting what it was due at that moment. */
        private Submitted submit(VirtioBlkDevice device, Step.DriverCall call) {
            ErrorKind stickyNow = device.fatalError().map(BlockDeviceException::kind).orElse(null);
            Set<ErrorKind> refusals = stickyNow == null ? refusals(call) : Set.of();
            byte[] buffer = call instanceof Step.Read read ? new byte[read.count() * 512]
                    : call instanceof Step.GetId ? new byte[AsyncBlockDevice.ID_BYTES] : null;
            try {
                RequestHandle handle;
                if (call instanceof Step.Read read) {
                    handle = device.submitRead(read.sector(), buffer);
                } else if (call instanceof Step.Write write) {
                    handle = device.submitWrite(write.sector(), write.data());
                } else if (call instanceof Step.Flush) {
                    handle = device.submitFlush();
                } else if (call instanceof Step.WriteZeroes zeroes) {
                    handle = device.submitWriteZeroes(zeroes.sector(), zeroes.count());
                } else if (call instanceof Step.Discard discard) {
                    handle = device.submitDiscard(discard.sector(), discard.count());
                } else {
                    handle = device.submitGetId(buffer);
                }
                return new Submitted(call, buffer, refusals, stickyNow, handle, null);
            } catch (BlockDeviceException e) {
                return new Submitted(call, buffer, refusals, stickyNow, null, e);
            }
        }

        /** The completions by handle; each submitted call must have exactly one, and nothing else may come. */
        private Map<RequestHandle, Completion> completionsByHandle(String where, List<Submitted> submitted,
                List<Completion> completions) {
            Set<RequestHandle> expected = new HashSet<>();
            submitted.stream().map(Submitted::handle).filter(Objects::nonNull).forEach(expected::add);
            Map<RequestHandle, Completion> byHandle = new HashMap<>();
            for (Completion completion : completions) {
                if (!expected.contains(completion.handle())) {
                    find(Invariant.COMPLETIONS, where, "a completion for " + completion.handle() + ", which the batch did not submit");
                } else if (byHandle.put(completion.handle(), completion) != null) {
                    find(Invariant.COMPLETIONS, where, completion.handle() + " completed twice");
                }
            }
            for (RequestHandle handle : expected) {
                if (!byHandle.containsKey(handle)) {
                    find(Invariant.COMPLETIONS, where, handle + " never completed");
                }
            }
            return byHandle;
        }

        /** A batch call's result as a synchronous call would have it, or null if it never completed. */
        private static Result resultOf(Submitted call, Completion completion) {
            if (call.refused() != null) {
                return new Result(null, call.refused(), true);
            }
            if (completion instanceof Completion.Failed failed) {
                return new Result(null, failed.error(), true);
            }
            if (completion instanceof Completion.Succeeded) {
                return new Result(call.call() instanceof Step.GetId ? AsyncBlockDevice.idString(call.buffer()) : null, null, true);
            }
            return null;
        }

        /**
         * Gives each call of a batch the requests the device saw for it: the driver posts the calls in
         * submission order and each call's requests in order, so each call takes the run of requests
         * that continues it. A request no call accounts for is a finding.
         */
        private List<List<Seen>> attribute(String where, List<Submitted> submitted, List<Seen> seen) {
            List<List<Seen>> groups = new ArrayList<>();
            int next = 0;
            for (Submitted call : submitted) {
                List<Seen> group = new ArrayList<>();
                if (call.refused() == null) {
                    long covered = 0;
                    while (next < seen.size() && continues(call.call(), seen.get(next).request(), group.size(), covered)) {
                        covered += sectorsOf(seen.get(next).request());
                        group.add(seen.get(next++));
                    }
                }
                groups.add(group);
            }
            for (Seen extra : seen.subList(next, seen.size())) {
                find(Invariant.DATA_INTEGRITY, where, "request " + describe(extra.request())
                        + " continues none of the batch's calls in submission order");
            }
            return groups;
        }

        /** Whether {@code r} is the next request of {@code call}, after {@code count} covering {@code covered} sectors. */
        private static boolean continues(Step.DriverCall call, DeviceRequest r, int count, long covered) {
            if (call instanceof Step.Read read) {
                return r.type() == VirtioBlk.T_IN && r.sector() == read.sector() + covered
                        && covered + r.sectorCount() <= read.count();
            } else if (call instanceof Step.Write write) {
                return r.type() == VirtioBlk.T_OUT && r.sector() == write.sector() + covered
                        && covered + r.sectorCount() <= write.count();
            } else if (call instanceof Step.WriteZeroes zeroes) {
                return r.type() == VirtioBlk.T_WRITE_ZEROES && startsAt(r, zeroes.sector() + covered)
                        && covered + sectorsOf(r) <= zeroes.count();
            } else if (call instanceof Step.Discard discard) {
                return r.type() == VirtioBlk.T_DISCARD && startsAt(r, discard.sector() + covered)
                        && covered + sectorsOf(r) <= discard.count();
            } else if (call instanceof Step.Flush) {
                return r.type() == VirtioBlk.T_FLUSH && count == 0;
            }
            return r.type() == VirtioBlk.T_GET_ID && count == 0;
        }

        private static boolean startsAt(DeviceRequest r, long sector) {
            return !r.ranges().isEmpty() && r.ranges().get(0).sector() == sector;
        }

        private static long sectorsOf(DeviceRequest r) {
            return r.type() == VirtioBlk.T_DISCARD || r.type() == VirtioBlk.T_WRITE_ZEROES
                    ? r.ranges().stream().mapToLong(DeviceRequest.Range::sectorCount).sum() : r.sectorCount();
        }

        /**
         * Whether the device saw every request of {@code call}: its sectors, or its one flush or
         * get-id request.
         */
        private boolean covers(Step.DriverCall call, List<Seen> group) {
            long sectors = group.stream().mapToLong(seen -> sectorsOf(seen.request())).sum();
            if (call instanceof Step.Read read) {
                return sectors == read.count();
            } else if (call instanceof Step.Write write) {
                return sectors == write.count();
            } else if (call instanceof Step.WriteZeroes zeroes) {
                return sectors == zeroes.count();
            } else if (call instanceof Step.Discard discard) {
                return sectors == discard.count();
            } else if (call instanceof Step.Flush) {
                return group.size() == (FeatureBits.has(fake.negotiatedFeatures(), BlkFeatures.FLUSH) ? 1 : 0);
            }
            return group.size() == 1;
        }

        /**
         * A batch waits no longer than the budgets of its requests added up (those the device saw,
         * and one more for each call it did not see whole: the first of those to time out ends the
         * rest of its call), and times out no earlier than one budget.
         */
        private void checkBatchTime(String where, int requests, long elapsed, boolean anyTimeout) {
            long perRequest = options.requestTimeoutNanos() + 2 * options.pollIntervalNanos();
            long limit = Math.max(1, requests) * perRequest + 2_000_000L;
            if (elapsed > limit) {
                find(Invariant.TIME_BUDGET, where, "took " + elapsed + " ns of virtual time for " + requests
                        + " request(s), more than " + limit);
            }
            boolean interruptStuck = scenario.faults().extraInterruptBits() != 0
                    || everOverridden.contains(MmioRegister.INTERRUPT_STATUS.offset());
            if (anyTimeout && !interruptStuck && elapsed < options.requestTimeoutNanos()) {
                find(Invariant.TIME_BUDGET, where, "a call timed out after " + elapsed + " ns, before the "
                        + options.requestTimeoutNanos() + " ns budget");
            }
        }

        /** Judges one call's result: refusals, the fatal error it met, success checks, the failure's kind. */
        private void judge(Judged judged) {
            String where = judged.where();
            Result result = judged.result();
            List<Seen> seen = judged.seen();
            Set<ErrorKind> refusals = judged.refusals();
            if (!refusals.isEmpty()) {
                if (result.succeeded() || !refusals.contains(result.error().kind())) {
                    find(Invariant.REFUSAL, where, (result.succeeded() ? "succeeded" : "failed with " + result.error().kind())
                            + ", expected one of " + refusals);
                }
                if (!seen.isEmpty()) {
                    find(Invariant.REFUSAL, where, "sent " + seen.size() + " request(s) for a call it must refuse");
                }
            }
            if (judged.sticky() != null) {
                if (result.succeeded()) {
                    find(Invariant.FATAL_STICKY, where, "succeeded after a fatal " + judged.sticky() + " without a reset");
                } else if (result.error().kind() != judged.sticky()) {
                    find(Invariant.FATAL_STICKY, where, "failed with " + result.error().kind() + " after a fatal "
                            + judged.sticky() + " without a reset: " + result.error().getMessage());
                }
                return;
            }
            if (result.succeeded()) {
                checkSuccess(where, judged.step(), seen, judged.buffer(), result.value(), judged.fatalInBatch() == null);
                return;
            }
            ErrorKind kind = result.error().kind();
            if (kind == ErrorKind.PROTOCOL_VIOLATION && judged.ringBrokenBefore()) {
                // A used element or index broken during an earlier call, reported now.
                return;
            }
            if (judged.fatalInBatch() != null && FATAL.contains(kind)
                    && (!covers(judged.step(), seen) || RING_WIDE.contains(kind))) {
                // Ended by a fatal error of the batch: the requests it had not posted were failed with
                // it, or a failure of the whole ring ended every request the device held.
                return;
            }
            if (judged.quiet() && refusals.isEmpty() && seen.stream().allMatch(this::completedNormally)) {
                find(Invariant.NO_SPURIOUS_FAILURE, where, "failed although every request completed normally: "
                        + result.error().getMessage());
            }
            long status = overrides.getOrDefault(MmioRegister.STATUS.offset(), (long) fake.status());
            if (kind == ErrorKind.TIMEOUT && (status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
                find(Invariant.ERROR_KIND, where, "reported TIMEOUT while the status reads "
                        + DeviceStatus.describe(status) + fake.needsResetReason().map(r -> " (" + r + ")").orElse(""));
            }
            if (kind == ErrorKind.DEVICE_NEEDS_RESET && (status & DeviceStatus.DEVICE_NEEDS_RESET) == 0) {
                find(Invariant.ERROR_KIND, where, "reported DEVICE_NEEDS_RESET but the status reads "
                        + DeviceStatus.describe(status));
            }
            if (judged.quiet()) {
                checkStatusKind(where, judged.step(), seen, kind);
            }
        }

        /**
         * On a quiet device, when the first of a call's requests (in the call's order) not answered
         * normally has a plain non-OK status byte, the call fails with the kind that byte means (with
         * faults about, a config interrupt handled after the completion may fail it first).
         */
        private void checkStatusKind(String where, Step.DriverCall step, List<Seen> seen, ErrorKind kind) {
            Seen first = seen.stream().filter(s -> !completedNormally(s)).findFirst().orElse(null);
            if (first == null || !(first.outcome() instanceof OutcomeSpec.Status status)
                    || status.status() == VirtioBlk.S_OK || fake.needsResetReason().isPresent()) {
                return;
            }
            if (options.maxInFlight() > 1 && recorder.seen().stream().anyMatch(s -> breaksTheRing(s.outcome()))) {
                // With several requests in flight, a used element the driver cannot believe may come
                // before the status byte is read: the ring is not trusted past it.
                return;
            }
            ErrorKind expected = switch (status.status()) {
                case VirtioBlk.S_IOERR -> step instanceof Step.Flush ? ErrorKind.FLUSH_FAILED : ErrorKind.IO_ERROR;
                case VirtioBlk.S_UNSUPP -> ErrorKind.UNSUPPORTED;
                default -> ErrorKind.PROTOCOL_VIOLATION;
            };
            if (kind != expected) {
                find(Invariant.ERROR_KIND, where, "status byte " + status.status() + " reported as " + kind + ", not " + expected);
            }
        }

        private void checkFatalError(String where) {
            ErrorKind reported = driver.fatalError().map(BlockDeviceException::kind).orElse(null);
            if (sticky == null && reported != null && FATAL.contains(reported)) {
                // Found after the call's requests completed (a config interrupt handled after the last
                // completion): the call's outcome stands, and every later call must fail with it.
                sticky = reported;
                return;
            }
            if (reported != sticky) {
                find(Invariant.FATAL_STICKY, where, "fatalError() says " + reported + ", the calls say " + sticky);
            }
        }

        /** The error kinds a call must fail with before sending anything, or empty if it may go ahead. */
        private Set<ErrorKind> refusals(Step.DriverCall step) {
            Set<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
            long features = fake.negotiatedFeatures();
            boolean readOnly = FeatureBits.has(features, BlkFeatures.RO);
            if (step instanceof Step.Read read) {
                addRange(kinds, read.sector(), read.count());
            } else if (step instanceof Step.Write write) {
                if (readOnly) {
                    kinds.add(ErrorKind.READ_ONLY);
                }
                addRange(kinds, write.sector(), write.count());
            } else if (step instanceof Step.WriteZeroes zeroes) {
                addRangeCommand(kinds, BlkFeatures.WRITE_ZEROES, readOnly, zeroes.sector(), zeroes.count());
            } else if (step instanceof Step.Discard discard) {
                addRangeCommand(kinds, BlkFeatures.DISCARD, readOnly, discard.sector(), discard.count());
            }
            return kinds;
        }

        private void addRangeCommand(Set<ErrorKind> kinds, int feature, boolean readOnly, long sector, long count) {
            if (!FeatureBits.has(fake.negotiatedFeatures(), feature)) {
                kinds.add(ErrorKind.UNSUPPORTED);
            }
            if (sector < 0 || count < 0) {
                kinds.add(ErrorKind.INVALID_ARGUMENT);
            }
            if (readOnly) {
                kinds.add(ErrorKind.READ_ONLY);
            }
            addRange(kinds, sector, count);
        }

        private void addRange(Set<ErrorKind> kinds, long sector, long count) {
            long capacity = fake.capacitySectors();
            if (sector < 0 || count < 0 || sector > capacity || count > capacity - sector) {
                kinds.add(ErrorKind.OUT_OF_RANGE);
            }
        }

        /**
         * No device-level fault, allocator fault or device event so far, queue faults a correct driver
         * gets through (a fifth of the request budget at most), and the device is not broken.
         */
        private boolean quiet() {
            return scenario.faults().equals(dev.vblk.fuzz.scenario.DeviceFaultSpec.NONE)
                    && scenario.queue().benign(options.requestTimeoutNanos() / 5)
                    && scenario.allocator().equals(dev.vblk.fuzz.scenario.AllocatorSpec.GENEROUS)
                    && !eventsHappened && fake.needsResetReason().isEmpty();
        }

        /** Whether an outcome writes a used element or index that no correct device writes. */
        private static boolean breaksTheRing(OutcomeSpec outcome) {
            OutcomeSpec inner = outcome instanceof OutcomeSpec.Delayed d ? d.then() : outcome;
            return inner instanceof OutcomeSpec.UsedId || inner instanceof OutcomeSpec.UsedLen
                    || inner instanceof OutcomeSpec.Duplicated || inner instanceof OutcomeSpec.IndexJump;
        }

        /** Whether a request was answered as a correct device answers, in good time, with status OK. */
        private boolean completedNormally(Seen s) {
            OutcomeSpec outcome = s.outcome();
            if (outcome instanceof OutcomeSpec.Delayed d && d.delayNanos() <= options.requestTimeoutNanos() / 2) {
                outcome = d.then();
            }
            return outcome instanceof OutcomeSpec.Normal && executed(s.request());
        }

        private void checkTime(String where, Result result, List<Seen> seen, long elapsed, boolean wasSticky) {
            // One budget per request the device saw, and one for a request it never saw: the first
            // of those to time out ends the call.
            long perRequest = options.requestTimeoutNanos() + 2 * options.pollIntervalNanos();
            long limit = (seen.size() + 1L) * perRequest + 2_000_000L;
            if (elapsed > limit) {
                find(Invariant.TIME_BUDGET, where, "took " + elapsed + " ns of virtual time for " + seen.size()
                        + " request(s), more than " + limit);
            }
            boolean interruptStuck = scenario.faults().extraInterruptBits() != 0
                    || everOverridden.contains(MmioRegister.INTERRUPT_STATUS.offset());
            if (!wasSticky && !result.succeeded() && result.error().kind() == ErrorKind.TIMEOUT && !interruptStuck
                    && elapsed < options.requestTimeoutNanos()) {
                find(Invariant.TIME_BUDGET, where, "timed out after " + elapsed + " ns, before the "
                        + options.requestTimeoutNanos() + " ns budget");
            }
        }

        private void checkInfo(String where) {
            long negotiated = fake.negotiatedFeatures();
            dev.vblk.block.BlockDeviceInfo info = driver.info();
            List<String> wrong = new ArrayList<>();
            if (driver.negotiatedFeatures() != negotiated) {
                wrong.add(String.format("negotiatedFeatures 0x%x, device holds 0x%x", driver.negotiatedFeatures(), negotiated));
            }
            if (info.capacitySectors() != fake.capacitySectors()) {
                wrong.add("capacity " + info.capacitySectors() + ", device has " + fake.capacitySectors());
            }
            boolean flush = FeatureBits.has(negotiated, BlkFeatures.FLUSH);
            boolean wce = FeatureBits.has(negotiated, BlkFeatures.CONFIG_WCE);
            if (info.readOnly() != FeatureBits.has(negotiated, BlkFeatures.RO) || info.flushSupported() != flush
                    || info.discardSupported() != FeatureBits.has(negotiated, BlkFeatures.DISCARD)
                    || info.writeZeroesSupported() != FeatureBits.has(negotiated, BlkFeatures.WRITE_ZEROES)) {
                wrong.add("capabilities " + info + " do not match features " + BlkFeatures.describe(negotiated));
            }
            if (info.writebackCache() != (flush && (!wce || fake.writeback() == 1))) {
                wrong.add("writebackCache " + info.writebackCache() + " with writeback field " + fake.writeback());
            }
            if (wce && fake.writeback() != 1) {
                wrong.add("CONFIG_WCE negotiated but the cache was left in writethrough mode");
            }
            long blkSize = spec.blkSize();
            boolean valid = FeatureBits.has(negotiated, BlkFeatures.BLK_SIZE) && blkSize >= 512 && blkSize <= 65536
                    && Long.bitCount(blkSize) == 1;
            int reported = info.blockSize();
            if (valid ? reported != blkSize : reported < 512 || reported > 65536 || Integer.bitCount(reported) != 1) {
                wrong.add("block size " + reported + " for blk_size " + blkSize);
            }
            if (!driver.id().equals(new dev.vblk.block.BlockDeviceId(VirtioBlkDevice.DEVICE_TYPE, slot.baseAddress()))
                    || !driver.slot().equals(slot)) {
                wrong.add("id " + driver.id() + " / slot " + driver.slot() + " do not name " + slot);
            }
            if (driver.config().capacity() != fake.capacitySectors()) {
                wrong.add("config capacity " + driver.config().capacity());
            }
            long segments = queueSize() - 2L;
            if (FeatureBits.has(negotiated, BlkFeatures.SEG_MAX) && spec.segMax() > 0) {
                segments = Math.min(segments, spec.segMax());
            }
            long piece = FeatureBits.has(negotiated, BlkFeatures.SIZE_MAX) && spec.sizeMax() > 0
                    ? Math.min(spec.sizeMax(), 4096) : 4096;
            long most = Math.min(options.maxRequestBytes(), segments * piece);
            int transfer = driver.maxTransferBytes();
            if (transfer < 512 || transfer % 512 != 0 || transfer > most) {
                wrong.add("maxTransferBytes " + transfer + ": not whole sectors from 512 to " + most
                        + " (seg_max and size_max over scattered pages)");
            }
            if (!wrong.isEmpty()) {
                find(Invariant.DEVICE_INFO, where, String.join("; ", wrong));
            }
        }

        private void checkQueueMemory(String where) {
            framesAfterInit = platform.allocatedFrames();
            int poolFrames = poolFrames(options);
            int queues = driver.queueCount();
            if (framesAfterInit > queues * (QUEUE_FRAMES + poolFrames)) {
                find(Invariant.MEMORY_RELEASED, where, "holds " + framesAfterInit + " frames right after initialisation; "
                        + "each of its " + queues + " queue(s) of at most 256 entries needs " + QUEUE_FRAMES
                        + " and its buffer pool at most " + poolFrames);
            }
        }

        private void checkHandshake(String where) {
            if (everOverridden.contains(MmioRegister.STATUS.offset())) {
                return;
            }
            for (String problem : HandshakeCheck.problems(counting.accessesInCall())) {
                find(Invariant.PROTOCOL_RULES, where, problem);
            }
        }

        private void checkMarkedFailed(String where, BlockDeviceException error) {
            int status = fake.status();
            if (error.kind() != ErrorKind.PLATFORM_ERROR && (status & DeviceStatus.ACKNOWLEDGE) != 0
                    && (status & DeviceStatus.FAILED) == 0) {
                find(Invariant.INIT_DECISION, where, "gave up on initialisation (" + error.kind()
                        + ") without setting FAILED; status " + DeviceStatus.describe(status));
            }
        }

        // ---- success checks ----

        /**
         * Checks a successful call against what the device did with its requests; {@code
         * allDelayedArrived} also checks that no delayed completion is still pending (in a batch where
         * another call failed, its late completions may be).
         */
        private void checkSuccess(String where, Step.DriverCall step, List<Seen> seen, byte[] buffer, Object value,
                boolean allDelayedArrived) {
            boolean delayed = false;
            for (Seen s : seen) {
                delayed |= s.outcome() instanceof OutcomeSpec.Delayed;
                String why = whySuccessIsFalse(s);
                if (why != null) {
                    find(Invariant.NO_FALSE_SUCCESS, where, "reported success, but request " + describe(s.request())
                            + " got \"" + s.outcome() + "\": " + why);
                }
            }
            if (delayed && allDelayedArrived && fake.pendingCompletions() > 0) {
                find(Invariant.NO_FALSE_SUCCESS, where, "reported success while " + fake.pendingCompletions()
                        + " delayed completion(s) had not arrived");
            }
            if (step instanceof Step.Read read) {
                checkTiling(where, seen, VirtioBlk.T_IN, read.sector(), read.count());
                checkReadData(where, seen, read, buffer);
            } else if (step instanceof Step.Write write) {
                checkTiling(where, seen, VirtioBlk.T_OUT, write.sector(), write.count());
                checkWriteData(where, seen, write);
            } else if (step instanceof Step.WriteZeroes zeroes) {
                checkRanges(where, seen, VirtioBlk.T_WRITE_ZEROES, zeroes.sector(), zeroes.count());
            } else if (step instanceof Step.Discard discard) {
                checkRanges(where, seen, VirtioBlk.T_DISCARD, discard.sector(), discard.count());
            } else if (step instanceof Step.Flush) {
                checkFlush(where, seen);
            } else if (step instanceof Step.GetId) {
                checkId(where, seen, (String) value);
            }
        }

        /** Why a successful call must not count request {@code s} as done, or null if it may. */
        private String whySuccessIsFalse(Seen s) {
            DeviceRequest r = s.request();
            OutcomeSpec outcome = s.outcome() instanceof OutcomeSpec.Delayed d ? d.then() : s.outcome();
            boolean dataIn = (r.type() == VirtioBlk.T_IN || r.type() == VirtioBlk.T_GET_ID) && r.dataLength() > 0;
            if (outcome instanceof OutcomeSpec.Normal || outcome instanceof OutcomeSpec.Duplicated
                    || outcome instanceof OutcomeSpec.IndexJump) {
                return executed(r) ? null : "the device answered it with an error status";
            } else if (outcome instanceof OutcomeSpec.UsedId u) {
                if (u.id() != r.head() && !namedByAnother(s)) {
                    return "its used element named descriptor " + u.id() + ", not its head " + r.head()
                            + ", and no other used element named it";
                }
                return executed(r) ? null : "the device answered it with an error status";
            } else if (outcome instanceof OutcomeSpec.UsedLen u) {
                if (dataIn && u.length() != r.dataLength() + 1L && !namedByAnother(s)) {
                    return "the used length " + u.length() + " does not cover its " + r.dataLength()
                            + " data bytes and status, and no other used element named it";
                }
                return executed(r) ? null : "the device answered it with an error status";
            } else if (outcome instanceof OutcomeSpec.Status st) {
                if (st.status() != VirtioBlk.S_OK) {
                    return "its status byte was " + st.status();
                }
                return dataIn ? "the device wrote none of its " + r.dataLength() + " data bytes" : null;
            } else if (outcome instanceof OutcomeSpec.Data d) {
                if (d.status() != VirtioBlk.S_OK) {
                    return "its status byte was " + d.status();
                }
                return dataIn && d.length() < r.dataLength() && !namedByAnother(s)
                        ? "the device wrote only " + d.length() + " of its " + r.dataLength()
                                + " data bytes, and no other used element named it" : null;
            }
            return "it was never completed";
        }

        /**
         * Whether another request's used element named this request's head: with several requests in
         * flight a device that mislabels its used elements may so report this one done, and if it
         * executed it, the driver cannot tell that success from a true one.
         */
        private boolean namedByAnother(Seen s) {
            for (Seen other : deviceSaw) {
                OutcomeSpec outcome = other.outcome() instanceof OutcomeSpec.Delayed d ? d.then() : other.outcome();
                if (other != s && outcome instanceof OutcomeSpec.UsedId u && u.id() == s.request().head()) {
                    return true;
                }
            }
            return false;
        }

        private boolean executed(DeviceRequest r) {
            long position = r.sector() * 512;
            return switch (r.type()) {
                case VirtioBlk.T_IN -> disk.take(new RecordingDisk.Op("READ", position, r.dataLength()));
                case VirtioBlk.T_OUT -> disk.take(new RecordingDisk.Op("WRITE", position, r.dataLength()));
                case VirtioBlk.T_FLUSH -> disk.take(new RecordingDisk.Op("FLUSH", 0, 0));
                case VirtioBlk.T_GET_ID -> true;
                case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES -> r.ranges().stream().allMatch(range -> disk.take(
                        new RecordingDisk.Op("DISCARD", range.sector() * 512, range.sectorCount() * 512)));
                default -> false;
            };
        }

        private void checkTiling(String where, List<Seen> seen, int type, long sector, long count) {
            long next = sector;
            for (Seen s : seen) {
                DeviceRequest r = s.request();
                if (r.type() != type || r.sector() != next || r.sectorCount() <= 0
                        || r.dataLength() != r.sectorCount() * 512 || r.dataLength() > driver.maxTransferBytes()) {
                    find(Invariant.DATA_INTEGRITY, where, "request " + describe(r) + " does not continue the call at sector "
                            + next + " with whole sectors of at most maxTransferBytes");
                    return;
                }
                next += r.sectorCount();
            }
            if (next != sector + count) {
                find(Invariant.DATA_INTEGRITY, where, "the requests covered sectors " + sector + ".." + next
                        + ", the call asked for " + count);
            }
            checkInCapacity(where, sector, count);
        }

        private void checkInCapacity(String where, long sector, long count) {
            long capacity = fake.capacitySectors();
            if (count > 0 && (sector < 0 || sector > capacity || count > capacity - sector)) {
                find(Invariant.DATA_INTEGRITY, where, "succeeded for sectors beyond the capacity of " + capacity);
            }
        }

        private void checkReadData(String where, List<Seen> seen, Step.Read read, byte[] buffer) {
            for (Seen s : seen) {
                DeviceRequest r = s.request();
                OutcomeSpec outcome = s.outcome() instanceof OutcomeSpec.Delayed d ? d.then() : s.outcome();
                List<byte[]> expected;
                if (outcome instanceof OutcomeSpec.Data data) {
                    expected = List.of(Arrays.copyOf(data.bytes(), r.dataLength()));
                } else if (outcome instanceof OutcomeSpec.Status) {
                    continue;
                } else {
                    expected = disk.dataRead(r.sector() * 512, r.dataLength());
                }
                int from = (int) (r.sector() - read.sector()) * 512;
                if (from < 0 || from + r.dataLength() > buffer.length) {
                    continue;
                }
                byte[] got = Arrays.copyOfRange(buffer, from, from + r.dataLength());
                if (expected.stream().noneMatch(bytes -> Arrays.equals(bytes, got))) {
                    find(Invariant.DATA_INTEGRITY, where, "the data returned for request " + describe(r)
                            + " differs from the device's at byte " + Arrays.mismatch(expected.get(0), got));
                }
            }
        }

        private void checkWriteData(String where, List<Seen> seen, Step.Write write) {
            byte[] data = write.data();
            for (Seen s : seen) {
                DeviceRequest r = s.request();
                int from = (int) (r.sector() - write.sector()) * 512;
                if (from < 0 || from + r.writeData().length > data.length) {
                    continue;
                }
                if (!Arrays.equals(r.writeData(), Arrays.copyOfRange(data, from, from + r.writeData().length))) {
                    find(Invariant.DATA_INTEGRITY, where, "request " + describe(r) + " carried other data than the call");
                }
            }
        }

        private void checkRanges(String where, List<Seen> seen, int type, long sector, long count) {
            long next = sector;
            for (Seen s : seen) {
                DeviceRequest r = s.request();
                if (r.type() != type) {
                    find(Invariant.DATA_INTEGRITY, where, "request " + describe(r) + " has the wrong type");
                    return;
                }
                for (DeviceRequest.Range range : r.ranges()) {
                    if (range.sector() != next || range.sectorCount() <= 0) {
                        find(Invariant.DATA_INTEGRITY, where, "range " + range + " does not continue the call at sector " + next);
                        return;
                    }
                    next += range.sectorCount();
                }
            }
            if (next != sector + count) {
                find(Invariant.DATA_INTEGRITY, where, "the ranges covered sectors " + sector + ".." + next
                        + ", the call asked for " + count);
            }
            checkInCapacity(where, sector, count);
        }

        private void checkFlush(String where, List<Seen> seen) {
            boolean flushAgreed = FeatureBits.has(fake.negotiatedFeatures(), BlkFeatures.FLUSH);
            boolean allFlush = seen.stream().allMatch(s -> s.request().type() == VirtioBlk.T_FLUSH);
            if (!allFlush || (flushAgreed && seen.isEmpty()) || (!flushAgreed && !seen.isEmpty())) {
                find(Invariant.DATA_INTEGRITY, where, "flush sent " + seen.size() + " request(s) with FLUSH "
                        + (flushAgreed ? "negotiated" : "not negotiated"));
            }
        }

        private void checkId(String where, List<Seen> seen, String id) {
            if (seen.isEmpty() || seen.get(seen.size() - 1).request().type() != VirtioBlk.T_GET_ID) {
                find(Invariant.DATA_INTEGRITY, where, "get-id succeeded without a GET_ID request");
                return;
            }
            OutcomeSpec outcome = seen.get(seen.size() - 1).outcome();
            outcome = outcome instanceof OutcomeSpec.Delayed d ? d.then() : outcome;
            byte[] source = outcome instanceof OutcomeSpec.Data data ? data.bytes()
                    : spec.idString().getBytes(StandardCharsets.US_ASCII);
            byte[] raw = Arrays.copyOf(source, VirtioBlk.ID_BYTES);
            int end = 0;
            while (end < raw.length && raw[end] != 0) {
                end++;
            }
            String expected = new String(raw, 0, end, StandardCharsets.US_ASCII);
            if (!expected.equals(id)) {
                find(Invariant.DATA_INTEGRITY, where, "get-id returned \"" + id + "\", the device said \"" + expected + "\"");
            }
        }

        // ---- features, violations, events, recovery ----

        private void checkFeatures(String where) {
            long offered = fake.offeredFeatures();
            long accepted = driver.negotiatedFeatures();
            if ((accepted & ~offered) != 0 || (fake.negotiatedFeatures() & ~offered) != 0) {
                find(Invariant.FEATURES_OFFERED, where, String.format("accepted 0x%x (device holds 0x%x), offered 0x%x",
                        accepted, fake.negotiatedFeatures(), offered));
            }
        }

        private void checkMachine(String where) {
            List<Violation> violations = platform.violations();
            boolean statusTampered = everOverridden.contains(MmioRegister.STATUS.offset());
            for (Violation v : violations.subList(violationsSeen, violations.size())) {
                switch (v.kind()) {
                    case WRITE_OUTSIDE_ALLOCATION, DEVICE_WRITE_OUTSIDE_ALLOCATION, MEMORY_OUTSIDE_RAM, BAD_FREE ->
                            find(Invariant.DMA_CONFINED, where, v.toString());
                    case REGISTER_OUTSIDE_WINDOW, UNKNOWN_INTERRUPT_LINE -> find(Invariant.REGISTERS_CONFINED, where, v.toString());
                    case STATUS_SEQUENCE, BAD_NOTIFY -> {
                        if (!statusTampered) {
                            find(Invariant.PROTOCOL_RULES, where, v.toString());
                        }
                    }
                    default -> find(Invariant.PROTOCOL_RULES, where, v.toString());
                }
            }
            violationsSeen = violations.size();
            List<String> stray = counting.strayRegisterAccesses();
            for (String access : stray.subList(strayAccessesSeen, stray.size())) {
                find(Invariant.REGISTERS_CONFINED, where, access);
            }
            strayAccessesSeen = stray.size();
        }

        private void apply(Step.DeviceEvent event) {
            machine.apply(event);
            if (event instanceof Step.SetOverride set) {
                noteOverride(set.override());
            } else if (event instanceof Step.ClearOverride clear) {
                overrides.remove(clear.offset());
            } else if (event instanceof Step.UnstableConfig unstable) {
                unstableHigh |= unstable.reads() >= TOLERATED_UNSTABLE_READS;
            } else if (event instanceof Step.RefuseFrames refuse) {
                refuseAll = refuse.all();
            }
        }

        private void noteOverride(RegisterOverride override) {
            overrides.put(override.offset(), override.value());
            everOverridden.add(override.offset());
        }

        private void recover() {
            recorder.stopFaults();
            for (int offset : everOverridden) {
                fake.faults().clearRegisterOverride(offset);
            }
            overrides.clear();
            fake.faults().withholdFeatures(0).refuseFeaturesOk(false).unstableConfigGeneration(0).extraInterruptBits(0);
            dev.vblk.fuzz.scenario.QueueSpec.SERIAL.applyTo(fake.faults());
            platform.allocatorFaults().clear();
            String where = "recovery";
            boolean open = driver == null;
            Result result = invoke(where, open
                    ? () -> VirtioBlkDevice.open(counting, slot, options)
                    : () -> {
                        driver.reset();
                        return driver;
                    });
            if (!result.completed()) {
                return;
            }
            if (!result.succeeded()) {
                if (!(result.error().kind() == ErrorKind.UNSUPPORTED && !spec.canCarryOneSector(queueSize()))) {
                    find(Invariant.RECOVERY, where, (open ? "open" : "reset") + " failed with the faults cleared: "
                            + result.error().getMessage());
                }
                return;
            }
            driver = (VirtioBlkDevice) result.value();
            ringBrokenUnreported = false;
            checkFeatures(where);
            checkInfo(where);
            checkQueueMemory(where);
            checkHandshake(where);
            roundTrip(where);
        }

        private void roundTrip(String where) {
            long capacity = fake.capacitySectors();
            VirtioBlkDevice device = driver;
            if (capacity == 0) {
                Result id = invoke(where, device::deviceIdString);
                if (id.completed() && !spec.idString().equals(id.value())) {
                    find(Invariant.RECOVERY, where, "get-id after reset gave " + (id.succeeded() ? "\"" + id.value() + "\""
                            : id.error().getMessage()) + ", expected \"" + spec.idString() + "\"");
                }
                return;
            }
            long sector = capacity - 1;
            byte[] data = new Step.Write(sector, 1, 0x5a).data();
            if (!spec.readOnly()) {
                Result write = invoke(where, () -> {
                    device.writeAt(sector, data);
                    return null;
                });
                if (!write.completed()) {
                    return;
                }
                if (!write.succeeded()) {
                    find(Invariant.RECOVERY, where, "write after reset failed: " + write.error().getMessage());
                    return;
                }
            }
            byte[] back = new byte[512];
            Result read = invoke(where, () -> {
                device.readAt(sector, back);
                return null;
            });
            if (!read.completed()) {
                return;
            }
            if (!read.succeeded()) {
                find(Invariant.RECOVERY, where, "read after reset failed: " + read.error().getMessage());
                return;
            }
            byte[] expected = spec.readOnly() ? disk.peek(sector * 512, 512) : data;
            if (!Arrays.equals(expected, back)) {
                find(Invariant.RECOVERY, where, "read after reset returned other data than the device holds");
            }
        }

        /** The queue size the driver can set up under the current QueueNumMax. */
        private int queueSize() {
            long max = overrides.getOrDefault(MmioRegister.QUEUE_NUM_MAX.offset(), 256L);
            return max <= 0 || max > 0x8000 ? 256 : Integer.highestOneBit((int) Math.min(max, options.maxQueueSize()));
        }

        private void find(Invariant invariant, String where, String detail) {
            findings.add(new Finding(invariant, where, detail));
        }

        private static String describe(DeviceRequest r) {
            return String.format("#%d (type %d, head %d, sector %d, %d sectors, %d data bytes)",
                    r.index(), r.type(), r.head(), r.sector(), r.sectorCount(), r.dataLength());
        }

        private static String describe(Throwable e) {
            StackTraceElement[] trace = e.getStackTrace();
            return e.getClass().getName() + ": " + e.getMessage() + (trace.length > 0 ? " at " + trace[0] : "");
        }
    }
}
