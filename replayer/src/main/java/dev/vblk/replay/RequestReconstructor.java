package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.LittleEndian;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.DecodedChain;
import dev.vblk.virtio.queue.chain.MalformedChainException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * Rebuilds the virtio-blk requests of a trace from the driver's side of it.
 *
 * <p>Guest memory is followed from the events: allocated frames start zeroed, memory writes show what
 * the driver put there and memory reads what it found (so what the device wrote). Queue registers give
 * the ring addresses of each queue of each device (QueueSel choosing the queue, so a device with
 * several request queues has its rings apart), and the driver's feature pages whether the rings are
 * split or packed (VIRTIO_F_RING_PACKED). At every QueueNotify write the chains made available on the
 * notified queue since its last notification are taken (split: the available ring's new entries; packed: the descriptors marked available from
 * the device's ring position on), each decoded by the shared {@link ChainDecoder}, indirect
 * tables included, and the request read from it (header type and sector, data buffers, status
 * byte). A request belongs to the operation in whose events the driver made its chain available
 * (wrote its available ring entry, split, or its head descriptor's flags, packed), even when the
 * QueueNotify comes later, as when a driver batches the submissions of several operations into one
 * notification; the operation is the submitted one whose submission the events are (format 2), or
 * else the innermost synchronous operation in flight. The answer is what the driver then read back: the used element (split) or the used
 * descriptor's length and buffer id (packed) carrying the chain's head or id (its length), the
 * status byte and the device-writable data; the order in which the driver saw its device's
 * completions is kept, so a replay can complete them in the same order. A request is over when its
 * buffer is freed or used again (the driver writes its status byte anew) or its device is reset; one
 * whose completion the driver had not seen by then was not answered; one still
 * outstanding when the driver read DEVICE_NEEDS_RESET in Status was refused by a broken device.
 *
 * <p>Chains that do not decode (malformed, or too short for a header and a status byte) are left
 * out.
 *
 * <p>It reads the trace as a stream: {@link #accept} takes one event at a time and hands out the
 * requests known complete as soon as every earlier request is, so memory holds only the guest memory
 * the trace touched and the requests still open, whatever the trace's length.
 */
public final class RequestReconstructor {

    private static final int HEADER_SIZE = 16;
    private static final int RANGE_SIZE = 16;
    private static final int SECTOR = 512;
    private static final int DESCRIPTOR = ChainDecoder.DESCRIPTOR_SIZE;
    /** VIRTIO_F_RING_PACKED in the second feature page. */
    private static final long PACKED_IN_PAGE_1 = 1L << (FeatureBits.RING_PACKED - 32);
    private static final int F_AVAIL = 1 << 7;
    private static final int F_USED = 1 << 15;

    private final MmioWindow window;
    private final GuestMemoryImage memory = new GuestMemoryImage();
    private final Map<Integer, DeviceRings> devices = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private final PriorityQueue<ReconstructedRequest> finished =
            new PriorityQueue<>(Comparator.comparingInt(ReconstructedRequest::index));
    /** The synchronous operations in flight, innermost first. */
    private final Deque<Long> operations = new ArrayDeque<>();
    /** The submitted operation whose submission the events are, 0 outside one. */
    private long submission;
    private int nextIndex;
    private int nextReleased;
    private int eventIndex;

    /** A reconstructor for a trace recorded on a board with {@code window}; give it every event in order. */
    public RequestReconstructor(MmioWindow window) {
        this.window = window;
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
        accept(eventIndex++, event);
        return released();
    }

    /** Ends the trace: the requests still open were not answered; returns every request not yet handed out, in order. */
    public List<ReconstructedRequest> finish() {
        for (Pending request : List.copyOf(pending)) {
            finish(request);
        }
        return released();
    }

    private List<ReconstructedRequest> released() {
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

    /** One device's selectors, ring kind and queues, and the completions the driver saw on it. */
    private static final class DeviceRings {
        int select;
        int featureSelect;
        boolean packed;
        /** Completions the driver saw on this device so far, resets included. */
        long completionsSeen;
        final Map<Integer, QueueState> queues = new HashMap<>();

        QueueState selected() {
            return queues.computeIfAbsent(select, index -> new QueueState());
        }

        void reset() {
            packed = false;
            queues.values().forEach(QueueState::reset);
        }
    }

    /** The registers of one queue of a device, and how far the device has taken its available ring. */
    private static final class QueueState {
        int size;
        long desc;
        long avail;
        long used;
        int lastAvail;
        boolean availWrap = true;
        /** By ring position: the operation that made the chain there available, 0 for none seen. */
        long[] publishers = new long[0];

        void reset() {
            lastAvail = 0;
            availWrap = true;
            publishers = new long[0];
        }

        /** Notes that {@code operation} made the chain at {@code position} available. */
        void published(int position, long operation) {
            if (publishers.length != size) {
                publishers = new long[size];
            }
            publishers[position] = operation;
        }

        /** The operation that made the chain at {@code position} available, or {@code otherwise}. */
        long publisher(int position, long otherwise) {
            return position < publishers.length && publishers[position] != 0 ? publishers[position] : otherwise;
        }

        boolean configured() {
            return size > 0 && desc != 0 && avail != 0 && used != 0;
        }
    }

    /** A request made available and not yet known to be over. */
    private static final class Pending {
        int index;
        int slot;
        int queue;
        long notifyEvent;
        long operationId;
        int head;
        int type;
        long sector;
        long sectorCount;
        int dataLength;
        byte[] writeData;
        List<ReconstructedRequest.Range> ranges;
        List<ChainSegment> writableData;
        long statusAddress;
        byte[] readBack;
        BitSet seen;
        int status = -1;
        long usedLength = -1;
        long completionOrder = -1;
        boolean completed;
        boolean needsReset;
    }

    private void accept(int index, TraceEvent event) {
        if (event instanceof TraceEvent.OperationBegin begin) {
            submission = begin.submitted() ? begin.operationId() : 0;
            if (!begin.submitted()) {
                operations.push(begin.operationId());
            }
        } else if (event instanceof TraceEvent.OperationEnd end) {
            submission = 0;
            operations.removeFirstOccurrence(end.operationId());
        } else if (event instanceof TraceEvent.RegisterWrite write) {
            registerWrite(index, write);
        } else if (event instanceof TraceEvent.RegisterRead read) {
            registerRead(read);
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            endRequestsWrittenOver(write.address(), write.data().length);
            notePublications(write.address(), write.data().length);
            memory.write(write.address(), write.data());
        } else if (event instanceof TraceEvent.MemoryRead read) {
            memoryRead(read.address(), read.data());
        } else if (event instanceof TraceEvent.FrameAllocation allocation && allocation.address().isPresent()) {
            memory.zero(allocation.address().getAsLong(), (long) allocation.frameCount() * FrameAllocator.FRAME_SIZE);
        } else if (event instanceof TraceEvent.FrameFree free) {
            long end = free.address() + (long) free.frameCount() * FrameAllocator.FRAME_SIZE;
            for (Pending request : List.copyOf(pending)) {
                if (request.statusAddress >= free.address() && request.statusAddress < end) {
                    finish(request);
                }
            }
        }
    }

    /** A request whose status byte the driver writes again is over: its buffer is being used anew. */
    private void endRequestsWrittenOver(long address, int length) {
        for (Pending request : List.copyOf(pending)) {
            if (request.statusAddress >= address && request.statusAddress < address + length) {
                finish(request);
            }
        }
    }

    /** The operation whose events these are: the submission under way, else the innermost call, else 0. */
    private long currentOperation() {
        return submission != 0 ? submission : operations.isEmpty() ? 0 : operations.peek();
    }

    /**
     * A driver write covering an available ring entry (split) or a descriptor's flags (packed) makes
     * the chain at that ring position available: notes the operation doing it.
     */
    private void notePublications(long address, int length) {
        long end = address + length;
        for (DeviceRings device : devices.values()) {
            for (QueueState queue : device.queues.values()) {
                if (!queue.configured()) {
                    continue;
                }
                long first = device.packed ? queue.desc + 14 : queue.avail + 4;
                long stride = device.packed ? DESCRIPTOR : 2;
                long from = Math.max(0, Math.floorDiv(address - first + stride - 1, stride));
                for (long position = from; position < queue.size && first + stride * position < end; position++) {
                    queue.published((int) position, currentOperation());
                }
            }
        }
    }

    private void registerWrite(int index, TraceEvent.RegisterWrite write) {
        int slot = slotOf(write.address());
        if (slot < 0) {
            return;
        }
        DeviceRings device = devices.computeIfAbsent(slot, s -> new DeviceRings());
        int offset = offsetOf(write.address());
        long value = write.value() & 0xffff_ffffL;
        if (offset == MmioRegister.STATUS.offset() && value == 0) {
            for (Pending request : List.copyOf(pending)) {
                if (request.slot == slot) {
                    finish(request);
                }
            }
            device.reset();
            return;
        }
        if (offset == MmioRegister.DRIVER_FEATURES_SEL.offset()) {
            device.featureSelect = (int) value;
            return;
        }
        if (offset == MmioRegister.DRIVER_FEATURES.offset()) {
            if (device.featureSelect == 1) {
                device.packed = (value & PACKED_IN_PAGE_1) != 0;
            }
            return;
        }
        if (offset == MmioRegister.QUEUE_SEL.offset()) {
            device.select = (int) value;
            return;
        }
        if (offset == MmioRegister.QUEUE_NOTIFY.offset()) {
            QueueState notified = device.queues.get((int) value);
            if (notified != null) {
                notify(index, slot, (int) value, device.packed, notified);
            }
            return;
        }
        QueueState queue = device.selected();
        if (offset == MmioRegister.QUEUE_NUM.offset()) {
            queue.size = (int) value;
        } else if (offset == MmioRegister.QUEUE_DESC_LOW.offset()) {
            queue.desc = low(queue.desc, value);
        } else if (offset == MmioRegister.QUEUE_DESC_HIGH.offset()) {
            queue.desc = high(queue.desc, value);
        } else if (offset == MmioRegister.QUEUE_DRIVER_LOW.offset()) {
            queue.avail = low(queue.avail, value);
        } else if (offset == MmioRegister.QUEUE_DRIVER_HIGH.offset()) {
            queue.avail = high(queue.avail, value);
        } else if (offset == MmioRegister.QUEUE_DEVICE_LOW.offset()) {
            queue.used = low(queue.used, value);
        } else if (offset == MmioRegister.QUEUE_DEVICE_HIGH.offset()) {
            queue.used = high(queue.used, value);
        }
    }

    private void registerRead(TraceEvent.RegisterRead read) {
        int slot = slotOf(read.address());
        if (slot >= 0 && offsetOf(read.address()) == MmioRegister.STATUS.offset()
                && (read.value() & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            for (Pending request : pending) {
                if (request.slot == slot && !request.completed) {
                    request.needsReset = true;
                }
            }
        }
    }

    private void notify(int eventIndex, int slot, int queueIndex, boolean packed, QueueState queue) {
        if (!queue.configured()) {
            return;
        }
        if (packed) {
            notifyPacked(eventIndex, slot, queueIndex, queue);
            return;
        }
        int availIdx = (int) memory.little(queue.avail + 2, 2);
        int available = (availIdx - queue.lastAvail) & 0xffff;
        if (available > queue.size) {
            return;
        }
        for (int n = 0; n < available; n++) {
            int position = queue.lastAvail % queue.size;
            int head = (int) memory.little(queue.avail + 4 + 2L * position, 2);
            queue.lastAvail = (queue.lastAvail + 1) & 0xffff;
            try {
                DecodedChain chain = new ChainDecoder(memory::read, queue.desc, queue.size, true).decode(head);
                request(eventIndex, slot, queueIndex, chain, queue.publisher(position, currentOperation()))
                        .ifPresent(pending::add);
            } catch (MalformedChainException e) {
                // Left out: no request can be read from it.
            }
        }
    }

    /** Takes the packed chains marked available from the device's position on, as a device would. */
    private void notifyPacked(int eventIndex, int slot, int queueIndex, QueueState queue) {
        for (int taken = 0; taken < queue.size; taken++) {
            int flags = (int) memory.little(queue.desc + (long) DESCRIPTOR * queue.lastAvail + 14, 2);
            if (((flags & F_AVAIL) != 0) != queue.availWrap || ((flags & F_USED) != 0) == queue.availWrap) {
                return;
            }
            DecodedChain chain;
            try {
                chain = new ChainDecoder(memory::read, queue.desc, queue.size, true).decodePacked(queue.lastAvail,
                        queue.availWrap);
            } catch (MalformedChainException e) {
                return;
            }
            long operation = queue.publisher(queue.lastAvail, currentOperation());
            queue.lastAvail += chain.ringDescriptors();
            if (queue.lastAvail >= queue.size) {
                queue.lastAvail -= queue.size;
                queue.availWrap = !queue.availWrap;
            }
            request(eventIndex, slot, queueIndex, chain, operation).ifPresent(pending::add);
        }
    }

    private Optional<Pending> request(int eventIndex, int slot, int queue, DecodedChain chain, long operationId) {
        List<ChainSegment> readable = chain.readable();
        List<ChainSegment> writable = chain.writable();
        long readableBytes = ChainSegment.total(readable);
        long writableBytes = ChainSegment.total(writable);
        if (readableBytes < HEADER_SIZE || writableBytes < 1 || readableBytes > Integer.MAX_VALUE
                || writableBytes > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        byte[] header = gather(ChainSegment.slice(readable, 0, HEADER_SIZE), HEADER_SIZE);
        Pending request = new Pending();
        request.index = nextIndex++;
        request.slot = slot;
        request.queue = queue;
        request.notifyEvent = eventIndex;
        request.operationId = operationId;
        request.head = chain.head();
        request.type = (int) LittleEndian.get(header, 0, 4);
        request.sector = LittleEndian.get(header, 8, 8);
        int readableData = (int) readableBytes - HEADER_SIZE;
        int writableData = (int) writableBytes - 1;
        request.writeData = new byte[0];
        request.ranges = List.of();
        switch (request.type) {
            case ReconstructedRequest.T_IN, ReconstructedRequest.T_GET_ID -> {
                request.sectorCount = request.type == ReconstructedRequest.T_IN ? writableData / SECTOR : 0;
                request.dataLength = writableData;
            }
            case ReconstructedRequest.T_OUT -> {
                request.sectorCount = readableData / SECTOR;
                request.dataLength = readableData;
                request.writeData = gather(ChainSegment.slice(readable, HEADER_SIZE, readableBytes), readableData);
            }
            case ReconstructedRequest.T_DISCARD, ReconstructedRequest.T_WRITE_ZEROES -> {
                if (readableData < RANGE_SIZE) {
                    return Optional.empty();
                }
                byte[] raw = gather(ChainSegment.slice(readable, HEADER_SIZE, readableBytes), readableData);
                List<ReconstructedRequest.Range> ranges = new ArrayList<>();
                long sectors = 0;
                for (int at = 0; at + RANGE_SIZE <= raw.length; at += RANGE_SIZE) {
                    ReconstructedRequest.Range range = new ReconstructedRequest.Range(LittleEndian.get(raw, at, 8),
                            LittleEndian.get(raw, at + 8, 4), (int) LittleEndian.get(raw, at + 12, 4));
                    ranges.add(range);
                    sectors += range.sectorCount();
                }
                request.ranges = ranges;
                request.sector = ranges.get(0).sector();
                request.sectorCount = sectors;
                request.dataLength = readableData;
            }
            default -> {
                request.sectorCount = 0;
                request.dataLength = readableData;
            }
        }
        request.writableData = ChainSegment.slice(writable, 0, writableData);
        request.statusAddress = ChainSegment.slice(writable, writableData, writableBytes).get(0).address();
        request.readBack = new byte[writableData];
        request.seen = new BitSet(writableData);
        return Optional.of(request);
    }

    private void memoryRead(long address, byte[] data) {
        memory.write(address, data);
        long end = address + data.length;
        for (Map.Entry<Integer, DeviceRings> device : devices.entrySet()) {
            for (Map.Entry<Integer, QueueState> entry : device.getValue().queues.entrySet()) {
                usedRead(device.getKey(), device.getValue().packed, entry.getKey(), entry.getValue(), address, data);
            }
        }
        for (Pending request : pending) {
            if (request.statusAddress >= address && request.statusAddress < end) {
                request.status = data[(int) (request.statusAddress - address)] & 0xff;
            }
            int position = 0;
            for (ChainSegment run : request.writableData) {
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

    /** The completions a read of guest memory shows in one queue's used ring (split) or used descriptors (packed). */
    private void usedRead(int slot, boolean packed, int queueIndex, QueueState queue, long address, byte[] data) {
        if (!queue.configured()) {
            return;
        }
        if (packed) {
            usedDescriptorsRead(slot, queueIndex, queue, address, data);
            return;
        }
        long end = address + data.length;
        long elements = queue.used + 4;
        long from = Math.max(address, elements);
        long to = Math.min(end, elements + 8L * queue.size);
        for (long element = elements + Math.floorDiv(from - elements + 7, 8) * 8; element + 8 <= to; element += 8) {
            int at = (int) (element - address);
            completed(slot, queueIndex, (int) LittleEndian.get(data, at, 4), LittleEndian.get(data, at + 4, 4));
        }
    }

    /**
     * The driver reads a packed used descriptor's length and buffer id (its flags first, on their
     * own) only once the flags said it is used: each read covering both is a completion.
     */
    private void usedDescriptorsRead(int slot, int queueIndex, QueueState queue, long address, byte[] data) {
        long end = address + data.length;
        long first = Math.max(0, Math.floorDiv(address - queue.desc - 8, DESCRIPTOR));
        for (long n = first; n < queue.size; n++) {
            long length = queue.desc + DESCRIPTOR * n + 8;
            if (length >= end) {
                return;
            }
            if (length >= address && length + 6 <= end) {
                int at = (int) (length - address);
                completed(slot, queueIndex, (int) LittleEndian.get(data, at + 4, 2), LittleEndian.get(data, at, 4));
            }
        }
    }

    private void completed(int slot, int queue, int head, long length) {
        for (Pending request : pending) {
            if (request.slot == slot && request.queue == queue && request.head == head && !request.completed) {
                request.completed = true;
                request.usedLength = length;
                request.completionOrder = devices.get(slot).completionsSeen++;
                return;
            }
        }
    }

    private void finish(Pending request) {
        pending.remove(request);
        ReconstructedRequest.Completion completion;
        if (request.completed) {
            boolean allData = request.readBack.length > 0 && request.seen.cardinality() == request.readBack.length;
            completion = new ReconstructedRequest.Answered(
                    request.status < 0 ? OptionalInt.empty() : OptionalInt.of(request.status),
                    allData ? Optional.of(request.readBack) : Optional.empty(),
                    OptionalLong.of(request.usedLength), request.completionOrder);
        } else if (request.needsReset) {
            completion = new ReconstructedRequest.NeedsReset();
        } else {
            completion = new ReconstructedRequest.Unanswered();
        }
        finished.add(new ReconstructedRequest(request.index, request.slot, request.notifyEvent, request.operationId,
                request.head, request.type, request.sector, request.sectorCount, request.dataLength, request.writeData,
                request.ranges, completion));
    }

    // ---- helpers ----

    private int slotOf(long address) {
        if (address < window.baseAddress() || address >= window.endAddress()) {
            return -1;
        }
        return (int) ((address - window.baseAddress()) / window.slotSize());
    }

    private int offsetOf(long address) {
        return (int) ((address - window.baseAddress()) % window.slotSize());
    }

    private static long low(long current, long value) {
        return (current & 0xffff_ffff_0000_0000L) | value;
    }

    private static long high(long current, long value) {
        return (current & 0xffff_ffffL) | (value << 32);
    }

    private byte[] gather(List<ChainSegment> runs, int length) {
        byte[] out = new byte[length];
        int done = 0;
        for (Iterator<ChainSegment> it = runs.iterator(); it.hasNext() && done < length; ) {
            ChainSegment run = it.next();
            int part = (int) Math.min(run.length(), length - done);
            System.arraycopy(memory.read(run.address(), part), 0, out, done, part);
            done += part;
        }
        return out;
    }
}
