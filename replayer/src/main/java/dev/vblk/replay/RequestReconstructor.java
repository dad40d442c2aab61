package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds the virtio-blk requests of a trace from the driver's side of it.
 *
 * <p>Guest memory is followed from the events: allocated frames start zeroed, memory writes show what
 * the driver put there and memory reads what it found (so what the device wrote). Queue registers give
 * the ring addresses of each queue of each device (QueueSel choosing the queue, so a device with
 * several request queues has its rings apart), and the driver's feature pages whether the rings are
 * split or packed (VIRTIO_F_RING_PACKED). Chains are taken as the driver makes them available, as a
 * device looking at its rings would take them (split: at a write of the available ring's index, its
 * new entries; packed: at a write of descriptor flags, the descriptors marked available from the
 * device's ring position on), whether or not a QueueNotify follows: a driver need not notify a device
 * that said it is looking, and may see the chain used and use its descriptors again before it next
 * notifies. Each is decoded by the shared {@link dev.vblk.virtio.queue.chain.ChainDecoder}, indirect
 * tables included, and the request read from it (header type and sector, data buffers, status
 * byte). A request belongs to the operation in whose events the driver made its chain available
 * (wrote its available ring entry, split, or its head descriptor's flags, packed), even when the
 * QueueNotify comes later, as when a driver batches the submissions of several operations into one
 * notification; the operation is the submitted one whose submission the events are (format 2), or
 * else the innermost synchronous operation in flight. The answer is what the driver then read back: the used element (split) or the used
 * descriptor's length and buffer id (packed) carrying the chain's head or id (its length), the
 * status byte and the device-writable data; the order in which the driver saw its device's
 * completions is kept, so a replay can complete them in the same order. A request is over when its
 * buffer is freed or used again (the driver writes its status byte anew) or its device or queue is reset; one
 * whose completion the driver had not seen by then was not answered; one still
 * outstanding when the driver read DEVICE_NEEDS_RESET in Status was refused by a broken device.
 *
 * <p>Chains that do not decode (malformed, or too short for a header and a status byte) are left
 * out.
 *
 * <p>It is a pipeline: {@link TransportDecoder} decodes the register accesses, {@link RingTracker}
 * follows the rings in guest memory, {@link RequestDecoder} reads each request from its chain, and
 * {@link OpenRequests} keeps the requests open with their owners ({@link RequestOwners}) and answers.
 * It reads the trace as a stream: {@link #accept} takes one event at a time and hands out the
 * requests known complete as soon as every earlier request is, so memory holds only the guest memory
 * the trace touched and the requests still open, whatever the trace's length.
 */
public final class RequestReconstructor {

    private final GuestMemoryImage memory = new GuestMemoryImage();
    private final RequestOwners owners = new RequestOwners();
    private final OpenRequests requests = new OpenRequests();
    private final RequestDecoder decoder = new RequestDecoder(memory);
    private final TransportDecoder transport;
    private final RingTracker rings;
    private int eventIndex;

    /** A reconstructor for a trace recorded on a board with {@code window}; give it every event in order. */
    public RequestReconstructor(MmioWindow window) {
        this.transport = new TransportDecoder(window, new TransportDecoder.Listener() {
            @Override
            public void reset(int slot) {
                requests.endDevice(slot);
                rings.reset(slot);
            }

            @Override
            public void queueReset(int slot, int queue) {
                requests.endQueue(slot, queue);
                rings.reset(slot, queue);
            }

            @Override
            public void needsReset(int slot) {
                requests.needsReset(slot);
            }
        });
        this.rings = new RingTracker(transport, memory);
    }

    /** The requests of {@code events}, recorded on a board with {@code window}, in the order they were made available. */
    public static List<ReconstructedRequest> reconstruct(List<TraceEvent> events, MmioWindow window) {
        RequestReconstructor reconstructor = new RequestReconstructor(window);
        List<ReconstructedRequest> requests = new ArrayList<>();
        events.forEach(event -> requests.addAll(reconstructor.accept(event)));
        requests.addAll(reconstructor.finish());
        return List.copyOf(requests);
    }

    /**
     * Takes the trace's next event.
     *
     * @return the requests now known complete whose earlier requests all are, in the order they were
     *     made available; often none
     */
    public List<ReconstructedRequest> accept(TraceEvent event) {
        int index = eventIndex++;
        owners.accept(event);
        if (event instanceof TraceEvent.RegisterWrite write) {
            transport.write(write);
        } else if (event instanceof TraceEvent.RegisterRead read) {
            transport.read(read);
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            requests.endAt(write.address(), write.address() + write.data().length);
            memory.write(write.address(), write.data());
            for (RingTracker.Available available : rings.written(write.address(), write.data().length, owners.current())) {
                decoder.decode(available.chain()).ifPresent(request -> requests.open(request, available.slot(),
                        available.queue(), index, available.operationId()));
            }
        } else if (event instanceof TraceEvent.MemoryRead read) {
            memory.write(read.address(), read.data());
            rings.read(read.address(), read.data(), requests::completed);
            requests.read(read.address(), read.data());
        } else if (event instanceof TraceEvent.FrameAllocation allocation && allocation.address().isPresent()) {
            memory.zero(allocation.address().getAsLong(), (long) allocation.frameCount() * FrameAllocator.FRAME_SIZE);
        } else if (event instanceof TraceEvent.FrameFree free) {
            requests.endAt(free.address(), free.address() + (long) free.frameCount() * FrameAllocator.FRAME_SIZE);
        }
        return requests.released();
    }

    /** Ends the trace: the requests still open were not answered; returns every request not yet handed out, in order. */
    public List<ReconstructedRequest> finish() {
        requests.endAll();
        return requests.released();
    }
}
