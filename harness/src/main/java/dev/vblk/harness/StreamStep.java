package dev.vblk.harness;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.workload.Step;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * One {@code stream} step of a workload: its calls submitted while fewer than
 * {@link Step#STREAM_DEPTH} are in flight, the oldest {@link #STREAM_WAIT} waited for together (one
 * notification of the device for as many calls), a read's bytes saved in submission order, so they
 * are saved in order while the device works on the calls after them. A call that fails is named in
 * the step's failure and the step goes on. The operations, failed calls and bytes it made are counted
 * for the {@link WorkloadRunner} that performs it.
 */
final class StreamStep {

    /** How many of a stream step's oldest calls one wait takes: half of those in flight. */
    private static final int STREAM_WAIT = Step.STREAM_DEPTH / 2;

    private final DriverSession session;
    private final BiConsumer<Step.Read, byte[]> save;
    private final int index;
    private final Step step;
    private final String device;
    private final Step.StreamRead read;
    private final Step.StreamWrite write;
    private final long first;
    private final long end;
    private int operations;
    private int failures;
    private long dataBytes;

    /**
     * The stream step {@code step}, step {@code index} of its workload, on {@code device}; the bytes of
     * its reads go to {@code save}.
     *
     * @throws OutsideDeviceException if the step's sectors pass the end of the device
     */
    StreamStep(DriverSession session, BiConsumer<Step.Read, byte[]> save, int index, Step step, String device) {
        this.session = session;
        this.save = save;
        this.index = index;
        this.step = step;
        this.device = device;
        this.read = step instanceof Step.StreamRead r ? r : null;
        this.write = step instanceof Step.StreamWrite w ? w : null;
        this.first = read != null ? read.sector() : write.sector();
        this.end = first + (read != null ? read.count() : write.count());
        long capacity = session.device(device).orElseThrow().capacitySectors();
        if (end > capacity) {
            throw new OutsideDeviceException(step.toText(), end - 1, device, capacity);
        }
    }

    /** Operations the step made: one per call. */
    int operations() {
        return operations;
    }

    /** Calls (and waits) of the step that failed. */
    int failures() {
        return failures;
    }

    /** Bytes moved by the step's calls that succeeded. */
    long dataBytes() {
        return dataBytes;
    }

    /**
     * Performs the step.
     *
     * @return its result, failed naming the calls that failed, if any
     * @throws WorkloadRunner.StoppedRun if a call failed because the platform failed, or a wait failed
     *     with anything but a block device error (the exception holds the step's result)
     * @throws HarnessException if a stream write's file cannot be read
     */
    StepResult perform() {
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
                        failed.add(callText(read != null, next, sectors) + " " + WorkloadRunner.describe(e));
                        stopIf(e.kind() == ErrorKind.PLATFORM_ERROR, failed, e);
                    }
                    next += sectors;
                }
                List<StreamCall> oldest = new ArrayList<>();
                while (!inFlight.isEmpty() && oldest.size() < STREAM_WAIT) {
                    oldest.add(inFlight.poll());
                }
                if (!oldest.isEmpty() && streamed(oldest, failed)) {
                    oldest.forEach(call -> buffers.push(call.buffer()));
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new HarnessException("cannot read the data of '" + step.toText() + "': " + e.getMessage(), e);
        }
        failures += failed.count();
        return new StepResult(index, step.toText(), device, failed.isEmpty() ? Optional.empty() : Optional.of(failed.text()));
    }

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
     * Waits for calls of the step and takes their completions in submission order: a read's bytes
     * saved, a failure named.
     *
     * @return whether the completions were delivered (the calls' buffers are then free again)
     */
    private boolean streamed(List<StreamCall> calls, CallFailures failed) {
        Map<Long, DriverSession.SessionCompletion> completions = new HashMap<>();
        try {
            for (DriverSession.SessionCompletion completion : session.complete(OperationKind.WAIT_ALL, device,
                    calls.stream().map(StreamCall::ticket).toList(), AsyncBlockDevice.NO_TIME_BUDGET)) {
                completions.put(completion.ticket(), completion);
            }
        } catch (RuntimeException e) {
            failed.add("wait for " + calls.size() + " call(s) from " + callText(read != null, calls.get(0).sector(),
                    calls.get(0).count()) + " " + WorkloadRunner.describe(e));
            stopIf(!(e instanceof BlockDeviceException blockError) || blockError.kind() == ErrorKind.PLATFORM_ERROR,
                    failed, e);
            return false;
        }
        for (StreamCall call : calls) {
            DriverSession.SessionCompletion completion = completions.get(call.ticket());
            if (completion.failed() && completion.outcome() instanceof OperationOutcome.Failed failure) {
                failed.add(callText(read != null, call.sector(), call.count()) + " " + failure.errorKind() + ": "
                        + failure.message());
                stopIf(failure.errorKind().equals(ErrorKind.PLATFORM_ERROR.name()), failed, null);
            } else if (read != null) {
                dataBytes += completion.data().length;
                save.accept(new Step.Read(call.sector(), call.count(), read.save()), completion.data());
            } else {
                dataBytes += (long) call.count() * BlockDevice.SECTOR_SIZE;
            }
        }
        return true;
    }

    /**
     * Stops the run at the step, with the failures of its calls so far, when {@code stops}: a call
     * failed because the platform failed, or a wait failed with anything but a block device error.
     */
    private void stopIf(boolean stops, CallFailures failed, RuntimeException cause) {
        if (!stops) {
            return;
        }
        StepResult result = new StepResult(index, step.toText(), device, Optional.of(failed.text()));
        throw new WorkloadRunner.StoppedRun(result,
                cause != null ? cause : new IllegalStateException(result.failure().orElseThrow()));
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
}
