package dev.vblk.fuzz.oracle;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Executes a scenario's workload on its fake machine: opens the driver, makes each driver call
 * (synchronously, or a batch submitted at once and waited for together), lets the device events
 * happen between them, and recovers at the end. Each call's observation goes to the checks as it
 * ends; the executor itself judges nothing.
 */
final class ScenarioExecutor {

    /** The scenario's own opening of the device. */
    private static final Where OPEN = Where.named("open");

    private final RunState run;
    private final MachineCheck machine;
    private final DoubleFetchCheck doubleFetch;
    private final ConfigValueCheck config;
    private final InitialisationCheck initialisation;
    private final DeviceInfoCheck info;
    private final MemoryCheck memory;
    private final RefusalCheck refusal;
    private final FatalStickyCheck fatal;
    private final TimeBudgetCheck time;
    private final CompletionsCheck completions;
    private final RecoveryCheck recovery;
    private final RequestAttribution attribution;
    private final CallJudge judge;
    private boolean aborted;

    ScenarioExecutor(RunState run) {
        this.run = run;
        this.machine = new MachineCheck(run);
        this.doubleFetch = new DoubleFetchCheck(run);
        this.config = new ConfigValueCheck(run);
        this.initialisation = new InitialisationCheck(run);
        this.info = new DeviceInfoCheck(run);
        this.memory = new MemoryCheck(run);
        this.refusal = new RefusalCheck(run);
        this.fatal = new FatalStickyCheck(run.findings);
        this.time = new TimeBudgetCheck(run);
        this.completions = new CompletionsCheck(run.findings);
        this.recovery = new RecoveryCheck(run);
        this.attribution = new RequestAttribution(run);
        this.judge = new CallJudge(run, new ScriptedAnswers(run), refusal, fatal, attribution);
    }

    /** Runs the scenario: {@code open()}, the steps, and the recovery unless the run was stopped. */
    Verdict execute() {
        initialise(OPEN, true);
        List<ScenarioStep> steps = run.scenario.steps();
        for (int i = 0; i < steps.size() && !aborted; i++) {
            ScenarioStep step = steps.get(i);
            Where where = Where.step(i, step);
            if (step instanceof ScenarioStep.DeviceEvent event) {
                run.apply(event);
            } else if (step instanceof ScenarioStep.Reset) {
                initialise(where, run.driver == null);
            } else if (run.driver != null) {
                call(where, (ScenarioStep.DriverCall) step);
            }
            if (run.driver != null && !aborted && step instanceof ScenarioStep.DriverCall) {
                fatal.checkReported(where, run.driver.fatalError().map(BlockDeviceException::kind).orElse(null));
            }
        }
        if (!aborted) {
            recover();
        }
        return new Verdict(run.scenario, run.findings.all(), run.counting.totalCalls());
    }

    /** Makes one driver call on a fresh count; a call stopped by the budget or another throwable stops the run. */
    private CallResult invoke(Where where, Supplier<Object> call) {
        run.recorder.beginCall();
        run.disk.clearLog();
        run.counting.beginCall();
        CallResult result;
        try {
            result = new CallResult(call.get(), null, true);
        } catch (CallBudgetExceeded e) {
            TerminationCheck.threw(run.findings, where, e.getClass().getName(), e.getMessage());
            aborted = true;
            result = new CallResult(null, null, false);
        } catch (BlockDeviceException e) {
            result = new CallResult(null, e, true);
        } catch (RuntimeException | Error e) {
            StackTraceElement[] trace = e.getStackTrace();
            TerminationCheck.threw(run.findings, where, e.getClass().getName(), e.getClass().getName() + ": "
                    + e.getMessage() + (trace.length > 0 ? " at " + trace[0] : ""));
            aborted = true;
            result = new CallResult(null, null, false);
        }
        run.noteCoverage();
        machine.check(where);
        doubleFetch.check(where);
        config.check(where);
        boolean ringBroken = run.deviceBrokeTheRing();
        run.ringBrokenUnreported = run.driver != null && run.driver.fatalError().isEmpty()
                && (run.ringBrokenUnreported || ringBroken);
        run.suppressionLied |= run.deviceLiedAboutSuppression();
        return result;
    }

    /** Calls {@code open()} (or {@code reset()} on the driver). */
    private CallResult openOrReset(Where where, boolean open) {
        VirtioBlkDevice driver = run.driver;
        return invoke(where, open
                ? () -> VirtioBlkDevice.open(run.driverPlatform, run.slot, run.options)
                : () -> {
                    driver.reset();
                    return driver;
                });
    }

    /**
     * After a successful initialisation: the driver it gave, with no broken used ring left to report
     * and fresh rings holding no rewritten suppression field.
     */
    private void initialised(CallResult result) {
        run.driver = (VirtioBlkDevice) result.value();
        run.ringBrokenUnreported = false;
        run.suppressionLied = false;
    }

    /** After a successful initialisation: what the driver negotiated, describes and holds, and its handshake. */
    private void checkInitialised(Where where) {
        initialisation.checkFeatures(where);
        info.check(where);
        memory.afterInitialisation(where);
        machine.checkHandshake(where);
    }

    private void initialise(Where where, boolean open) {
        List<String> mustFail = initialisation.mustFailReasons(open);
        List<String> mayFail = initialisation.mayFailReasons();
        CallResult result = openOrReset(where, open);
        if (!result.completed()) {
            return;
        }
        if (result.succeeded()) {
            initialised(result);
            fatal.reset();
            initialisation.succeeded(where, mustFail);
            checkInitialised(where);
        } else {
            initialisation.failed(where, result.error(), mustFail, mayFail);
            if (!open) {
                fatal.resetFailed(result.error().kind());
            }
        }
    }

    private void call(Where where, ScenarioStep.DriverCall step) {
        if (step instanceof ScenarioStep.Batch batch) {
            batch(where, batch);
            return;
        }
        VirtioBlkDevice device = run.driver;
        if (step instanceof ScenarioStep.ZoneCall && device.zoned().isEmpty()) {
            return; // no zoned interface to call: DeviceInfoCheck judges whether there should be one
        }
        byte[] buffer = step instanceof ScenarioStep.Read read ? new byte[read.count() * 512] : null;
        ErrorKind sticky = fatal.current();
        Set<ErrorKind> refusals = sticky == null ? refusal.refusals(step) : Set.of();
        boolean quiet = run.quiet();
        boolean ringBrokenBefore = run.ringBrokenUnreported;
        long startTime = run.platform.clock().now();
        CallResult result = invoke(where, () -> {
            if (step instanceof ScenarioStep.Read read) {
                device.readAt(read.sector(), buffer);
            } else if (step instanceof ScenarioStep.Write write) {
                device.writeAt(write.sector(), write.data());
            } else if (step instanceof ScenarioStep.Flush) {
                device.flush();
            } else if (step instanceof ScenarioStep.WriteZeroes zeroes) {
                device.writeZeroes(zeroes.sector(), zeroes.count());
            } else if (step instanceof ScenarioStep.Discard discard) {
                device.discard(discard.sector(), discard.count());
            } else if (step instanceof ScenarioStep.SecureErase erase) {
                device.secureErase(erase.sector(), erase.count());
            } else if (step instanceof ScenarioStep.GetId) {
                return device.deviceIdString();
            } else if (step instanceof ScenarioStep.GetLifetime) {
                return device.lifetime();
            } else if (step instanceof ScenarioStep.ZoneCall zone) {
                return zoneCall(device.zoned().orElseThrow(), zone);
            }
            return null;
        });
        if (!result.completed()) {
            return;
        }
        List<Seen> seen = run.recorder.seen();
        run.deviceSaw = seen;
        time.checkCall(where, result, seen.size(), run.platform.clock().now() - startTime, sticky != null);
        judge.judge(new CallObservation(where, step, result, seen, buffer, refusals, sticky, quiet, null, ringBrokenBefore));
        if (run.queueResetInCall()) {
            memory.afterQueueReset(where);
        } else if (result.succeeded() && sticky == null) {
            memory.afterCall(where, "call");
        }
        if (!result.succeeded() && sticky == null) {
            // The call reports the error of its earliest failed request; the device stays unusable
            // with the first fatal error it met in time, which with several requests in flight may
            // be another request's, unless its queue was reset alone.
            ErrorKind kind = result.error().kind();
            recovery.requireQueueReset(where, kind, quiet, seen, ringBrokenBefore || run.deviceBrokeTheRing());
            if (!recovery.endedByQueueReset(kind)) {
                fatal.failed(kind, device.fatalError().map(BlockDeviceException::kind).orElse(kind));
            }
        }
    }

    /** Makes a zone call; gives the zones of a report, the sector of an append, null otherwise. */
    private static Object zoneCall(ZonedBlockDevice zones, ScenarioStep.ZoneCall call) {
        switch (call.command()) {
            case REPORT -> {
                return zones.reportZones(call.sector(), call.count());
            }
            case APPEND -> {
                return zones.zoneAppend(call.sector(), call.data());
            }
            case OPEN -> zones.openZone(call.sector());
            case CLOSE -> zones.closeZone(call.sector());
            case FINISH -> zones.finishZone(call.sector());
            case RESET -> zones.resetZone(call.sector());
            case RESET_ALL -> zones.resetAllZones();
        }
        return null;
    }

    /**
     * Submits every call of the batch through the asynchronous interface, waits for them all, and
     * judges each as a call of its own, with the requests {@link RequestAttribution} gives it.
     */
    private void batch(Where where, ScenarioStep.Batch batch) {
        VirtioBlkDevice device = run.driver;
        boolean quiet = run.quiet();
        boolean ringBrokenBefore = run.ringBrokenUnreported;
        boolean stickyBefore = fatal.current() != null;
        List<BatchCall> submitted = new ArrayList<>();
        long startTime = run.platform.clock().now();
        CallResult waited = invoke(where, () -> {
            for (ScenarioStep.DriverCall call : batch.calls()) {
                submitted.add(submit(device, call));
            }
            List<RequestHandle> handles = submitted.stream().map(BatchCall::handle).filter(Objects::nonNull).toList();
            return device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
        });
        if (!waited.completed()) {
            return;
        }
        long elapsed = run.platform.clock().now() - startTime;
        @SuppressWarnings("unchecked")
        List<Completion> done = waited.error() == null ? (List<Completion>) waited.value() : List.of();
        if (waited.error() != null) {
            completions.waitFailed(where, waited.error());
        }
        Map<RequestHandle, Completion> byHandle = completions.byHandle(where, submitted, done);
        completions.checkOutstanding(where, device.outstanding());
        List<Seen> seen = run.recorder.seen();
        run.deviceSaw = seen;
        List<CallResult> results = submitted.stream().map(call -> call.resultOf(byHandle.get(call.handle()))).toList();
        List<List<Seen>> groups = attribution.attribute(where, submitted, results, seen);
        BlockDeviceException fatalInBatch = stickyBefore ? null : device.fatalError().orElse(null);
        boolean allSucceeded = true;
        boolean anyTimeout = false;
        for (int i = 0; i < submitted.size(); i++) {
            BatchCall call = submitted.get(i);
            CallResult result = results.get(i);
            if (result == null) {
                allSucceeded = false;
                continue;
            }
            allSucceeded &= result.succeeded();
            anyTimeout |= !result.succeeded() && result.error().kind() == ErrorKind.TIMEOUT && call.stickyAtSubmit() == null;
            Where callWhere = where.call(i, call.call());
            judge.judge(new CallObservation(callWhere, call.call(), result, groups.get(i), call.buffer(), call.refusals(),
                    call.stickyAtSubmit(), quiet, fatalInBatch, ringBrokenBefore));
            fatal.checkBatchCall(callWhere, result, device.fatalError().isEmpty() && !run.queueResetInCall());
        }
        int unseen = 0;
        for (int i = 0; i < submitted.size(); i++) {
            if (submitted.get(i).refused() == null && !attribution.covers(submitted.get(i).call(), groups.get(i))) {
                unseen++;
            }
        }
        time.checkBatch(where, seen.size() + unseen, elapsed, anyTimeout);
        if (run.queueResetInCall()) {
            memory.afterQueueReset(where);
        } else if (allSucceeded && !stickyBefore) {
            memory.afterCall(where, "batch");
        }
        if (fatalInBatch != null) {
            fatal.failed(fatalInBatch.kind(), fatalInBatch.kind());
        }
    }

    /** Submits one call of a batch, noting what it was due at that moment. */
    private BatchCall submit(VirtioBlkDevice device, ScenarioStep.DriverCall call) {
        ErrorKind stickyNow = device.fatalError().map(BlockDeviceException::kind).orElse(null);
        Set<ErrorKind> refusals = stickyNow == null ? refusal.refusals(call) : Set.of();
        byte[] buffer = call instanceof ScenarioStep.Read read ? new byte[read.count() * 512]
                : call instanceof ScenarioStep.GetId ? new byte[AsyncBlockDevice.ID_BYTES]
                : call instanceof ScenarioStep.GetLifetime ? new byte[AsyncBlockDevice.LIFETIME_BYTES] : null;
        try {
            RequestHandle handle;
            if (call instanceof ScenarioStep.Read read) {
                handle = device.submitRead(read.sector(), buffer);
            } else if (call instanceof ScenarioStep.Write write) {
                handle = device.submitWrite(write.sector(), write.data());
            } else if (call instanceof ScenarioStep.Flush) {
                handle = device.submitFlush();
            } else if (call instanceof ScenarioStep.WriteZeroes zeroes) {
                handle = device.submitWriteZeroes(zeroes.sector(), zeroes.count());
            } else if (call instanceof ScenarioStep.Discard discard) {
                handle = device.submitDiscard(discard.sector(), discard.count());
            } else if (call instanceof ScenarioStep.SecureErase erase) {
                handle = device.submitSecureErase(erase.sector(), erase.count());
            } else if (call instanceof ScenarioStep.GetLifetime) {
                handle = device.submitGetLifetime(buffer);
            } else {
                handle = device.submitGetId(buffer);
            }
            return new BatchCall(call, buffer, refusals, stickyNow, handle, null);
        } catch (BlockDeviceException e) {
            return new BatchCall(call, buffer, refusals, stickyNow, null, e);
        }
    }

    /** Switches every fault off, then {@code reset()} (or {@code open()}) and a round trip must work. */
    private void recover() {
        run.clearFaults();
        Where where = RecoveryCheck.WHERE;
        boolean open = run.driver == null;
        CallResult result = openOrReset(where, open);
        if (!result.completed() || !recovery.initialised(open, result)) {
            return;
        }
        initialised(result);
        checkInitialised(where);
        roundTrip(where);
    }

    private void roundTrip(Where where) {
        long capacity = run.fake.capacitySectors();
        VirtioBlkDevice device = run.driver;
        if (capacity == 0) {
            CallResult id = invoke(where, device::deviceIdString);
            if (id.completed()) {
                recovery.id(id);
            }
            return;
        }
        // A zoned device's first zone is conventional: written anywhere, whatever the state of the zones.
        long sector = run.scenario.zoned().zoned() ? 0 : capacity - 1;
        byte[] data = new ScenarioStep.Write(sector, 1, 0x5a).data();
        if (!run.spec.readOnly()) {
            CallResult write = invoke(where, () -> {
                device.writeAt(sector, data);
                return null;
            });
            if (!write.completed() || !recovery.written(write)) {
                return;
            }
        }
        byte[] back = new byte[512];
        CallResult read = invoke(where, () -> {
            device.readAt(sector, back);
            return null;
        });
        if (read.completed()) {
            recovery.read(read, sector, data, back);
        }
    }
}
