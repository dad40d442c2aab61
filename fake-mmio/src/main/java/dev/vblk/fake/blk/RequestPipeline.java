package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The virtio-blk request path between the rings and the backend: it takes the chains a notified
 * queue made available, decodes each into a {@link DeviceRequest}, lets the {@link RequestHook}
 * choose its outcome (first rewriting driver-written memory of the chain if the outcome lies so), and
 * completes it now, after a delay, when the hook releases it or when its batch is full; completing
 * writes the status byte and data (through {@link BlkBackend} unless the outcome gives them), the
 * used entries and, as the driver's suppression and the interrupt faults allow, the used-buffer
 * interrupt. A queue's pending work is its own; a device reset forgets all.
 */
final class RequestPipeline {

    private final VirtioCore core;
    private final DeviceFaults faults;
    private final GuestDma dma;
    private final DeviceRequestDecoder decoder;
    private final DriverMemoryRewriter rewriter;
    private final BlkBackend backend;
    private final BlkConfigSpace configSpace;
    private final List<QueueState> queues = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    /** Requests the hook held back ({@link RequestOutcome.Held}), by request index, until it releases them. */
    private final Map<Long, Waiting> heldByHook = new HashMap<>();
    private final InterruptPolicy interrupts;
    private RequestHook hook;
    private long pendingSequence;

    /** One virtqueue of the device: its registers and rings, and the finished requests it holds for a batch. */
    private record QueueState(int index, DeviceVirtqueue queue, HeldCompletions<Finished> held) {}

    private record Pending(long due, long sequence, QueueState queue, Chain chain, DeviceRequest request,
            RequestOutcome outcome) {}

    /** A decoded request waiting for its hook to answer it. */
    private record Waiting(QueueState queue, Chain chain, DeviceRequest request) {}

    /** A request whose answer is decided and not yet written, and the lie told with it (or null). */
    private record Finished(Chain chain, DeviceRequest request, RequestOutcome.Complete outcome, MemoryLie lie) {}

    RequestPipeline(VirtioCore core, List<DeviceVirtqueue> virtqueues, GuestDma dma, BlkBackend backend,
            BlkConfigSpace configSpace, RequestHook hook) {
        this.core = core;
        this.faults = core.faults();
        this.dma = dma;
        this.decoder = new DeviceRequestDecoder(dma);
        this.rewriter = new DriverMemoryRewriter(dma);
        this.interrupts = new InterruptPolicy(faults);
        this.backend = backend;
        this.configSpace = configSpace;
        this.hook = hook;
        for (int index = 0; index < virtqueues.size(); index++) {
            queues.add(new QueueState(index, virtqueues.get(index), new HeldCompletions<>()));
        }
    }

    void setHook(RequestHook requestHook) {
        this.hook = requestHook;
    }

    /** Requests decoded since the device was created. */
    long requestsDecoded() {
        return decoder.decoded();
    }

    /** Requests whose completion has not happened yet: delayed, held for a batch, or held by the hook. */
    int pendingCompletions() {
        return pending.size() + queues.stream().mapToInt(queue -> queue.held().size()).sum() + heldByHook.size();
    }

    /**
     * Takes and handles every chain queue {@code index}'s driver made available, until the device
     * breaks; then asks for the next notification as the faults allow. A malformed ring or chain
     * throws {@link MalformedQueueException}.
     */
    void take(int index, boolean indirect) {
        QueueState state = queues.get(index);
        RingEngine ring = ring(state);
        ring.checkRings();
        while (!core.broken()) {
            Optional<Chain> chain = ring.next(indirect);
            if (chain.isEmpty()) {
                break;
            }
            DeviceRequest request = decoder.decode(chain.get(), state.queue().desc());
            hook.fetched(request, chain.get().footprint());
            RequestOutcome outcome = hook.onRequest(request);
            if (outcome instanceof RequestOutcome.Rewriting rewriting) {
                rewriter.rewrite(chain.get().footprint(), rewriting.target(), rewriting.pattern());
                outcome = rewriting.then();
            }
            apply(state, chain.get(), request, outcome);
            answerReleased(core.now());
        }
        if (!core.broken() && faults.writesAvailEvent(eventIndex())) {
            ring.askForNotification();
        }
    }

    /** The earliest virtual time at which deferred work is due, or Long.MAX_VALUE. */
    long nextDueTime() {
        long due = interrupts.deadline();
        // Asked before every platform call: an index loop makes no iterator.
        for (int i = 0; i < queues.size(); i++) {
            due = Math.min(due, queues.get(i).held().deadline());
        }
        if (!heldByHook.isEmpty()) {
            due = Math.min(due, hook.nextReleaseTime());
        }
        return pending.isEmpty() ? due : Math.min(due, pending.get(0).due());
    }

    /** Does the deferred work due at {@code now}, unless the device breaks on the way. */
    void runDue(long now) {
        while (!core.broken() && !pending.isEmpty() && pending.get(0).due() <= now) {
            Pending next = pending.remove(0);
            apply(next.queue(), next.chain(), next.request(), next.outcome());
        }
        if (!core.broken()) {
            answerReleased(now);
        }
        if (!core.broken()) {
            for (QueueState queue : queues) {
                completeAll(queue, queue.held().releaseDue(now));
            }
            if (interrupts.due(now)) {
                core.raiseUsedBufferInterrupt();
            }
        }
    }

    /** Forgets every unanswered request and unraised interrupt (a device reset). */
    void reset() {
        for (QueueState queue : queues) {
            queue.held().clear();
        }
        pending.clear();
        heldByHook.clear();
        interrupts.clear();
    }

    /** Forgets queue {@code index}'s held and delayed requests (a virtqueue reset). */
    void resetQueue(int index) {
        QueueState queue = queues.get(index);
        queue.held().clear();
        pending.removeIf(waiting -> waiting.queue() == queue);
    }

    private boolean eventIndex() {
        return (core.negotiatedFeatures() & bit(VirtioBlk.F_EVENT_IDX)) != 0;
    }

    private RingEngine ring(QueueState state) {
        return state.queue().ring(core.packedRing());
    }

    private void apply(QueueState queue, Chain chain, DeviceRequest request, RequestOutcome outcome) {
        if (faults.stalls(queue.index())) {
            return;
        }
        if (outcome instanceof RequestOutcome.Complete complete) {
            completeAll(queue, queue.held().add(new Finished(chain, request, complete, null),
                    faults.completionBatching(), core.now()));
        } else if (outcome instanceof RequestOutcome.Lying lying) {
            completeAll(queue, queue.held().add(new Finished(chain, request, lying.answer(), lying.lie()),
                    faults.completionBatching(), core.now()));
        } else if (outcome instanceof RequestOutcome.Delayed delayed) {
            pending.add(new Pending(core.now() + delayed.delayNanos(), pendingSequence++, queue, chain, request,
                    delayed.then()));
            pending.sort(Comparator.comparingLong(Pending::due).thenComparingLong(Pending::sequence));
        } else if (outcome instanceof RequestOutcome.Held) {
            heldByHook.put(request.index(), new Waiting(queue, chain, request));
        } else if (outcome instanceof RequestOutcome.NeedsReset) {
            core.breakDevice("DEVICE_NEEDS_RESET injected at request " + request.index());
        } else if (!(outcome instanceof RequestOutcome.NeverComplete)) {
            throw new IllegalStateException("the request hook returned no outcome for " + request);
        }
    }

    /**
     * Answers the held requests the hook releases at {@code now}, in its order; a release naming a
     * request the device no longer holds (it was reset since) is passed over.
     */
    private void answerReleased(long now) {
        if (heldByHook.isEmpty()) {
            return;
        }
        for (RequestHook.Release release : hook.releases(now)) {
            Waiting waiting = heldByHook.remove(release.requestIndex());
            if (waiting != null && !core.broken()) {
                apply(waiting.queue(), waiting.chain(), waiting.request(), release.outcome());
            }
        }
    }

    /**
     * Answers {@code batch}, taken from {@code source}, in its order and publishes the used entries
     * of the queue that receives the completions once.
     */
    private void completeAll(QueueState source, List<Finished> batch) {
        if (batch.isEmpty()) {
            return;
        }
        RingEngine target = completionRing(source);
        for (Finished finished : batch) {
            answer(ring(source), target, finished);
        }
        target.publish();
        for (Finished finished : batch) {
            if (finished.lie() != null) {
                tell(target, finished.lie());
            }
        }
        if (interrupts.published(target, eventIndex(), core.now())) {
            core.raiseUsedBufferInterrupt();
        }
    }

    /**
     * The ring whose used side receives {@code source}'s completions: {@code source}'s own, or the
     * queue {@link DeviceFaults#misrouteCompletions} names while that queue is ready with its rings
     * in RAM.
     */
    private RingEngine completionRing(QueueState source) {
        RingEngine own = ring(source);
        int target = faults.completionQueue(source.index());
        if (target == source.index() || target >= queues.size() || !queues.get(target).queue().ready()) {
            return own;
        }
        RingEngine ring = ring(queues.get(target));
        try {
            ring.checkRings();
            return ring;
        } catch (MalformedQueueException e) {
            return own;
        }
    }

    /**
     * Writes the status byte and data of one request taken from {@code source}, and its used
     * entries into {@code target}, without publishing them.
     */
    private void answer(RingEngine source, RingEngine target, Finished finished) {
        Chain chain = finished.chain();
        DeviceRequest request = finished.request();
        RequestOutcome.Complete outcome = finished.outcome();
        int statusByte;
        long dataWritten;
        if (outcome.data().isPresent()) {
            dataWritten = dma.scatter(chain.writableData(), outcome.data().get());
            statusByte = outcome.status().orElse(VirtioBlk.S_OK);
        } else if (outcome.status().isPresent()) {
            dataWritten = 0;
            statusByte = outcome.status().getAsInt();
        } else {
            BlkBackend.Result result = backend.execute(chain, request, core.negotiatedFeatures(),
                    configSpace.writeback() == 0);
            statusByte = result.status();
            dataWritten = result.dataWritten();
        }
        dma.write(chain.statusAddress(), new byte[] {(byte) statusByte});
        long id = finished.lie() instanceof UsedIdLie ? source.notAHead(chain) : outcome.usedId().orElse(chain.head());
        long len = outcome.usedLen().orElse(dataWritten + 1);
        source.release(chain);
        for (int i = 0; i < outcome.copies(); i++) {
            target.pushUsed(chain, id, len);
        }
        target.skipUsed(outcome.usedIdxSkip());
    }

    /** Tells a lie about the used entries just published to {@code ring}, or about the configuration. */
    private void tell(RingEngine ring, MemoryLie lie) {
        if (lie instanceof UsedIndexLie index) {
            ring.lieAboutUsedIndex(index);
        } else if (lie instanceof SuppressionLie suppression) {
            dma.write(ring.suppressionField(suppression.field()), suppression.value(), 2);
        } else if (lie instanceof ConfigTear tear) {
            core.tearCapacity(tear.capacity());
        }
    }
}
