package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.AvailEventWrites;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.DeviceFaults;
import dev.vblk.fake.blk.InOrderFault;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;

/**
 * How many requests the driver keeps in flight in a scenario, and how the device treats a queue with
 * many of them: completions held back and released in batches, in or out of order; used-buffer
 * interrupts coalesced, dropped or raised against the driver's suppression; avail_event mishandled;
 * whether the driver may use in-order completion (VIRTIO_F_IN_ORDER) and notification data
 * (VIRTIO_F_NOTIFICATION_DATA), and how the device breaks the order. Like {@link DeviceFaultSpec}, the
 * faults are switched on before the driver first opens the device. A scenario saved before the last
 * three allowed neither feature.
 *
 * @param depth the driver's {@code maxInFlight}: 1 is one request at a time
 * @param batching how the device holds completions back ({@link CompletionBatching#NONE}: it does not)
 * @param coalescedUpdates one used-buffer interrupt per this many used-ring updates (1: each)
 * @param coalescingWindowNanos or this long after the first of them
 * @param droppedInterrupts the used-ring updates (numbered from 0) published without their interrupt
 * @param ignoreSuppression every update raises an interrupt, whatever the driver asked
 * @param availEvent when the device writes avail_event
 * @param inOrder whether the driver's options allow VIRTIO_F_IN_ORDER
 * @param notificationData whether the driver's options allow VIRTIO_F_NOTIFICATION_DATA
 * @param inOrderFault how the device breaks the order when IN_ORDER is negotiated
 */
public record QueueSpec(
        int depth,
        CompletionBatching batching,
        int coalescedUpdates,
        long coalescingWindowNanos,
        List<Long> droppedInterrupts,
        boolean ignoreSuppression,
        AvailEventWrites availEvent,
        boolean inOrder,
        boolean notificationData,
        InOrderFault inOrderFault) {

    /** One request at a time on a device that completes each request at once, with its interrupt. */
    public static final QueueSpec SERIAL = new QueueSpec(1, CompletionBatching.NONE, 1, Long.MAX_VALUE, List.of(),
            false, AvailEventWrites.AS_NEGOTIATED, false, false, InOrderFault.NONE);

    public QueueSpec {
        if (depth < 1) {
            throw new IllegalArgumentException("a queue depth is at least 1: " + depth);
        }
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(availEvent, "availEvent");
        inOrderFault = inOrderFault == null ? InOrderFault.NONE : inOrderFault;
        droppedInterrupts = List.copyOf(droppedInterrupts);
    }

    /** This queue behaviour with another depth. */
    public QueueSpec withDepth(int newDepth) {
        return new QueueSpec(newDepth, batching, coalescedUpdates, coalescingWindowNanos, droppedInterrupts,
                ignoreSuppression, availEvent, inOrder, notificationData, inOrderFault);
    }

    /** This queue behaviour with other completion batching. */
    public QueueSpec withBatching(CompletionBatching newBatching) {
        return new QueueSpec(depth, newBatching, coalescedUpdates, coalescingWindowNanos, droppedInterrupts,
                ignoreSuppression, availEvent, inOrder, notificationData, inOrderFault);
    }

    /** This queue behaviour with VIRTIO_F_IN_ORDER allowed or not, and the device breaking the order by {@code fault}. */
    public QueueSpec withInOrder(boolean allowed, InOrderFault fault) {
        return new QueueSpec(depth, batching, coalescedUpdates, coalescingWindowNanos, droppedInterrupts,
                ignoreSuppression, availEvent, allowed, notificationData, fault);
    }

    /** This queue behaviour with VIRTIO_F_NOTIFICATION_DATA allowed or not. */
    public QueueSpec withNotificationData(boolean allowed) {
        return new QueueSpec(depth, batching, coalescedUpdates, coalescingWindowNanos, droppedInterrupts,
                ignoreSuppression, availEvent, inOrder, allowed, inOrderFault);
    }

    /**
     * Whether the device does anything to the queue beyond completing each request with its interrupt
     * (the features the driver may use are no fault; the device breaking the order is).
     */
    public boolean hasFaults() {
        // SERIAL itself first: most scenarios hold it, this is asked of every generated one, and a
        // record's generated equals is slow in the client compiler, which fuzz campaigns run with.
        return this != SERIAL && !withDepth(1).withInOrder(false, inOrderFault).withNotificationData(false).equals(SERIAL);
    }

    /**
     * Whether a correct driver still completes every request normally under these faults: they only
     * reorder completions, hold them back for at most {@code limitNanos}, or delay or lose interrupts
     * (a driver finds a completion whose interrupt never came at the latest when its budget runs
     * out). Holding completions longer, or an avail_event the device never writes, may leave
     * requests unseen by the device or the driver until they time out; a device that breaks the order
     * it promised makes the driver stop believing its used ring.
     */
    public boolean benign(long limitNanos) {
        boolean holdsBriefly = batching.size() == 1 || batching.maxHoldNanos() <= limitNanos;
        return holdsBriefly && availEvent != AvailEventWrites.NEVER && inOrderFault == InOrderFault.NONE;
    }

    /** Switches these faults on. */
    public void applyTo(DeviceFaults faults) {
        faults.batchCompletions(batching)
                .coalesceInterrupts(coalescedUpdates, coalescingWindowNanos)
                .dropInterrupts(Set.copyOf(droppedInterrupts))
                .ignoreInterruptSuppression(ignoreSuppression)
                .availEventWrites(availEvent)
                .inOrderFault(inOrderFault);
    }

    @Override
    public String toString() {
        StringJoiner text = new StringJoiner(", ");
        text.add(depth == 1 ? "one request at a time" : "up to " + depth + " in flight");
        if (batching.size() > 1) {
            text.add("completions in batches of " + batching.size() + " (" + batching.order().name().toLowerCase()
                    + (batching.maxHoldNanos() == Long.MAX_VALUE ? "" : ", held at most " + batching.maxHoldNanos() + " ns")
                    + ")");
        }
        if (coalescedUpdates > 1) {
            text.add("one interrupt per " + coalescedUpdates + " updates"
                    + (coalescingWindowNanos == Long.MAX_VALUE ? "" : " or " + coalescingWindowNanos + " ns"));
        }
        if (!droppedInterrupts.isEmpty()) {
            text.add("interrupts of updates " + droppedInterrupts + " dropped");
        }
        if (ignoreSuppression) {
            text.add("interrupt suppression ignored");
        }
        if (availEvent != AvailEventWrites.AS_NEGOTIATED) {
            text.add("avail_event written " + availEvent.name().toLowerCase());
        }
        if (inOrder) {
            text.add("IN_ORDER allowed" + (inOrderFault == InOrderFault.NONE ? ""
                    : ", the order broken: " + inOrderFault.name().toLowerCase()));
        }
        if (notificationData) {
            text.add("NOTIFICATION_DATA allowed");
        }
        return text.toString();
    }
}
