package dev.vblk.session;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.SlotReport;
import dev.vblk.jfr.InstrumentedZonedBlockDevice;
import dev.vblk.platform.Platform;
import dev.vblk.recorder.RecordingAsyncBlockDevice;
import dev.vblk.recorder.RecordingBlockDevice;
import dev.vblk.recorder.RecordingPlatform;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The driver brought up on a platform the way every run does it, recorded or not: a DISCOVERY
 * operation that scans the board's MMIO window (and PCI bus 0 when the board has a host bridge), then
 * {@link BlockOperation}s on the devices found.
 * Recording, replaying and fuzzing all go through this, so a replay issues exactly the calls the
 * recording made.
 *
 * <p>Once discovered, a session may be used by several threads, each on its own device or request
 * queue ({@link #queueName}), for synchronous calls ({@link #perform}) and for submissions and waits
 * ({@link #submit}, {@link #complete}): the tickets of every thread's calls are kept together.
 */
public final class DriverSession {

    private static final String QUEUE_SUFFIX = "/queue-";

    private final List<SlotReport> reports;
    private final List<PciReport> pciReports;
    private final Map<String, VirtioBlkDevice> drivers = new LinkedHashMap<>();
    private final Map<String, BlockDevice> devices = new LinkedHashMap<>();
    private final Map<String, AsyncBlockDevice> asyncDevices = new LinkedHashMap<>();
    /** The request queues after the first of devices with several, by {@link #queueName}. */
    private final Map<String, BlockDevice> queues = new LinkedHashMap<>();
    /** Every request queue, the first included, by {@link #queueName}: what a QUEUE_RESET resets. */
    private final Map<String, DriverQueue> driverQueues = new LinkedHashMap<>();
    private final Map<Long, Submission> submissions = new LinkedHashMap<>();
    private final Map<Submitted, Long> ticketOf = new HashMap<>();
    private final TraceRecorder recorder;
    private long nextTicket = 1;

    /** A call submitted through the session and not yet completed. */
    private record Submission(String device, OperationKind kind, RequestHandle handle, byte[] buffer) {}

    /** Request queue {@code index} of {@code driver}, looked up when used. */
    private record DriverQueue(VirtioBlkDevice driver, int index) {}

    /** A submitted request as its device names it: the key from a completion back to its ticket. */
    private record Submitted(String device, RequestHandle handle) {}

    /**
     * The completion of a call submitted through the session. The outcome of a read that succeeded
     * holds the SHA-256 of the bytes read: it is worked out when first asked for, so that a caller
     * that only takes the bytes does not pay for it.
     */
    public static final class SessionCompletion {
        private final long ticket;
        private final Submission submission;
        private final Completion completion;
        private OperationOutcome outcome;

        private SessionCompletion(long ticket, Submission submission, Completion completion) {
            this.ticket = ticket;
            this.submission = submission;
            this.completion = completion;
        }

        /** What {@link #submit} returned for the call. */
        public long ticket() {
            return ticket;
        }

        /** The outcome, as a trace records it. */
        public OperationOutcome outcome() {
            if (outcome == null) {
                outcome = completion instanceof Completion.Failed failed
                        ? TraceRecorder.failure(failed.error())
                        : OperationOutcome.Succeeded.ofData(data());
            }
            return outcome;
        }

        /** Whether the call failed (its outcome is then {@link OperationOutcome.Failed}). */
        public boolean failed() {
            return completion instanceof Completion.Failed;
        }

        /** What the call returned (the bytes read, the id string's bytes, the wear report's), empty otherwise. */
        public byte[] data() {
            if (completion instanceof Completion.Succeeded && submission.buffer() != null) {
                return submission.kind() == OperationKind.GET_ID
                        ? AsyncBlockDevice.idString(submission.buffer()).getBytes(StandardCharsets.UTF_8)
                        : submission.buffer();
            }
            return new byte[0];
        }
    }

    private DriverSession(DiscoveryScan scan, TraceRecorder recorder, UnaryOperator<BlockDevice> deviceView) {
        this.reports = List.copyOf(scan.slots());
        this.pciReports = List.copyOf(scan.functions());
        this.recorder = recorder;
        for (SlotReport report : reports) {
            if (report instanceof SlotReport.BoundBlockDevice bound) {
                bind(bound.device(), deviceView);
            }
        }
        for (PciReport report : pciReports) {
            if (report instanceof PciReport.BoundBlockDevice bound) {
                bind(bound.device(), deviceView);
            }
        }
    }

    private void bind(VirtioBlkDevice driver, UnaryOperator<BlockDevice> deviceView) {
        String name = driver.id().toString();
        drivers.put(name, driver);
        BlockDevice viewed = deviceView.apply(driver);
        devices.put(name, recorder == null ? viewed : new RecordingBlockDevice(viewed, recorder));
        asyncDevices.put(name, recorder == null ? driver : new RecordingAsyncBlockDevice(driver, recorder));
        driverQueues.put(name, new DriverQueue(driver, 0));
        for (int index = 1; index < driver.queueCount(); index++) {
            VirtioBlkQueue queue = driver.queue(index);
            String queueName = queueName(name, index);
            BlockDevice queueViewed = deviceView.apply(queue);
            queues.put(queueName, recorder == null ? queueViewed : new RecordingBlockDevice(queueViewed, recorder, queueName));
            asyncDevices.put(queueName, recorder == null ? queue : new RecordingAsyncBlockDevice(queue, recorder, queueName));
            driverQueues.put(queueName, new DriverQueue(driver, index));
        }
    }

    /**
     * The name operations give to request queue {@code index} of device {@code device} when the
     * driver set up several ({@code virtio-blk@0x0a003e00/queue-2}); queue 0 is the device itself.
     * A call on a queue's name is made on that queue ({@link VirtioBlkDevice#queue}), so a session
     * used by several threads gives each its own queue, and a trace says which queue each call used.
     */
    public static String queueName(String device, int index) {
        return index == 0 ? device : device + QUEUE_SUFFIX + index;
    }

    /** Scans the board's window and binds every block device, unrecorded. */
    public static DriverSession discover(Platform platform, BoardParameters board) {
        return discover(platform, board, null, UnaryOperator.identity());
    }

    /**
     * Scans the board's window and binds every block device, recorded: every platform call goes
     * through a {@link RecordingPlatform} into {@code recorder}, and the discovery and each block call
     * are marked as operations. This is how a recorded session is opened.
     */
    public static DriverSession record(Platform platform, BoardParameters board, TraceRecorder recorder) {
        return record(platform, board, recorder, UnaryOperator.identity());
    }

    /**
     * {@link #record(Platform, BoardParameters, TraceRecorder)} with every bound driver seen through
     * {@code deviceView} (inside the recording decorator), for example one that emits Flight Recorder
     * events for every call.
     */
    public static DriverSession record(Platform platform, BoardParameters board, TraceRecorder recorder,
            UnaryOperator<BlockDevice> deviceView) {
        Objects.requireNonNull(recorder, "recorder");
        return discover(new RecordingPlatform(platform, recorder), board, recorder, deviceView);
    }

    /**
     * Scans the board's window and binds every block device.
     *
     * @param recorder where to mark operations, or null for an unrecorded session (the platform
     *     itself is wrapped by the caller when its calls are to be recorded)
     */
    public static DriverSession discover(Platform platform, BoardParameters board, TraceRecorder recorder) {
        return discover(platform, board, recorder, UnaryOperator.identity());
    }

    /**
     * Scans the board's window and binds every block device, seen through {@code deviceView}: a
     * decorator applied to each bound driver (inside the recording decorator, if any), for example one
     * that emits Flight Recorder events for every call.
     *
     * @param recorder where to mark operations, or null for an unrecorded session
     */
    public static DriverSession discover(Platform platform, BoardParameters board, TraceRecorder recorder,
            UnaryOperator<BlockDevice> deviceView) {
        if (recorder == null) {
            return new DriverSession(DiscoveryScan.of(platform, board), null, deviceView);
        }
        DiscoveryScan scan = recorder.recordOperation(OperationKind.DISCOVERY, "", 0, 0, 0, new byte[0],
                () -> DiscoveryScan.of(platform, board), DiscoveryScan::summary);
        return new DriverSession(scan, recorder, deviceView);
    }

    /**
     * The digest input of this session's DISCOVERY operation: the summary of what the scan found,
     * whose SHA-256 a recording stores as the operation's outcome, so a replay can compare its own.
     */
    public byte[] scanSummary() {
        return new DiscoveryScan(reports, pciReports).summary();
    }

    /** What the scan found in each slot. */
    public List<SlotReport> reports() {
        return reports;
    }

    /** What the scan found at each function of PCI bus 0; empty when the board has no host bridge. */
    public List<PciReport> pciReports() {
        return pciReports;
    }

    /** The block devices found, in slot order then PCI address order, by id string. */
    public List<String> deviceNames() {
        return new ArrayList<>(devices.keySet());
    }

    /** How many request queues the driver set up on the device with this id string (0 for no such device). */
    public int queueCount(String device) {
        VirtioBlkDevice driver = drivers.get(device);
        return driver == null ? 0 : driver.queueCount();
    }

    /**
     * The device with this id string, or the request queue with this {@link #queueName} (recording
     * its calls when the session records).
     */
    public Optional<BlockDevice> device(String name) {
        return Optional.ofNullable(devices.getOrDefault(name, queues.get(name)));
    }

    /**
     * Submits one call on a device without waiting for it (READ, WRITE, FLUSH, GET_ID, DISCARD,
     * WRITE_ZEROES, SECURE_ERASE, GET_LIFETIME); its completion comes from a later {@link #complete}.
     *
     * @return the call's ticket, numbered from 1 in submission order
     * @throws dev.vblk.block.BlockDeviceException if the device refuses the call
     * @throws IllegalArgumentException if the operation names a device the scan did not find, or is
     *     not a call on a device
     */
    public long submit(BlockOperation operation) {
        String name = operation.device();
        AsyncBlockDevice device = asyncDevice(name);
        return switch (operation.kind()) {
            case READ -> submitRead(name, operation.sector(), new byte[operation.readLength()]);
            case WRITE -> submitWrite(name, operation.sector(), operation.payload());
            case FLUSH -> track(name, OperationKind.FLUSH, device.submitFlush(), null);
            case DISCARD -> track(name, OperationKind.DISCARD,
                    device.submitDiscard(operation.sector(), operation.sectorCount()), null);
            case WRITE_ZEROES -> track(name, OperationKind.WRITE_ZEROES,
                    device.submitWriteZeroes(operation.sector(), operation.sectorCount()), null);
            case SECURE_ERASE -> track(name, OperationKind.SECURE_ERASE,
                    device.submitSecureErase(operation.sector(), operation.sectorCount()), null);
            case GET_ID -> {
                byte[] buffer = new byte[AsyncBlockDevice.ID_BYTES];
                yield track(name, OperationKind.GET_ID, device.submitGetId(buffer), buffer);
            }
            case GET_LIFETIME -> {
                byte[] buffer = new byte[AsyncBlockDevice.LIFETIME_BYTES];
                yield track(name, OperationKind.GET_LIFETIME, device.submitGetLifetime(buffer), buffer);
            }
            default -> throw new IllegalArgumentException(operation.kind() + " cannot be submitted");
        };
    }

    /**
     * Submits a READ of {@code buffer.length / 512} sectors into the caller's {@code buffer}, which
     * belongs to the device until the completion is delivered and may then be used again: a caller
     * moving much data keeps a few buffers rather than one for every call.
     *
     * @return the call's ticket
     * @throws dev.vblk.block.BlockDeviceException if the device refuses the call
     */
    public long submitRead(String deviceName, long sector, byte[] buffer) {
        return track(deviceName, OperationKind.READ, asyncDevice(deviceName).submitRead(sector, buffer), buffer);
    }

    /**
     * Submits a WRITE of the caller's {@code data} (whole sectors), not copied: it belongs to the
     * device until the completion is delivered, as {@link #submitRead}'s buffer does.
     *
     * @return the call's ticket
     * @throws dev.vblk.block.BlockDeviceException if the device refuses the call
     */
    public long submitWrite(String deviceName, long sector, byte[] data) {
        return track(deviceName, OperationKind.WRITE, asyncDevice(deviceName).submitWrite(sector, data), null);
    }

    /** Gives a submitted call its ticket, by which its completion is found. */
    private synchronized long track(String deviceName, OperationKind kind, RequestHandle handle, byte[] buffer) {
        long ticket = nextTicket++;
        submissions.put(ticket, new Submission(deviceName, kind, handle, buffer));
        ticketOf.put(new Submitted(deviceName, handle), ticket);
        return ticket;
    }

    /**
     * Takes completions of submitted calls on one device: a POLL, a WAIT_ANY, or a WAIT_ALL of the
     * calls with {@code tickets}, with a time budget ({@link AsyncBlockDevice#NO_TIME_BUDGET} for none).
     *
     * @return the completions delivered, in the order the device delivered them
     * @throws IllegalArgumentException for a device the scan did not find, a ticket not outstanding on
     *     that device, or a kind that takes no completions
     */
    public List<SessionCompletion> complete(OperationKind kind, String deviceName, List<Long> tickets, long budgetNanos) {
        AsyncBlockDevice device = asyncDevice(deviceName);
        List<Completion> completions = switch (kind) {
            case POLL -> device.poll();
            case WAIT_ANY -> device.awaitAny(budgetNanos);
            case WAIT_ALL -> device.awaitAll(handles(deviceName, tickets), budgetNanos);
            default -> throw new IllegalArgumentException(kind + " takes no completions");
        };
        return delivered(deviceName, completions);
    }

    /** The handles of the calls with {@code tickets}, each outstanding on {@code deviceName}. */
    private synchronized List<RequestHandle> handles(String deviceName, List<Long> tickets) {
        List<RequestHandle> handles = new ArrayList<>();
        for (long ticket : tickets) {
            Submission submission = submissions.get(ticket);
            if (submission == null || !submission.device().equals(deviceName)) {
                throw new IllegalArgumentException("call " + ticket + " is not outstanding on " + deviceName);
            }
            handles.add(submission.handle());
        }
        return handles;
    }

    /** The completions {@code deviceName} delivered, each with its call's ticket; the calls are no longer outstanding. */
    private synchronized List<SessionCompletion> delivered(String deviceName, List<Completion> completions) {
        List<SessionCompletion> delivered = new ArrayList<>();
        for (Completion completion : completions) {
            Long ticket = ticketOf.remove(new Submitted(deviceName, completion.handle()));
            if (ticket == null) {
                throw new IllegalStateException(deviceName + " delivered a completion for " + completion.handle()
                        + ", which it was not given");
            }
            delivered.add(new SessionCompletion(ticket, submissions.remove(ticket), completion));
        }
        return delivered;
    }

    /** Tickets of the calls submitted on {@code deviceName} and not yet completed, in submission order. */
    public synchronized List<Long> outstanding(String deviceName) {
        List<Long> tickets = new ArrayList<>();
        submissions.forEach((ticket, submission) -> {
            if (submission.device().equals(deviceName)) {
                tickets.add(ticket);
            }
        });
        return tickets;
    }

    private AsyncBlockDevice asyncDevice(String name) {
        AsyncBlockDevice device = asyncDevices.get(name);
        if (device == null) {
            throw new IllegalArgumentException("no device " + name + " was found; found " + deviceNames());
        }
        return device;
    }

    /**
     * Performs one operation: a call on a device, a zone command on a whole device's zoned side
     * ({@link VirtioBlkDevice#zoned()}; UNSUPPORTED when ZONED was not negotiated), a RESET of a device's driver,
     * or a QUEUE_RESET of the request queue the operation names ({@link VirtioBlkQueue#resetQueue()};
     * UNSUPPORTED when VIRTIO_F_RING_RESET was not negotiated).
     *
     * @return the data the call returned (see {@link BlockOperation#invoke(BlockDevice)})
     * @throws IllegalArgumentException if the operation names a device the scan did not find
     */
    public byte[] perform(BlockOperation operation) {
        return perform(operation, null);
    }

    /**
     * Performs {@code operation} as {@link #perform(BlockOperation)} does; a READ reads into
     * {@code readBuffer} when it has the read's length (see {@link BlockOperation#invoke(BlockDevice, byte[])}),
     * so that a caller issuing many reads, and done with each one's bytes before the next, uses one buffer.
     */
    public byte[] perform(BlockOperation operation, byte[] readBuffer) {
        BlockDevice device = device(operation.device()).orElseThrow(() -> new IllegalArgumentException(
                "no device " + operation.device() + " was found; found " + deviceNames()));
        if (operation.kind() == OperationKind.RESET) {
            VirtioBlkDevice driver = drivers.get(operation.device());
            if (driver == null) {
                throw new IllegalArgumentException("a reset is of a whole device, not of its queue " + operation.device());
            }
            if (recorder == null) {
                driver.reset();
            } else {
                recorder.recordOperation(OperationKind.RESET, operation.device(), 0, 0, driver::reset);
            }
            return new byte[0];
        }
        if (operation.kind() == OperationKind.QUEUE_RESET) {
            DriverQueue queue = driverQueues.get(operation.device());
            Runnable reset = () -> queue.driver().queue(queue.index()).resetQueue();
            if (recorder == null) {
                reset.run();
            } else {
                recorder.recordOperation(OperationKind.QUEUE_RESET, operation.device(), 0, 0, reset);
            }
            return new byte[0];
        }
        if (operation.kind().zoneCommand()) {
            VirtioBlkDevice driver = drivers.get(operation.device());
            if (driver == null) {
                throw new IllegalArgumentException("a zone command is of a whole device, not of its queue " + operation.device());
            }
            // Zone commands are few: they always pass the Flight Recorder wrapper, whose events are
            // committed only while a recording is on.
            Supplier<byte[]> command = () -> operation.invoke(new InstrumentedZonedBlockDevice(operation.device(),
                    driver.zoned().orElseThrow(() -> BlockDeviceException.of(ErrorKind.UNSUPPORTED,
                            "not a zoned device the driver was allowed").device(operation.device()).build())));
            return recorder == null ? command.get() : recorder.recordOperation(operation.kind(), operation.device(),
                    operation.sector(), operation.sectorCount(), 0, operation.payload(), command, bytes -> bytes);
        }
        return operation.invoke(device, readBuffer);
    }

    /**
     * Closes every driver the session bound ({@link VirtioBlkDevice#close()}): the devices are reset
     * and their queues and buffers given back to the platform's frame allocator. It is no operation
     * of the trace: a recorded session is closed after its last operation, and its replay need not be.
     */
    public void closeDevices() {
        for (VirtioBlkDevice driver : drivers.values()) {
            driver.close();
        }
    }
}
