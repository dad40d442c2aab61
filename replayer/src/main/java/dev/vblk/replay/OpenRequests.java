package dev.vblk.replay;

import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.spec.BlkRequestFormat;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The last stage of request reconstruction: the requests made available and not yet over, each with
 * the operation that owns it and what the driver read back of its answer (the used element's length,
 * the status byte, the device-writable data), in the order the driver saw its device's completions.
 * A request is over when its buffer is freed or used again or its device is reset; one whose
 * completion the driver had not seen by then was not answered, one still outstanding when the driver
 * read DEVICE_NEEDS_RESET was refused by a broken device. Requests are handed out in the order they
 * were made available, each once it and every earlier one are over.
 */
final class OpenRequests {

    /** A request made available and not yet known to be over. */
    private static final class Open {
        final int index;
        final int slot;
        final int queue;
        final long availableEvent;
        final long operationId;
        final RequestDecoder.Request request;
        final byte[] readBack;
        final BitSet seen;
        int status = -1;
        long usedLength = -1;
        long completionOrder = -1;
        boolean completed;
        boolean needsReset;

        Open(int index, int slot, int queue, long availableEvent, long operationId, RequestDecoder.Request request) {
            this.index = index;
            this.slot = slot;
            this.queue = queue;
            this.availableEvent = availableEvent;
            this.operationId = operationId;
            this.request = request;
            int writable = (int) ChainSegment.total(request.writableData());
            this.readBack = new byte[writable];
            this.seen = new BitSet(writable);
        }
    }

    private final List<Open> open = new ArrayList<>();
    private final PriorityQueue<ReconstructedRequest> finished =
            new PriorityQueue<>(Comparator.comparingInt(ReconstructedRequest::index));
    /** By slot: the completions the driver saw on the device so far, resets included. */
    private final Map<Integer, Long> completionsSeen = new HashMap<>();
    private int nextIndex;
    private int nextReleased;

    /** Opens {@code request}, made available on queue {@code queue} of the device in {@code slot} by event {@code availableEvent}. */
    void open(RequestDecoder.Request request, int slot, int queue, long availableEvent, long operationId) {
        open.add(new Open(nextIndex++, slot, queue, availableEvent, operationId, request));
    }

    /**
     * The driver saw the device complete the chain or buffer {@code head}: the first such request open
     * is answered. With {@code inOrder} (VIRTIO_F_IN_ORDER) so are the queue's unanswered requests made
     * available before it, whose used entries the device may skip: each with all its writable bytes
     * used, as the driver takes them (VirtIO 1.1 sections 2.6.9 and 2.7.8).
     */
    void completed(int slot, int queue, int head, long length, boolean inOrder) {
        List<Open> earlier = new ArrayList<>();
        for (Open request : open) {
            if (request.slot != slot || request.queue != queue || request.completed) {
                continue;
            }
            if (request.request.head() == head) {
                for (Open skipped : inOrder ? earlier : List.<Open>of()) {
                    answered(skipped, ChainSegment.total(skipped.request.writableData()) + BlkRequestFormat.STATUS_BYTES);
                }
                answered(request, length);
                return;
            }
            earlier.add(request);
        }
    }

    private void answered(Open request, long length) {
        request.completed = true;
        request.usedLength = length;
        request.completionOrder = completionsSeen.merge(request.slot, 1L, Long::sum) - 1;
    }

    /** The driver read {@code data} at {@code address}: what it shows of the status bytes and data buffers. */
    void read(long address, byte[] data) {
        long end = address + data.length;
        for (Open request : open) {
            long status = request.request.statusAddress();
            if (status >= address && status < end) {
                request.status = data[(int) (status - address)] & 0xff;
            }
            int position = 0;
            for (ChainSegment run : request.request.writableData()) {
                long from = Math.max(address, run.address());
                long to = Math.min(end, run.address() + run.length());
                if (from < to) {
                    int into = position + (int) (from - run.address());
                    System.arraycopy(data, (int) (from - address), request.readBack, into, (int) (to - from));
                    request.seen.set(into, into + (int) (to - from));
                }
                position += (int) run.length();
            }
        }
    }

    /** The requests whose status byte lies in [{@code from}, {@code to}) are over: their buffer is freed or used anew. */
    void endAt(long from, long to) {
        end(request -> request.request.statusAddress() >= from && request.request.statusAddress() < to);
    }

    /** The requests of the device in {@code slot} are over: it was reset. */
    void endDevice(int slot) {
        end(request -> request.slot == slot);
    }

    /** The requests of queue {@code queue} of the device in {@code slot} are over: the queue was reset by itself. */
    void endQueue(int slot, int queue) {
        end(request -> request.slot == slot && request.queue == queue);
    }

    /** Every request open is over: the trace ended. */
    void endAll() {
        end(request -> true);
    }

    /** The driver read DEVICE_NEEDS_RESET: the requests the device in {@code slot} has not answered never will be. */
    void needsReset(int slot) {
        for (Open request : open) {
            if (request.slot == slot && !request.completed) {
                request.needsReset = true;
            }
        }
    }

    /** The requests over whose earlier requests all are, not handed out before, in order; often none. */
    List<ReconstructedRequest> released() {
        if (finished.isEmpty() || finished.peek().index() != nextReleased) {
            return List.of();
        }
        List<ReconstructedRequest> released = new ArrayList<>();
        while (!finished.isEmpty() && finished.peek().index() == nextReleased) {
            released.add(finished.poll());
            nextReleased++;
        }
        return released;
    }

    private void end(Predicate<Open> over) {
        for (Open request : List.copyOf(open)) {
            if (over.test(request)) {
                open.remove(request);
                finished.add(reconstructed(request));
            }
        }
    }

    private static ReconstructedRequest reconstructed(Open open) {
        ReconstructedRequest.Completion completion;
        if (open.completed) {
            boolean allData = open.readBack.length > 0 && open.seen.cardinality() == open.readBack.length;
            completion = new ReconstructedRequest.Answered(open.status < 0 ? OptionalInt.empty() : OptionalInt.of(open.status),
                    allData ? Optional.of(open.readBack) : Optional.empty(), OptionalLong.of(open.usedLength),
                    open.completionOrder);
        } else if (open.needsReset) {
            completion = new ReconstructedRequest.NeedsReset();
        } else {
            completion = new ReconstructedRequest.Unanswered();
        }
        RequestDecoder.Request request = open.request;
        return new ReconstructedRequest(open.index, open.slot, open.availableEvent, open.operationId, request.head(),
                request.type(), request.sector(), request.sectorCount(), request.dataLength(), request.writeData(),
                request.ranges(), completion);
    }
}
