package dev.vblk.virtio.blk;

import java.util.function.Function;
import java.util.function.Consumer;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.block.RequestHandle;
import static dev.vblk.block.AsyncBlockDevice.NO_TIME_BUDGET;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.InterruptSource;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.UsedElement;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Finds and ends the requests the device returned on one request queue: by interrupts or by polling
 * the used ring ({@link CompletionMode}), within each request's time and poll budget, reading the
 * used ring once more before a request is declared timed out. Interrupts are read and acknowledged
 * here, a configuration change among them. With several queues on the one interrupt line it waits in
 * slices of {@link DriverOptions#pollIntervalNanos()} and reads its own used ring after each; with an
 * interrupt of its own per queue (MSI-X) it waits for its queue's alone, and looks at the
 * configuration-change interrupt after each of them. After requests end, the queue is asked to post
 * what waits.
 */
final class CompletionHandler {

    private final VirtioBlkDevice device;
    private final int queueIndex;
    private final Platform platform;
    private final VirtioTransport transport;
    private final DriverOptions options;
    private final ErrorPolicy errors;
    private final InFlightRequests requests;
    private final Runnable afterCompletions;
    private final Consumer<Function<RequestHandle, BlockDeviceException>> queueReset;

    private RequestRing requestRing;
    private long pollCount;

    /**
     * @param queueIndex the queue's number on the device, which names its interrupt
     * @param afterCompletions posts and publishes waiting requests, after returned ones have ended
     * @param queueReset resets the queue alone, ending each of its calls with the error given for it
     *     (VIRTIO_F_RING_RESET); used when a request times out or the ring breaks the rules and the
     *     feature was negotiated
     */
    CompletionHandler(VirtioBlkDevice device, int queueIndex, Platform platform, VirtioTransport transport,
            DriverOptions options, ErrorPolicy errors, InFlightRequests requests, Runnable afterCompletions,
            Consumer<Function<RequestHandle, BlockDeviceException>> queueReset) {
        this.device = device;
        this.queueIndex = queueIndex;
        this.platform = platform;
        this.transport = transport;
        this.options = options;
        this.errors = errors;
        this.requests = requests;
        this.afterCompletions = afterCompletions;
        this.queueReset = queueReset;
    }

    /** The ring and buffers the queue's requests pass through, after each initialisation. */
    void attach(RequestRing ring) {
        this.requestRing = ring;
    }

    /** Polls and waits for interrupts so far: the clock of the poll budgets. */
    long polls() {
        return pollCount;
    }

    /**
     * Takes what has completed without waiting: with interrupts, a pending interrupt (or with a shared
     * line, the used ring); with polling, one poll.
     */
    void pollOnce() {
        if (options.completion() == CompletionMode.INTERRUPTS) {
            if (interrupts().interruptPending()) {
                handleInterrupt();
            } else if (sharesInterrupts()) {
                finishAll(collectUsed());
            }
        } else {
            collect();
        }
    }

    /**
     * Waits until {@code done} holds, the budget runs out, or nothing is left in flight. Requests
     * whose own time or poll budget runs out fail with TIMEOUT.
     */
    void await(BooleanSupplier done, long budgetNanos) {
        long waitDeadline = budgetNanos == NO_TIME_BUDGET ? 0 : platform.nanoTime() + budgetNanos;
        while (!done.getAsBoolean() && requests.posted() > 0) {
            if (options.completion() == CompletionMode.POLLING && collect()) {
                continue;
            }
            BlkRequest oldest = requests.oldest();
            boolean pollsSpent = oldest != null && pollCount - oldest.postedAtPoll >= options.maxPollsPerRequest();
            long now = pollsSpent || (oldest == null && budgetNanos == NO_TIME_BUDGET) ? 0 : platform.nanoTime();
            if (oldest != null && (pollsSpent || now - oldest.deadline >= 0)) {
                if (options.completion() == CompletionMode.INTERRUPTS && takeUsed()) {
                    continue;
                }
                timedOut(oldest);
                continue;
            }
            if (budgetNanos != NO_TIME_BUDGET && now - waitDeadline >= 0) {
                return;
            }
            if (options.completion() == CompletionMode.POLLING) {
                if (interrupts().awaitInterrupt(options.pollIntervalNanos())) {
                    handleInterrupt();
                }
            } else {
                waitForInterrupt(oldest, now, budgetNanos == NO_TIME_BUDGET ? Long.MAX_VALUE : waitDeadline);
            }
        }
    }

    /** Polls the used ring once; whether anything came back. */
    private boolean collect() {
        pollCount++;
        return takeUsed();
    }

    /**
     * Finishes what the used ring holds (with interrupts, completions whose interrupt never came);
     * whether there was anything, or the ring broke and its queue was reset (its requests ended).
     */
    private boolean takeUsed() {
        List<UsedElement> used = collectUsed();
        if (used.isEmpty()) {
            return requests.posted() == 0;
        }
        drainInterrupts();
        finishAll(used);
        return true;
    }

    private void waitForInterrupt(BlkRequest oldest, long now, long waitDeadline) {
        if (requestRing.ring().enableUsedNotification()) {
            finishAll(collectUsed());
            drainInterrupts();
            return;
        }
        long until = oldest == null ? waitDeadline : Math.min(oldest.deadline, waitDeadline);
        if (sharesInterrupts()) {
            until = Math.min(until, now + options.pollIntervalNanos());
        }
        pollCount++;
        if (interrupts().awaitInterrupt(Math.max(0, until - now))) {
            handleInterrupt();
        }
    }

    /** Whether other queues share the interrupt line, so that another queue's thread may take its interrupt. */
    private boolean sharesInterrupts() {
        return device.queueCount() > 1 && !transport.interruptsPerQueue();
    }

    /** The interrupt the queue's used buffers are signalled on (asked each time: a refused MSI-X vector puts the device back on its one line). */
    private InterruptSource interrupts() {
        return transport.queueInterrupts(queueIndex);
    }

    /**
     * Ends the oldest request with TIMEOUT. With VIRTIO_F_RING_RESET negotiated (and the device not
     * asking for a reset) the queue is reset on its own: the call ends with TIMEOUT, the queue's other
     * calls with ABORTED, and the device stays usable. Otherwise the timeout is fatal.
     */
    private void timedOut(BlkRequest oldest) {
        device.state().checkNeedsReset();
        String detail = "no completion after " + (pollCount - oldest.postedAtPoll) + " polls within "
                + options.requestTimeoutNanos() / 1_000_000 + " ms";
        if (device.state().has(FeatureBits.RING_RESET)) {
            BlockDeviceException timeout = errors.about(oldest.type(), oldest.sector, oldest.sectorCount, ErrorKind.TIMEOUT,
                    detail + "; its queue was reset").build();
            queueReset.accept(handle -> handle.equals(oldest.call.handle()) ? timeout : null);
            return;
        }
        requests.returned(oldest.token);
        requestRing.abandon(oldest);
        BlockDeviceException timeout = errors.note(errors.about(oldest.type(), oldest.sector, oldest.sectorCount,
                ErrorKind.TIMEOUT, detail).build(), oldest.type());
        requests.finished(oldest, timeout);
        requests.failWaiting(timeout);
    }

    /**
     * The chains the device returned since the last collection. A ring that breaks the rules is a
     * protocol violation, fatal for the device; with VIRTIO_F_RING_RESET negotiated (and the device
     * not asking for a reset) the queue is reset on its own instead and nothing is given back: each
     * call with a request the device held ends with PROTOCOL_VIOLATION, each call whose requests all
     * waited for a slot with ABORTED, and the device stays usable. A queue reset that fails makes the
     * device unusable ({@link QueueResources#resetQueue}).
     */
    private List<UsedElement> collectUsed() {
        try {
            return requestRing.ring().collectUsed();
        } catch (VirtioException e) {
            if (e.kind() != VirtioException.Kind.PROTOCOL_VIOLATION || !device.state().has(FeatureBits.RING_RESET)) {
                throw e;
            }
            device.state().checkNeedsReset();
            Set<RequestHandle> held = requests.heldCalls();
            queueReset.accept(handle -> held.contains(handle)
                    ? errors.about(handle, ErrorKind.PROTOCOL_VIOLATION, e.detail() + "; its queue was reset").build(e)
                    : null);
            return List.of();
        }
    }

    /** Handles an interrupt that is already pending, without waiting for one. */
    void drainInterrupts() {
        if (interrupts().interruptPending()) {
            handleInterrupt();
        }
    }

    /**
     * Reads and acknowledges InterruptStatus once; a configuration change is checked for
     * DEVICE_NEEDS_RESET and re-read; with interrupt-driven completion, a used-buffer interrupt takes
     * every completion there is, and so does a wake-up whose InterruptStatus reads 0 (a raised line
     * with no cause to read stays raised, so without looking at the used ring each wait would spend a
     * poll and a released completion would wait for its request's poll budget to run out). With
     * several queues on the line this queue's used ring is read after every interrupt, whatever its
     * causes: another queue's thread may have acknowledged this queue's. With an interrupt per queue
     * the configuration-change interrupt is polled and handled too.
     */
    private void handleInterrupt() {
        int status = takeCauses(interrupts());
        if (transport.interruptsPerQueue() && transport.interruptPending()) {
            takeCauses(transport);
        }
        boolean maybeUsed = (status & InterruptStatus.USED_BUFFER) != 0 || status == 0 || sharesInterrupts();
        if (maybeUsed && options.completion() == CompletionMode.INTERRUPTS) {
            finishAll(collectUsed());
        }
    }

    /** Reads and acknowledges an interrupt's causes, handling a configuration change; the causes. */
    private int takeCauses(InterruptSource source) {
        int status = source.interruptStatus();
        if (status != 0) {
            source.acknowledgeInterrupt(status);
            if ((status & InterruptStatus.CONFIG_CHANGE) != 0) {
                device.state().changed();
            }
        }
        return status;
    }

    /**
     * Finishes the returned requests; when the ring met a violation after them, throws it at once,
     * so that the call that met it reports it rather than a later one.
     */
    private void finishAll(List<UsedElement> used) {
        for (UsedElement element : used) {
            BlkRequest request = requests.returned(element.id());
            if (request != null) {
                finish(request, element.length());
            }
        }
        if (requestRing.ring().violationPending()) {
            collectUsed();
        }
        afterCompletions.run();
    }

    /**
     * Ends a returned request with what its buffer says. A fatal error fails the requests still
     * waiting; a protocol violation (a used element the device cannot have meant) also ends the other
     * calls' requests the device holds, since a device that wrote it may write their used elements
     * where the driver never looks (the call's own go on, so that it reports its earliest failed
     * request). After a failed flush the device still answers the requests it holds.
     */
    private void finish(BlkRequest request, int usedLength) {
        BlockDeviceException error = requestRing.complete(request, usedLength);
        if (error != null) {
            errors.note(error, request.type());
        }
        requests.finished(request, error);
        if (error != null && error.kind() == ErrorKind.PROTOCOL_VIOLATION) {
            for (BlkRequest held : requests.abandonOthers(request.call, error)) {
                requestRing.abandon(held);
            }
        } else if (error != null && ErrorPolicy.isFatal(error.kind())) {
            requests.failWaiting(error);
        }
    }
}
