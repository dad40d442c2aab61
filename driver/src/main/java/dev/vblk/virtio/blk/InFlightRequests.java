package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.RequestHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The driver's bookkeeping of submitted calls: the requests waiting for a queue slot, the requests
 * the device holds (by queue token, in the order they were posted), and the completions ready for
 * delivery. A call completes when the last of its requests does. Its outcome is the error of its
 * earliest request (in the call's order, as one request at a time would have met it) that failed;
 * its requests not yet posted are dropped at the first failure.
 */
final class InFlightRequests {

    /** One submitted call and how many of its requests are still to finish. */
    static final class Call {
        private final RequestHandle handle;
        private int unfinished;
        private int enqueued;
        private BlockDeviceException error;
        private int errorPart = Integer.MAX_VALUE;

        Call(RequestHandle handle) {
            this.handle = handle;
        }

        RequestHandle handle() {
            return handle;
        }

        boolean failed() {
            return error != null;
        }
    }

    private final Deque<BlkRequest> waiting = new ArrayDeque<>();
    /** The requests the device holds, at their token (a descriptor or buffer id, below the queue size). */
    private BlkRequest[] byToken = new BlkRequest[16];
    private final Deque<BlkRequest> postedOrder = new ArrayDeque<>();
    private final List<BlkRequest> unpublished = new ArrayList<>();
    /** The completions ready for delivery, in the order their calls completed. */
    private final List<Completion> ready = new ArrayList<>();
    /**
     * The ids of the calls of {@link #ready}, sorted, for the check every wake-up of a wait makes:
     * searched by halves, without a boxed key.
     */
    private long[] readyIds = new long[16];
    private int posted;
    private int outstanding;

    /** Registers a submitted call. */
    Call open(RequestHandle handle) {
        outstanding++;
        return new Call(handle);
    }

    /** Forgets a call whose submission failed before any of its requests was posted. */
    void withdraw(Call call) {
        outstanding--;
        waiting.removeIf(request -> request.call == call);
    }

    /** Queues a request of an open call until a slot is free. */
    void enqueue(BlkRequest request) {
        request.call.unfinished++;
        request.part = request.call.enqueued++;
        waiting.add(request);
    }

    /** Completes a call with no request to post (a flush the device does not need). */
    void completeNow(Call call) {
        if (call.unfinished == 0) {
            finishCall(call);
        }
    }

    /** The next request waiting for a slot, or null. */
    BlkRequest nextWaiting() {
        return waiting.peek();
    }

    /** Takes the next waiting request off the queue without posting it (its posting failed). */
    void removeWaiting(BlkRequest request) {
        waiting.remove(request);
    }

    /** Records that the next waiting request was made available to the device under {@code token}. */
    void posted(BlkRequest request, int token) {
        waiting.remove();
        request.token = token;
        if (token >= byToken.length) {
            byToken = Arrays.copyOf(byToken, Math.max(token + 1, byToken.length * 2));
        }
        byToken[token] = request;
        postedOrder.add(request);
        unpublished.add(request);
        posted++;
    }

    /** Requests posted since the last {@link #published}. */
    boolean hasUnpublished() {
        return !unpublished.isEmpty();
    }

    /** Starts the time and poll budget of every request posted since the last call. */
    void published(long now, long timeoutNanos, long pollCount) {
        for (BlkRequest request : unpublished) {
            request.deadline = now + timeoutNanos;
            request.postedAtPoll = pollCount;
            request.published = true;
        }
        unpublished.clear();
    }

    /** Requests the device holds. */
    int posted() {
        return posted;
    }

    /** Calls submitted whose completion has not been delivered. */
    int outstanding() {
        return outstanding;
    }

    /** The request the device returned under {@code token}, no longer held; null if there is none. */
    BlkRequest returned(int token) {
        if (token < 0 || token >= byToken.length || byToken[token] == null) {
            return null;
        }
        BlkRequest request = byToken[token];
        byToken[token] = null;
        posted--;
        return request;
    }

    /** The calls with a request the device holds. */
    Set<RequestHandle> heldCalls() {
        Set<RequestHandle> calls = new HashSet<>();
        for (BlkRequest request : byToken) {
            if (request != null) {
                calls.add(request.call.handle);
            }
        }
        return calls;
    }

    /** The request posted longest ago that the device still holds, once its budget has started; or null. */
    BlkRequest oldest() {
        while (!postedOrder.isEmpty() && byToken[postedOrder.peek().token] != postedOrder.peek()) {
            postedOrder.remove();
        }
        BlkRequest first = postedOrder.peek();
        return first != null && first.published ? first : null;
    }

    /**
     * Records that one request finished, with {@code error} or without (null). The first error ends
     * the call: its requests still waiting are dropped.
     */
    void finished(BlkRequest request, BlockDeviceException error) {
        Call call = request.call;
        call.unfinished--;
        if (error != null && request.part < call.errorPart) {
            if (call.error == null) {
                call.unfinished -= dropWaiting(call);
            }
            call.error = error;
            call.errorPart = request.part;
        }
        if (call.unfinished == 0) {
            finishCall(call);
        }
    }

    private int dropWaiting(Call call) {
        int dropped = 0;
        for (Iterator<BlkRequest> it = waiting.iterator(); it.hasNext(); ) {
            if (it.next().call == call) {
                it.remove();
                dropped++;
            }
        }
        return dropped;
    }

    /** Fails every waiting request's call with {@code error}; the requests the device holds stay. */
    void failWaiting(BlockDeviceException error) {
        while (!waiting.isEmpty()) {
            finished(waiting.remove(), error);
        }
    }

    /**
     * Ends every request the device holds and every waiting one with the error {@code errorFor} gives
     * its call, for when the device cannot be trusted to return them; returns the requests it held,
     * whose buffers the device may still write.
     */
    List<BlkRequest> abandonAll(Function<RequestHandle, BlockDeviceException> errorFor) {
        List<BlkRequest> held = new ArrayList<>(posted);
        for (int token = 0; token < byToken.length; token++) {
            if (byToken[token] != null) {
                held.add(byToken[token]);
                byToken[token] = null;
            }
        }
        posted = 0;
        unpublished.clear();
        postedOrder.clear();
        for (BlkRequest request : held) {
            finished(request, errorFor.apply(request.call.handle));
        }
        while (!waiting.isEmpty()) {
            BlkRequest request = waiting.remove();
            finished(request, errorFor.apply(request.call.handle));
        }
        return held;
    }

    /**
     * Ends every request the device holds and every waiting one, except those of {@code keep}, with
     * {@code error}; returns the held requests it ended, whose buffers the device may still write.
     */
    List<BlkRequest> abandonOthers(Call keep, BlockDeviceException error) {
        List<BlkRequest> held = new ArrayList<>();
        for (int token = 0; token < byToken.length; token++) {
            BlkRequest request = byToken[token];
            if (request != null && request.call != keep) {
                byToken[token] = null;
                posted--;
                held.add(request);
            }
        }
        unpublished.removeAll(held);
        for (BlkRequest request : held) {
            finished(request, error);
        }
        failWaiting(error);
        return held;
    }

    private void finishCall(Call call) {
        ready.add(call.error == null ? new Completion.Succeeded(call.handle) : new Completion.Failed(call.handle, call.error));
        long id = call.handle.id();
        int count = ready.size() - 1;
        if (count == readyIds.length) {
            readyIds = Arrays.copyOf(readyIds, count * 2);
        }
        int at = -Arrays.binarySearch(readyIds, 0, count, id) - 1;
        System.arraycopy(readyIds, at, readyIds, at + 1, count - at);
        readyIds[at] = id;
    }

    /** Whether the call of {@code handle} has completed and its completion is not delivered yet. */
    boolean isReady(RequestHandle handle) {
        return Arrays.binarySearch(readyIds, 0, ready.size(), handle.id()) >= 0;
    }

    /** Whether the calls of all of {@code handles} have completed; checked at every wake-up of a wait, so without a stream. */
    boolean allReady(Collection<RequestHandle> handles) {
        for (RequestHandle handle : handles) {
            if (!isReady(handle)) {
                return false;
            }
        }
        return true;
    }

    /** Whether any completion is ready for delivery. */
    boolean anyReady() {
        return !ready.isEmpty();
    }

    /** Delivers every ready completion. */
    List<Completion> deliverAll() {
        List<Completion> delivered = new ArrayList<>(ready);
        ready.clear();
        outstanding -= delivered.size();
        return delivered;
    }

    /** Delivers the ready completions of {@code handles}, in the order they completed. */
    List<Completion> deliver(Collection<RequestHandle> handles) {
        List<Completion> delivered = new ArrayList<>();
        int kept = 0;
        for (Completion completion : ready) {
            if (handles.contains(completion.handle())) {
                delivered.add(completion);
            } else {
                readyIds[kept] = completion.handle().id();
                ready.set(kept++, completion);
            }
        }
        ready.subList(kept, ready.size()).clear();
        Arrays.sort(readyIds, 0, kept);
        outstanding -= delivered.size();
        return delivered;
    }
}
