package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.virtio.queue.chain.ChainSegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
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
 * With VIRTIO_F_IN_ORDER negotiated a queue completes its requests in the order it took them, each
 * batch under one used entry naming its last request, unless {@link DeviceFaults#inOrderFault} breaks
 * the order.
 */
final class RequestPipeline {

    private final VirtioCore core;
    private final DeviceFaults faults;
    private final GuestDma dma;
    private final DeviceRequestDecoder decoder;
    private final DriverMemoryRewriter rewriter;
    private final BlkBackend backend;
    private final BlkConfigSpace configSpace;
    /** The device's queues, by index (an array: their deadlines are read before every platform call). */
    private final QueueState[] queues;
    private final List<Pending> pending = new ArrayList<>();
    /** Requests the hook held back ({@link RequestOutcome.Held}), by request index, until it releases them. */
    private final Map<Long, Waiting> heldByHook = new HashMap<>();
    private final InterruptPolicy interrupts;
    /** The queues whose used rings were published since the last used-buffer interrupt. */
    private final BitSet unsignalled = new BitSet();
    private RequestHook hook;
    private long pendingSequence;

    /**
     * One virtqueue of the device: its registers and rings, the finished requests it holds for a batch,
     * and under VIRTIO_F_IN_ORDER those waiting for earlier ones.
     */
    private record QueueState(int index, DeviceVirtqueue queue, HeldCompletions<Finished> held,
            InOrderCompletions<Finished> ordered) {}

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
        this.queues = new QueueState[virtqueues.size()];
        for (int index = 0; index < virtqueues.size(); index++) {
            queues[index] = new QueueState(index, virtqueues.get(index), new HeldCompletions<>(), new InOrderCompletions<>());
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
        return pending.size() + Arrays.stream(queues).mapToInt(queue -> queue.held().size()).sum() + heldByHook.size();
    }

    /**
     * Takes and handles every chain queue {@code index}'s driver made available, until the device
     * breaks; then asks for the next notification as the faults allow. A malformed ring or chain
     * throws {@link MalformedQueueException}.
     */
    void take(int index, boolean indirect) {
        QueueState state = queues[index];
        RingEngine ring = ring(state);
        ring.checkRings();
        while (!core.broken()) {
            Optional<Chain> chain = ring.next(indirect);
            if (chain.isEmpty()) {
                break;
            }
            DeviceRequest request = decoder.decode(chain.get(), state.queue().desc());
            hook.fetched(request, chain.get().footprint());
            if (keepsOrder()) {
                state.ordered().taken(request.index());
            }
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
        for (QueueState queue : queues) {
            due = Math.min(due, queue.held().deadline());
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
                raiseUsedBufferInterrupt();
            }
        }
    }

    /** Forgets every unanswered request and unraised interrupt (a device reset). */
    void reset() {
        for (QueueState queue : queues) {
            queue.held().clear();
            queue.ordered().clear();
        }
        pending.clear();
        heldByHook.clear();
        interrupts.clear();
        unsignalled.clear();
    }

    /** Forgets queue {@code index}'s held and delayed requests (a virtqueue reset). */
    void resetQueue(int index) {
        QueueState queue = queues[index];
        queue.held().clear();
        queue.ordered().clear();
        pending.removeIf(waiting -> waiting.queue() == queue);
    }

    private boolean eventIndex() {
        return (core.negotiatedFeatures() & bit(VirtioBlk.F_EVENT_IDX)) != 0;
    }

    /** Whether VIRTIO_F_IN_ORDER was negotiated and {@link InOrderFault#OUT_OF_ORDER} does not break it. */
    private boolean keepsOrder() {
        return (core.negotiatedFeatures() & bit(VirtioBlk.F_IN_ORDER)) != 0
                && faults.inOrderFault() != InOrderFault.OUT_OF_ORDER;
    }

    /** One used-buffer interrupt for every queue published since the last. */
    private void raiseUsedBufferInterrupt() {
        for (int queue = unsignalled.nextSetBit(0); queue >= 0; queue = unsignalled.nextSetBit(queue + 1)) {
            core.raiseUsedBufferInterrupt(queue);
        }
        unsignalled.clear();
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
     * Answers {@code batch}, taken from {@code source}, in its order (under VIRTIO_F_IN_ORDER, those of
     * its requests whose predecessors have all finished, in the order taken, under one used entry
     * unless one of them is answered with a used entry of its own making) and publishes the used
     * entries of the queue that receives the completions once.
     */
    private void completeAll(QueueState source, List<Finished> batch) {
        List<Finished> run = keepsOrder() ? source.ordered().finish(batch, finished -> finished.request().index()) : batch;
        if (run.isEmpty()) {
            return;
        }
        QueueState targetQueue = completionQueue(source);
        RingEngine target = ring(targetQueue);
        if (keepsOrder() && run.stream().allMatch(finished -> finished.outcome().plainUsedEntry() && finished.lie() == null)) {
            answerInOrder(ring(source), target, run);
        } else {
            for (Finished finished : run) {
                writeUsed(target, finished.chain(), answer(ring(source), finished), finished.outcome());
            }
        }
        target.publish();
        unsignalled.set(targetQueue.index());
        for (Finished finished : run) {
            if (finished.lie() != null) {
                tell(target, finished.lie());
            }
        }
        if (interrupts.published(target, eventIndex(), core.now())) {
            raiseUsedBufferInterrupt();
        }
    }

    /**
     * The queue whose used ring receives {@code source}'s completions: {@code source} itself, or the
     * queue {@link DeviceFaults#misrouteCompletions} names while that queue is ready with its rings
     * in RAM.
     */
    private QueueState completionQueue(QueueState source) {
        int target = faults.completionQueue(source.index());
        if (target == source.index() || target >= queues.length || !queues[target].queue().ready()) {
            return source;
        }
        try {
            ring(queues[target]).checkRings();
            return queues[target];
        } catch (MalformedQueueException e) {
            return source;
        }
    }

    /**
     * Answers {@code run}, requests in the order they were taken, with one used entry at the position
     * of the first naming the last, the others' positions skipped (VirtIO 1.1 sections 2.6.9 and
     * 2.7.8), when every request before the last used its writable buffers whole, as the driver takes a
     * skipped one to have; otherwise with an entry each. With {@link InOrderFault#SKIP_BUFFER} the first
     * of a run of several is left out and never answered.
     */
    private void answerInOrder(RingEngine source, RingEngine target, List<Finished> run) {
        List<Finished> answered = run.size() > 1 && faults.inOrderFault() == InOrderFault.SKIP_BUFFER
                ? run.subList(1, run.size()) : run;
        List<long[]> used = new ArrayList<>();
        for (Finished finished : answered) {
            used.add(answer(source, finished));
        }
        int last = answered.size() - 1;
        boolean skippable = true;
        for (int i = 0; i < last; i++) {
            skippable &= used.get(i)[1] == ChainSegment.total(answered.get(i).chain().writable());
        }
        if (!skippable) {
            for (int i = 0; i <= last; i++) {
                writeUsed(target, answered.get(i).chain(), used.get(i), answered.get(i).outcome());
            }
            return;
        }
        writeUsed(target, answered.get(0).chain(), used.get(last), answered.get(last).outcome());
        for (Finished skipped : answered.subList(1, answered.size())) {
            target.skipChain(skipped.chain());
        }
    }

    /**
     * Writes the status byte and data of one request taken from {@code source}, and frees its chain.
     *
     * @return the id and length its used entry carries
     */
    private long[] answer(RingEngine source, Finished finished) {
        Chain chain = finished.chain();
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
            BlkBackend.Result result = backend.execute(chain, finished.request(), core.negotiatedFeatures(),
                    configSpace.writeback() == 0);
            statusByte = result.status();
            dataWritten = result.dataWritten();
        }
        dma.write(chain.statusAddress(), new byte[] {(byte) statusByte});
        hook.answered(finished.request(), statusByte);
        long id = finished.lie() instanceof UsedIdLie ? source.notAHead(chain) : outcome.usedId().orElse(chain.head());
        long len = outcome.usedLen().orElse(dataWritten + 1);
        source.release(chain);
        return new long[] {id, len};
    }

    /** Writes the used entries {@code outcome} asks for, carrying {@code used}'s id and length, into {@code target}, unpublished. */
    private static void writeUsed(RingEngine target, Chain chain, long[] used, RequestOutcome.Complete outcome) {
        for (int i = 0; i < outcome.copies(); i++) {
            target.pushUsed(chain, used[0], used[1]);
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
