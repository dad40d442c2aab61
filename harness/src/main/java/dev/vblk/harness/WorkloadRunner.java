package dev.vblk.harness;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.workload.Step;
import dev.vblk.workload.Workload;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Performs a workload's steps on a driver session, in order, going on after a step the device
 * failed: such a failure is an outcome to record, not the end of the run. A step that fails because
 * the platform failed (QEMU exited, {@code PLATFORM_ERROR}) or with anything but a block device
 * error (the trace cannot be written) stops the run: every later step would fail the same way.
 * Calls still submitted when the steps are done are waited for, so that every submission's
 * completion is in the trace. A {@code stream} step keeps {@link Step#STREAM_DEPTH} calls in flight
 * and waits for each in submission order, so its reads are saved in order while the device works on
 * the calls after them.
 *
 * <p>With a thread per queue ({@link #runThreadPerQueue}) the steps for each device or request queue
 * run, in their order, on a thread of their own, all those threads at once; the {@code device} and
 * {@code queue} steps only say which thread a step goes to.
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

    private WorkloadRunner(DriverSession session, Shared shared) {
        this.session = session;
        this.shared = shared;
        this.devices = session.deviceNames();
    }

    /**
     * What the runners of one run share, each use on any thread: where read bytes go (with the files
     * saved to so far, so that only a file's first read replaces it) and who is told of each step.
     */
    private static final class Shared {
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

    /**
     * Performs the steps with a thread per device or request queue: the steps for one run in order on
     * its thread, the threads at once. A step on a device or queue the scan did not find reaches no
     * thread and fails, as in {@link #run}. Each thread waits for the calls it left submitted; those
     * waits come after the workload's steps in the results, in the order the threads were first named.
     *
     * @throws IllegalArgumentException if the workload has a {@code reset} step
     *     ({@link RecordRun#threadPerQueueRefusal})
     * @throws StoppedRun if a step failed in a way that stops the run (the first thread's to fail so,
     *     once every thread has ended)
     */
    static Outcome runThreadPerQueue(DriverSession session, Workload workload, Consumer<StepResult> onStep,
            ReadSink reads) {
        RecordRun.threadPerQueueRefusal(workload).ifPresent(why -> {
            throw new IllegalArgumentException(why);
        });
        Shared shared = new Shared(reads, onStep);
        WorkloadRunner selections = new WorkloadRunner(session, shared);
        Map<String, Lane> lanes = new LinkedHashMap<>();
        List<Step> steps = workload.steps();
        for (int index = 0; index < steps.size(); index++) {
            Step step = steps.get(index);
            if (selections.selects(step) || selections.deviceMissing().or(selections::queueMissing).isPresent()) {
                selections.performAndTell(index, step);
            } else {
                lanes.computeIfAbsent(selections.selectedName(), name -> new Lane(selections.on(shared)))
                        .steps().put(index, step);
            }
        }
        List<Thread> threads = new ArrayList<>();
        int waitIndex = steps.size();
        for (Map.Entry<String, Lane> entry : lanes.entrySet()) {
            Lane lane = entry.getValue();
            int finalWait = waitIndex++;
            Thread thread = new Thread(() -> lane.run(finalWait), "vblk-" + entry.getKey());
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            joinUninterruptibly(thread);
        }
        List<WorkloadRunner> runners = new ArrayList<>(List.of(selections));
        for (Lane lane : lanes.values()) {
            if (lane.failure() != null) {
                throw lane.failure();
            }
            runners.add(lane.runner());
        }
        return merged(runners, steps.size());
    }

    /** One thread's part of a run: the steps for one device or queue, by index, and what stopped it. */
    private static final class Lane {
        private final WorkloadRunner runner;
        private final Map<Integer, Step> steps = new LinkedHashMap<>();
        private RuntimeException failure;

        Lane(WorkloadRunner runner) {
            this.runner = runner;
        }

        WorkloadRunner runner() {
            return runner;
        }

        Map<Integer, Step> steps() {
            return steps;
        }

        RuntimeException failure() {
            return failure;
        }

        /** Performs the steps, then waits for the calls left submitted as step {@code finalWait}. */
        void run(int finalWait) {
            try {
                steps.forEach(runner::performAndTell);
                for (String device : runner.submittedOn) {
                    runner.waitForOutstanding(finalWait, device);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
    }

    private static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The outcome of several runners' steps: their results in step order, the waits after the
     * workload's {@code stepCount} steps numbered on from it.
     */
    private static Outcome merged(List<WorkloadRunner> runners, int stepCount) {
        List<StepResult> results = new ArrayList<>();
        int operations = 0;
        int failures = 0;
        long dataBytes = 0;
        for (WorkloadRunner runner : runners) {
            results.addAll(runner.results);
            operations += runner.operations;
            failures += runner.failures;
            dataBytes += runner.dataBytes;
        }
        results.sort(Comparator.comparingInt(StepResult::index));
        for (int i = stepCount; i < results.size(); i++) {
            StepResult wait = results.get(i);
            results.set(i, new StepResult(i, wait.step(), wait.device(), wait.failure()));
        }
        return new Outcome(results, operations, failures, dataBytes);
    }

    private Outcome outcome() {
        return new Outcome(results, operations, failures, dataBytes);
    }

    /** Performs step {@code index} and tells of its result. */
    private void performAndTell(int index, Step step) {
        perform(index, step);
        shared.done(results.get(results.size() - 1));
    }

    /** Waits for the calls still submitted on {@code device}, if any, as step {@code index}, and tells of it. */
    private void waitForOutstanding(int index, String device) {
        if (!session.outstanding(device).isEmpty()) {
            complete(index, new Step.Wait(false), device);
            shared.done(results.get(results.size() - 1));
        }
    }

    /** Whether {@code step} selects a device or queue (and makes no call). */
    private boolean selects(Step step) {
        return step instanceof Step.SelectDevice || step instanceof Step.SelectQueue;
    }

    /** The name of the device or request queue the steps now go to. */
    private String selectedName() {
        return DriverSession.queueName(devices.get(selected), selectedQueue);
    }

    /** A runner of its own for the device or queue this one has selected. */
    private WorkloadRunner on(Shared shared) {
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

    /** How many of a stream step's oldest calls one wait takes: half of those in flight. */
    private static final int STREAM_WAIT = Step.STREAM_DEPTH / 2;

    /** The failed calls of a stream step: how many, and the first {@link #NAMED} named. */
    private static final class CallFailures {
        static final int NAMED = 10;
        private final List<String> named = new ArrayList<>();
        private long count;

        void add(String failure) {
            if (named.size() < NAMED) {
                named.add(failure);
            }
            count++;
        }

        boolean isEmpty() {
            return count == 0;
        }

        int count() {
            return (int) Math.min(count, Integer.MAX_VALUE);
        }

        String text() {
            return String.join("; ", named) + (count > named.size() ? "; and " + (count - named.size()) + " more" : "");
        }
    }

    /** One call of a stream step in flight: its ticket, the sectors it moves, and the buffer of its bytes. */
    private record StreamCall(long ticket, long sector, int count, byte[] buffer) {}

    /**
     * Performs a stream step: its calls submitted while fewer than {@link Step#STREAM_DEPTH} are in
     * flight, the oldest {@link #STREAM_WAIT} waited for together (one notification of the device
     * for as many calls), a read's bytes saved in submission order.
     * A call that fails is named in the step's failure and the step goes on.
     *
     * @throws OutsideDeviceException if the step's sectors pass the end of the device
     */
    private void stream(int index, Step step, String device) {
        Step.StreamRead read = step instanceof Step.StreamRead r ? r : null;
        Step.StreamWrite write = step instanceof Step.StreamWrite w ? w : null;
        long first = read != null ? read.sector() : write.sector();
        long end = first + (read != null ? read.count() : write.count());
        long capacity = session.device(device).orElseThrow().capacitySectors();
        if (end > capacity) {
            throw new OutsideDeviceException(step.toText(), end - 1, device, capacity);
        }
        submittedOn.add(device);
        CallFailures failed = new CallFailures();
        ArrayDeque<StreamCall> inFlight = new ArrayDeque<>();
        ArrayDeque<byte[]> buffers = new ArrayDeque<>();
        try (FileChannel data = write == null ? null : open(write)) {
            long next = first;
            while (next < end || !inFlight.isEmpty()) {
                while (next < end && inFlight.size() < Step.STREAM_DEPTH) {
                    int sectors = (int) Math.min(Step.STREAM_CALL_SECTORS, end - next);
                    int bytes = sectors * BlockDevice.SECTOR_SIZE;
                    byte[] buffer = buffers.isEmpty() || buffers.peek().length != bytes ? new byte[bytes] : buffers.pop();
                    operations++;
                    try {
                        long ticket = read != null ? session.submitRead(device, next, buffer)
                                : session.submitWrite(device, next, fill(buffer, write, data, next - first));
                        inFlight.add(new StreamCall(ticket, next, sectors, buffer));
                    } catch (BlockDeviceException e) {
                        failed.add(callText(read != null, next, sectors) + " " + describe(e));
                        stopIf(e.kind() == ErrorKind.PLATFORM_ERROR, index, step, device, failed, e);
                    }
                    next += sectors;
                }
                List<StreamCall> oldest = new ArrayList<>();
                while (!inFlight.isEmpty() && oldest.size() < STREAM_WAIT) {
                    oldest.add(inFlight.poll());
                }
                if (!oldest.isEmpty() && streamed(index, step, device, read, oldest, failed)) {
                    oldest.forEach(call -> buffers.push(call.buffer()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new HarnessException("cannot read the data of '" + step.toText() + "': " + e.getMessage(), e);
        }
        failures += failed.count();
        results.add(new StepResult(index, step.toText(), device,
                failed.isEmpty() ? Optional.empty() : Optional.of(failed.text())));
    }

    /**
     * Waits for calls of a stream step and takes their completions in submission order: a read's
     * bytes saved, a failure named.
     *
     * @return whether the completions were delivered (the calls' buffers are then free again)
     */
    private boolean streamed(int index, Step step, String device, Step.StreamRead read, List<StreamCall> calls,
            CallFailures failed) {
        Map<Long, DriverSession.SessionCompletion> completions = new HashMap<>();
        try {
            for (DriverSession.SessionCompletion completion : session.complete(OperationKind.WAIT_ALL, device,
                    calls.stream().map(StreamCall::ticket).toList(), AsyncBlockDevice.NO_TIME_BUDGET)) {
                completions.put(completion.ticket(), completion);
            }
        } catch (RuntimeException e) {
            failed.add("wait for " + calls.size() + " call(s) from " + callText(read != null, calls.get(0).sector(),
                    calls.get(0).count()) + " " + describe(e));
            stopIf(!(e instanceof BlockDeviceException blockError) || blockError.kind() == ErrorKind.PLATFORM_ERROR,
                    index, step, device, failed, e);
            return false;
        }
        for (StreamCall call : calls) {
            DriverSession.SessionCompletion completion = completions.get(call.ticket());
            if (completion.failed() && completion.outcome() instanceof OperationOutcome.Failed failure) {
                failed.add(callText(read != null, call.sector(), call.count()) + " " + failure.errorKind() + ": "
                        + failure.message());
                stopIf(failure.errorKind().equals(ErrorKind.PLATFORM_ERROR.name()), index, step, device, failed, null);
            } else if (read != null) {
                dataBytes += completion.data().length;
                shared.save(new Step.Read(call.sector(), call.count(), read.save()), completion.data());
            } else {
                dataBytes += (long) call.count() * BlockDevice.SECTOR_SIZE;
            }
        }
        return true;
    }

    /**
     * Stops the run at a stream step, with the failures of its calls so far, when {@code stops}: a call
     * failed because the platform failed, or a wait failed with anything but a block device error.
     */
    private void stopIf(boolean stops, int index, Step step, String device, CallFailures failed, RuntimeException cause) {
        if (!stops) {
            return;
        }
        failures += failed.count();
        StepResult result = new StepResult(index, step.toText(), device, Optional.of(failed.text()));
        results.add(result);
        throw new StoppedRun(result, cause != null ? cause : new IllegalStateException(result.failure().orElseThrow()));
    }

    private static String callText(boolean read, long sector, int count) {
        return "call " + (read ? "read " : "write ") + sector + " " + count;
    }

    private static FileChannel open(Step.StreamWrite write) throws IOException {
        return FileChannel.open(write.file(), StandardOpenOption.READ);
    }

    /** Fills {@code bytes} from a stream write's file, {@code done} sectors into the step; returns them. */
    private static byte[] fill(byte[] bytes, Step.StreamWrite write, FileChannel file, long done) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long position = write.offset() + done * BlockDevice.SECTOR_SIZE;
        try {
            while (buffer.hasRemaining()) {
                if (file.read(buffer, position + buffer.position()) < 0) {
                    throw new EOFException(write.file() + " ends before byte " + (position + bytes.length));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes;
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

    private Optional<String> queueMissing() {
        String device = devices.get(selected);
        if (session.device(DriverSession.queueName(device, selectedQueue)).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("no request queue #" + selectedQueue + " on " + device + ": the driver set up "
                + session.queueCount(device) + " (allow more with --queues, and give QEMU's device as many with "
                + "--device-property num-queues=N)");
    }

    private Optional<String> deviceMissing() {
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
        } else if (step instanceof Step.GetId) {
            return BlockOperation.simple(OperationKind.GET_ID, device);
        } else if (step instanceof Step.Reset) {
            return BlockOperation.simple(OperationKind.RESET, device);
        }
        throw new IllegalArgumentException(step.toText() + " is not a call on a device");
    }

    private static String describe(RuntimeException e) {
        String kind = e instanceof BlockDeviceException blockError ? blockError.kind().name() : e.getClass().getSimpleName();
        return kind + ": " + e.getMessage();
    }
}
