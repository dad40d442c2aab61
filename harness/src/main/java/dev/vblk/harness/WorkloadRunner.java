package dev.vblk.harness;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.workload.Step;
import dev.vblk.workload.Workload;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Performs a workload's steps on a driver session, in order, going on after a step the device
 * failed: such a failure is an outcome to record, not the end of the run. A step that fails because
 * the platform failed (QEMU exited, {@code PLATFORM_ERROR}) or with anything but a block device
 * error (the trace cannot be written) stops the run: every later step would fail the same way.
 * Calls still submitted when the steps are done are waited for, so that every submission's
 * completion is in the trace. A {@code stream} step is performed by a {@link StreamStep}.
 *
 * <p>With a thread per queue ({@link ThreadPerQueueRun}) a runner of this kind performs each
 * thread's steps.
 */
final class WorkloadRunner {

    private final DriverSession session;
    private final List<String> devices;
    private final Shared shared;
    private final List<StepResult> results = new ArrayList<>();
    private int selected;
    private int selectedQueue;
    /** Every device or queue name calls were submitted on, in order: what may have calls outstanding at the end. */
    private final Set<String> submittedOn = new LinkedHashSet<>();
    private int operations;
    private int failures;
    private long dataBytes;

    WorkloadRunner(DriverSession session, Shared shared) {
        this.session = session;
        this.shared = shared;
        this.devices = session.deviceNames();
    }

    /**
     * What the runners of one run share, each use on any thread: where read bytes go (with the files
     * saved to so far, so that only a file's first read replaces it) and who is told of each step.
     */
    static final class Shared {
        private final ReadSink reads;
        private final Consumer<StepResult> onStep;
        private final Set<Path> savedTo = new HashSet<>();

        Shared(ReadSink reads, Consumer<StepResult> onStep) {
            this.reads = reads;
            this.onStep = onStep;
        }

        synchronized void save(Step.Read read, byte[] data) {
            reads.save(read, read.save().map(savedTo::add).orElse(true), data);
        }

        synchronized void done(StepResult result) {
            onStep.accept(result);
        }
    }

    /** The outcome of the steps: results, operations made (as {@link RunSummary} counts them, without the discovery), failed operations, bytes moved. */
    record Outcome(List<StepResult> results, int operations, int failures, long dataBytes) {}

    /**
     * Performs the steps, giving the bytes of each read step that succeeded to {@code reads}.
     *
     * @throws StoppedRun if a step failed in a way that stops the run
     */
    static Outcome run(DriverSession session, Workload workload, Consumer<StepResult> onStep, ReadSink reads) {
        WorkloadRunner runner = new WorkloadRunner(session, new Shared(reads, onStep));
        List<Step> steps = workload.steps();
        for (int index = 0; index < steps.size(); index++) {
            runner.performAndTell(index, steps.get(index));
        }
        for (String device : runner.submittedOn) {
            runner.waitForOutstanding(runner.results.size(), device);
        }
        return runner.outcome();
    }

    /** Every device or queue name calls were submitted on, in order: what may have calls outstanding at the end. */
    Set<String> submittedOn() {
        return submittedOn;
    }

    /** What this runner's steps came to so far. */
    Outcome outcome() {
        return new Outcome(results, operations, failures, dataBytes);
    }

    /** Performs step {@code index} and tells of its result. */
    void performAndTell(int index, Step step) {
        perform(index, step);
        shared.done(results.get(results.size() - 1));
    }

    /** Waits for the calls still submitted on {@code device}, if any, as step {@code index}, and tells of it. */
    void waitForOutstanding(int index, String device) {
        if (!session.outstanding(device).isEmpty()) {
            complete(index, new Step.Wait(false), device);
            shared.done(results.get(results.size() - 1));
        }
    }

    /** Whether {@code step} selects a device or queue (and makes no call). */
    boolean selects(Step step) {
        return step instanceof Step.SelectDevice || step instanceof Step.SelectQueue;
    }

    /** The name of the device or request queue the steps now go to. */
    String selectedName() {
        return DriverSession.queueName(devices.get(selected), selectedQueue);
    }

    /** A runner of its own for the device or queue this one has selected. */
    WorkloadRunner on(Shared shared) {
        WorkloadRunner runner = new WorkloadRunner(session, shared);
        runner.selected = selected;
        runner.selectedQueue = selectedQueue;
        return runner;
    }

    /** The step that stopped a run, and why. */
    static final class StoppedRun extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient StepResult step;

        StoppedRun(StepResult step, RuntimeException cause) {
            super("step " + (step.index() + 1) + " '" + step.step() + "' failed: " + step.failure().orElseThrow(), cause);
            this.step = step;
        }

        /** The step, with its failure. */
        StepResult step() {
            return step;
        }
    }

    private void perform(int index, Step step) {
        if (step instanceof Step.SelectDevice select) {
            selected = select.index();
            selectedQueue = 0;
            results.add(new StepResult(index, step.toText(), "", deviceMissing()));
            return;
        }
        if (step instanceof Step.SelectQueue select) {
            selectedQueue = select.index();
            results.add(new StepResult(index, step.toText(), "", deviceMissing().or(this::queueMissing)));
            return;
        }
        Optional<String> missing = deviceMissing().or(this::queueMissing);
        if (missing.isPresent()) {
            results.add(new StepResult(index, step.toText(), "", missing));
            return;
        }
        String device = selectedName();
        if (step instanceof Step.Submit submit) {
            submit(index, step, device, operation(submit.call(), device));
            return;
        }
        if (step instanceof Step.Wait || step instanceof Step.Poll) {
            complete(index, step, device);
            return;
        }
        if (step instanceof Step.StreamRead || step instanceof Step.StreamWrite) {
            stream(index, step, device);
            return;
        }
        BlockOperation operation = operation(step, device);
        operations++;
        byte[] returned;
        try {
            returned = session.perform(operation);
            dataBytes += operation.kind() == OperationKind.WRITE ? operation.payload().length
                    : operation.kind() == OperationKind.READ ? returned.length : 0;
            results.add(new StepResult(index, step.toText(), device, Optional.empty()));
        } catch (RuntimeException e) {
            failed(index, step, device, e);
            return;
        }
        if (step instanceof Step.Read read) {
            shared.save(read, returned);
        }
    }

    /** Records a failed step; a failure of the platform, or of anything but the device, stops the run. */
    private void failed(int index, Step step, String device, RuntimeException e) {
        failures++;
        StepResult failed = new StepResult(index, step.toText(), device, Optional.of(describe(e)));
        results.add(failed);
        if (!(e instanceof BlockDeviceException blockError) || blockError.kind() == ErrorKind.PLATFORM_ERROR) {
            throw new StoppedRun(failed, e);
        }
    }

    /** Performs a {@code stream} step ({@link StreamStep}) and counts what it made. */
    private void stream(int index, Step step, String device) {
        StreamStep stream = new StreamStep(session, shared::save, index, step, device);
        submittedOn.add(device);
        StepResult result = stream.perform();
        operations += stream.operations();
        failures += stream.failures();
        dataBytes += stream.dataBytes();
        results.add(result);
    }

    private void submit(int index, Step step, String device, BlockOperation operation) {
        operations++;
        submittedOn.add(device);
        try {
            session.submit(operation);
            results.add(new StepResult(index, step.toText(), device, Optional.empty()));
        } catch (RuntimeException e) {
            failed(index, step, device, e);
        }
    }

    /** Takes completions; the step fails, naming them, when any of the calls it completes failed. */
    private void complete(int index, Step step, String device) {
        operations++;
        OperationKind kind = step instanceof Step.Poll ? OperationKind.POLL
                : ((Step.Wait) step).any() ? OperationKind.WAIT_ANY : OperationKind.WAIT_ALL;
        List<DriverSession.SessionCompletion> completions;
        try {
            completions = session.complete(kind, device, session.outstanding(device), AsyncBlockDevice.NO_TIME_BUDGET);
        } catch (RuntimeException e) {
            failed(index, step, device, e);
            return;
        }
        List<String> failed = new ArrayList<>();
        boolean platformFailed = false;
        for (DriverSession.SessionCompletion completion : completions) {
            dataBytes += completion.data().length;
            if (completion.failed() && completion.outcome() instanceof OperationOutcome.Failed failure) {
                failed.add("call " + completion.ticket() + " " + failure.errorKind() + ": " + failure.message());
                platformFailed |= failure.errorKind().equals(ErrorKind.PLATFORM_ERROR.name());
            }
        }
        failures += failed.size();
        StepResult result = new StepResult(index, step.toText() + " (" + completions.size() + " completed)", device,
                failed.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", failed)));
        results.add(result);
        if (platformFailed) {
            throw new StoppedRun(result, new IllegalStateException(result.failure().orElseThrow()));
        }
    }

    /** Why the selected request queue takes no call, if it does not: the driver did not set it up. */
    Optional<String> queueMissing() {
        String device = devices.get(selected);
        if (session.device(DriverSession.queueName(device, selectedQueue)).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("no request queue #" + selectedQueue + " on " + device + ": the driver set up "
                + session.queueCount(device) + " (allow more with --queues, and give QEMU's device as many with "
                + "--device-property num-queues=N)");
    }

    /** Why the selected device takes no call, if it does not: the scan did not find it. */
    Optional<String> deviceMissing() {
        if (selected < devices.size()) {
            return Optional.empty();
        }
        return Optional.of("no block device #" + selected + ": the scan found " + devices.size()
                + (devices.isEmpty() ? "" : " " + devices));
    }

    static BlockOperation operation(Step step, String device) {
        if (step instanceof Step.Read read) {
            return BlockOperation.read(device, read.sector(), read.count());
        } else if (step instanceof Step.Write write) {
            return BlockOperation.write(device, write.sector(), write.bytes());
        } else if (step instanceof Step.Flush) {
            return BlockOperation.simple(OperationKind.FLUSH, device);
        } else if (step instanceof Step.Discard discard) {
            return BlockOperation.range(OperationKind.DISCARD, device, discard.sector(), discard.count());
        } else if (step instanceof Step.WriteZeroes zeroes) {
            return BlockOperation.range(OperationKind.WRITE_ZEROES, device, zeroes.sector(), zeroes.count());
        } else if (step instanceof Step.SecureErase erase) {
            return BlockOperation.range(OperationKind.SECURE_ERASE, device, erase.sector(), erase.count());
        } else if (step instanceof Step.GetId) {
            return BlockOperation.simple(OperationKind.GET_ID, device);
        } else if (step instanceof Step.GetLifetime) {
            return BlockOperation.simple(OperationKind.GET_LIFETIME, device);
        } else if (step instanceof Step.ZoneReport report) {
            return BlockOperation.zoneReport(device, report.sector(), report.count());
        } else if (step instanceof Step.ZoneCommand command) {
            return BlockOperation.zone(switch (command.action()) {
                case OPEN -> OperationKind.ZONE_OPEN;
                case CLOSE -> OperationKind.ZONE_CLOSE;
                case FINISH -> OperationKind.ZONE_FINISH;
                case RESET -> OperationKind.ZONE_RESET;
            }, device, command.zoneStart());
        } else if (step instanceof Step.ZoneResetAll) {
            return BlockOperation.simple(OperationKind.ZONE_RESET_ALL, device);
        } else if (step instanceof Step.ZoneAppend append) {
            return BlockOperation.zoneAppend(device, append.zoneStart(), append.bytes());
        } else if (step instanceof Step.Reset) {
            return BlockOperation.simple(OperationKind.RESET, device);
        } else if (step instanceof Step.QueueReset) {
            return BlockOperation.simple(OperationKind.QUEUE_RESET, device);
        }
        throw new IllegalArgumentException(step.toText() + " is not a call on a device");
    }

    /** A failure's one-line description: its error kind (or exception type) and message. */
    static String describe(RuntimeException e) {
        String kind = e instanceof BlockDeviceException blockError ? blockError.kind().name() : e.getClass().getSimpleName();
        return kind + ": " + e.getMessage();
    }
}
