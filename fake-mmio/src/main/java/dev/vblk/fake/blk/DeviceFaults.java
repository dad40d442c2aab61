package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.ControlRegister;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Device-level fault switches of one {@link FakeVirtioBlkDevice}: things a misbehaving device does
 * outside any single request. They survive device resets; each method returns this for chaining.
 * Actions that happen at once (breaking the device, resizing) are on the device itself.
 *
 * <p>With several queues, completion batching, {@link #ignoreInterruptSuppression} and
 * {@link #availEventWrites} apply to every queue alike (each queue holds its own batch); interrupt
 * coalescing and {@link #dropInterrupts} count the used-ring updates of all queues together, as
 * they act on the one interrupt line. {@link #stalledQueue} and {@link #misrouteCompletions} name
 * single queues.
 *
 * <p>Each part of the device asks the switches that concern it here, one question at its seam:
 * feature negotiation what is offered and whether FEATURES_OK is refused, the configuration space
 * what num_queues reads, the request path whether a queue stalls and where its completions go,
 * the {@code InterruptPolicy} whether an update raises the interrupt.
 */
public final class DeviceFaults {

    private boolean refuseFeaturesOk;
    private long withheldFeatures;
    private int unstableConfigReads;
    private int extraInterruptBits;
    private final Map<Integer, Long> registerOverrides = new HashMap<>();
    private CompletionBatching completionBatching = CompletionBatching.NONE;
    private int coalescedUpdates = 1;
    private long coalescingWindowNanos = Long.MAX_VALUE;
    private Set<Long> droppedInterrupts = Set.of();
    private boolean ignoreInterruptSuppression;
    private AvailEventWrites availEventWrites = AvailEventWrites.AS_NEGOTIATED;
    private final Set<Integer> stalledQueues = new HashSet<>();
    private final Map<Integer, Integer> misroutedCompletions = new HashMap<>();
    private OptionalInt numQueuesOverride = OptionalInt.empty();
    private InOrderFault inOrderFault = InOrderFault.NONE;

    /** Whether FEATURES_OK is refused (reads back cleared) whatever the driver accepted. */
    public DeviceFaults refuseFeaturesOk(boolean refuse) {
        this.refuseFeaturesOk = refuse;
        return this;
    }

    /** Feature bits removed from the offered set, from the next DeviceFeatures read on. */
    public DeviceFaults withholdFeatures(long mask) {
        this.withheldFeatures = mask;
        return this;
    }

    /** Each of the next {@code reads} device-config reads increments ConfigGeneration first. */
    public DeviceFaults unstableConfigGeneration(int reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("read count must not be negative: " + reads);
        }
        this.unstableConfigReads = reads;
        return this;
    }

    /** Bits ORed into every InterruptStatus read (for example reserved bits 0xfc); ACK leaves them. */
    public DeviceFaults extraInterruptBits(int bits) {
        this.extraInterruptBits = bits;
        return this;
    }

    /**
     * Every 32-bit read of the control register at {@code offset} returns {@code value} instead
     * (for example MagicValue, Version, DeviceID, VendorID or QueueNumMax); QueueNum writes are then
     * checked against an overridden QueueNumMax.
     */
    public DeviceFaults overrideRegister(int offset, long value) {
        registerOverrides.put(offset, value & 0xffffffffL);
        return this;
    }

    /** Removes a register override. */
    public DeviceFaults clearRegisterOverride(int offset) {
        registerOverrides.remove(offset);
        return this;
    }

    /**
     * Holds finished requests back and completes them in batches, possibly out of order (see
     * {@link CompletionBatching}); {@link CompletionBatching#NONE} switches it off. Requests a
     * {@link RequestOutcome.Delayed} outcome defers join the batch when their delay is over.
     */
    public DeviceFaults batchCompletions(CompletionBatching batching) {
        this.completionBatching = Objects.requireNonNull(batching, "batching");
        return this;
    }

    /**
     * Raises one used-buffer interrupt per {@code updates} used-ring updates that ask for one, or
     * {@code windowNanos} of virtual time after the first of them ({@code Long.MAX_VALUE}: only
     * when the count is reached); the other updates are published without an interrupt.
     * {@code coalesceInterrupts(1, Long.MAX_VALUE)} switches it off.
     */
    public DeviceFaults coalesceInterrupts(int updates, long windowNanos) {
        if (updates < 1 || windowNanos < 0) {
            throw new IllegalArgumentException("coalescing needs updates >= 1 and a window >= 0: "
                    + updates + ", " + windowNanos);
        }
        this.coalescedUpdates = updates;
        this.coalescingWindowNanos = windowNanos;
        return this;
    }

    /**
     * The used-ring updates with these numbers are published without their interrupt. Updates are
     * numbered from 0 since the device was created, one per completion (one per batch when
     * completions are batched).
     */
    public DeviceFaults dropInterrupts(Set<Long> updateNumbers) {
        this.droppedInterrupts = Set.copyOf(updateNumbers);
        return this;
    }

    /**
     * Whether every used-ring update raises an interrupt, ignoring the driver's suppression: the
     * used_event field with VIRTIO_F_EVENT_IDX, VIRTQ_AVAIL_F_NO_INTERRUPT without it.
     */
    public DeviceFaults ignoreInterruptSuppression(boolean ignore) {
        this.ignoreInterruptSuppression = ignore;
        return this;
    }

    /** When the device writes avail_event (by default only with VIRTIO_F_EVENT_IDX negotiated). */
    public DeviceFaults availEventWrites(AvailEventWrites writes) {
        this.availEventWrites = Objects.requireNonNull(writes, "writes");
        return this;
    }

    /**
     * Queue {@code queue} never completes: the device takes its requests (the request hook sees
     * them) but never executes them nor puts them in the used ring, as if each got
     * {@link RequestOutcome#never()}. It applies from the next request taken, and to a delayed
     * request when its delay ends; the other queues go on as before.
     */
    public DeviceFaults stalledQueue(int queue) {
        stalledQueues.add(requireQueueNumber(queue));
        return this;
    }

    /**
     * Requests taken from queue {@code from} are executed and their status and data written, but
     * their used elements go into queue {@code to}'s used ring (and {@code to}'s interrupt
     * suppression decides on the interrupt). Queue {@code from}'s own ring never shows them. While
     * {@code to} does not exist or is not ready, {@code from}'s completions stay on {@code from}.
     */
    public DeviceFaults misrouteCompletions(int from, int to) {
        misroutedCompletions.put(requireQueueNumber(from), requireQueueNumber(to));
        return this;
    }

    /** Ends every {@link #stalledQueue} and {@link #misrouteCompletions} fault. */
    public DeviceFaults clearQueueFaults() {
        stalledQueues.clear();
        misroutedCompletions.clear();
        return this;
    }

    /**
     * The config field num_queues reads {@code value} (0 to 65535; 0 is hostile: a driver must
     * still use one queue) instead of the device's number of queues, which stays what it is.
     */
    public DeviceFaults overrideNumQueues(int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("num_queues is a 16-bit field: " + value);
        }
        this.numQueuesOverride = OptionalInt.of(value);
        return this;
    }

    /** Lets num_queues read the device's number of queues again. */
    public DeviceFaults clearNumQueuesOverride() {
        this.numQueuesOverride = OptionalInt.empty();
        return this;
    }

    /**
     * How the device breaks VIRTIO_F_IN_ORDER when it is negotiated ({@link InOrderFault#NONE}: it
     * keeps it). Set it before the driver makes requests available.
     */
    public DeviceFaults inOrderFault(InOrderFault fault) {
        this.inOrderFault = Objects.requireNonNull(fault, "fault");
        return this;
    }

    InOrderFault inOrderFault() {
        return inOrderFault;
    }

    private static int requireQueueNumber(int queue) {
        if (queue < 0 || queue >= FakeBlkConfig.MAX_QUEUES) {
            throw new IllegalArgumentException("queue number must be 0 to " + (FakeBlkConfig.MAX_QUEUES - 1) + ": "
                    + queue);
        }
        return queue;
    }

    boolean stalls(int queue) {
        return stalledQueues.contains(queue);
    }

    /** The queue whose used ring receives the completions of {@code queue}'s requests. */
    int completionQueue(int queue) {
        return misroutedCompletions.getOrDefault(queue, queue);
    }

    /** num_queues as the driver reads it: {@code configured}, or its override. */
    int numQueues(int configured) {
        return numQueuesOverride.orElse(configured);
    }

    CompletionBatching completionBatching() {
        return completionBatching;
    }

    int coalescedUpdates() {
        return coalescedUpdates;
    }

    long coalescingWindowNanos() {
        return coalescingWindowNanos;
    }

    boolean dropsInterrupt(long updateNumber) {
        return droppedInterrupts.contains(updateNumber);
    }

    boolean ignoresInterruptSuppression() {
        return ignoreInterruptSuppression;
    }

    /** Whether the device writes avail_event after a notification, with {@code eventIndex} negotiated or not. */
    boolean writesAvailEvent(boolean eventIndex) {
        return switch (availEventWrites) {
            case AS_NEGOTIATED -> eventIndex;
            case ALWAYS -> true;
            case NEVER -> false;
        };
    }

    boolean refusesFeaturesOk() {
        return refuseFeaturesOk;
    }

    /** The features offered out of the {@code configured} ones: those not withheld. */
    long offered(long configured) {
        return configured & ~withheldFeatures;
    }

    int extraInterruptBits() {
        return extraInterruptBits;
    }

    /** QueueNumMax as the driver reads it: {@code configured}, or the override of its register. */
    long queueNumMax(int configured) {
        return registerOverride(ControlRegister.QUEUE_NUM_MAX.offset()).orElse(configured);
    }

    OptionalLong registerOverride(int offset) {
        Long value = registerOverrides.get(offset);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** Consumes one unstable read; true if the generation must change. */
    boolean takeUnstableConfigRead() {
        if (unstableConfigReads == 0) {
            return false;
        }
        unstableConfigReads--;
        return true;
    }
}
