package dev.vblk.replay;

import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.SplitVirtqueueLayout;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.DecodedChain;
import dev.vblk.virtio.queue.chain.MalformedChainException;
import dev.vblk.virtio.spec.DescriptorLayout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The second stage of request reconstruction: follows each queue's rings in guest memory as a device
 * that looks at them without waiting to be notified would. A driver write covering an available ring
 * entry (split) or a descriptor's flags (packed) names the operation then under way as the publisher
 * of the chain at that position; the chains are taken when the driver makes them available (split: a
 * write of the available ring's index, which hands over the entries up to it; packed: a write of
 * descriptor flags, after which the descriptors marked available from the device's position on are
 * taken), not at its next notification: a driver need not notify a device that said it is looking
 * (VIRTIO_F_EVENT_IDX, VIRTQ_USED_F_NO_NOTIFY, as QEMU does while it works through a queue), and may
 * see such a chain used and use its descriptors again before it next notifies. Each chain is decoded
 * by the driver's {@link ChainDecoder}, indirect tables included, the offsets those of the driver's
 * {@link SplitVirtqueueLayout} and {@link DescriptorLayout}; a driver read of a used element (split)
 * or of a used descriptor's length and buffer id (packed) is a completion, under VIRTIO_F_IN_ORDER of
 * every chain made available up to the one it names.
 */
final class RingTracker {

    private static final int DESCRIPTOR = DescriptorLayout.BYTES;
    private static final int SPLIT_STRIDE = SplitVirtqueueLayout.availableSlotOffset(1) - SplitVirtqueueLayout.availableSlotOffset(0);
    private static final int USED_ELEMENT = SplitVirtqueueLayout.USED_ELEMENT_SIZE;
    private static final int PACKED_LENGTH = DescriptorLayout.LENGTH_OFFSET;
    private static final int PACKED_ID = DescriptorLayout.PACKED_ID_OFFSET;
    private static final int PACKED_FLAGS = DescriptorLayout.PACKED_FLAGS_OFFSET;

    /** A chain made available on queue {@code queue} of the device in {@code slot}, and the operation that made it available. */
    record Available(int slot, int queue, DecodedChain chain, long operationId) {}

    /** Where the completions read go. */
    interface Completions {
        /**
         * The driver saw the device complete the chain {@code head} (split) or buffer {@code head}
         * (packed); with {@code inOrder} (VIRTIO_F_IN_ORDER) every chain made available before it too.
         */
        void completed(int slot, int queue, int head, long length, boolean inOrder);
    }

    /** How far the device has taken one queue's ring, and who published what is on it. */
    private static final class Progress {
        int lastAvail;
        boolean availWrap = true;
        /** By ring position: the operation that made the chain there available, 0 for none seen. */
        long[] publishers = new long[0];

        void published(int position, int size, long operation) {
            if (publishers.length != size) {
                publishers = new long[size];
            }
            publishers[position] = operation;
        }

        long publisher(int position, long otherwise) {
            return position < publishers.length && publishers[position] != 0 ? publishers[position] : otherwise;
        }
    }

    /** One queue of one device. */
    private record QueueKey(int slot, int queue) {}

    private final TransportDecoder transport;
    private final GuestMemoryImage memory;
    private final Map<QueueKey, Progress> progress = new HashMap<>();

    RingTracker(TransportDecoder transport, GuestMemoryImage memory) {
        this.transport = transport;
        this.memory = memory;
    }

    /**
     * Takes a driver write of {@code length} bytes at {@code address}, already in guest memory: the
     * positions it covers were published by {@code operation}, and it returns the chains it made
     * available (on a split queue whose available index it wrote, the entries up to that index; on a
     * packed queue whose descriptor flags it wrote, the chains marked available from the device's
     * position on). A chain no operation was seen publishing belongs to {@code operation}.
     */
    List<Available> written(long address, int length, long operation) {
        long end = address + length;
        List<Available> taken = new ArrayList<>();
        transport.devices().forEach((slot, device) -> device.queues.forEach((index, queue) -> {
            if (!queue.configured()) {
                return;
            }
            long first = device.packed ? queue.descriptors + PACKED_FLAGS
                    : queue.driverArea + SplitVirtqueueLayout.availableSlotOffset(0);
            long stride = device.packed ? DESCRIPTOR : SPLIT_STRIDE;
            long from = Math.max(0, Math.floorDiv(address - first + stride - 1, stride));
            Progress ring = progress(slot, index);
            for (long position = from; position < queue.size && first + stride * position < end; position++) {
                ring.published((int) position, queue.size, operation);
            }
            if (device.packed) {
                if (address < queue.descriptors + (long) DESCRIPTOR * queue.size && end > queue.descriptors) {
                    takePacked(slot, index, queue, operation, taken);
                }
            } else {
                long availableIndex = queue.driverArea + SplitVirtqueueLayout.availableIndexOffset();
                if (address < availableIndex + 2 && end > availableIndex) {
                    takeSplit(slot, index, queue, operation, taken);
                }
            }
        }));
        return taken;
    }

    private void takeSplit(int slot, int index, TransportDecoder.Queue queue, long operation, List<Available> taken) {
        Progress ring = progress(slot, index);
        int availIdx = (int) memory.little(queue.driverArea + SplitVirtqueueLayout.availableIndexOffset(), 2);
        int available = (availIdx - ring.lastAvail) & 0xffff;
        if (available > queue.size) {
            return;
        }
        for (int n = 0; n < available; n++) {
            int position = ring.lastAvail % queue.size;
            int head = (int) memory.little(queue.driverArea + SplitVirtqueueLayout.availableSlotOffset(position), 2);
            ring.lastAvail = (ring.lastAvail + 1) & 0xffff;
            try {
                DecodedChain chain = new ChainDecoder(memory::read, queue.descriptors, queue.size, true).decode(head);
                taken.add(new Available(slot, index, chain, ring.publisher(position, operation)));
            } catch (MalformedChainException e) {
                // Left out: no request can be read from it.
            }
        }
    }

    /** Takes the packed chains marked available from the device's position on, as a device would. */
    private void takePacked(int slot, int index, TransportDecoder.Queue queue, long operation, List<Available> taken) {
        Progress ring = progress(slot, index);
        for (int n = 0; n < queue.size; n++) {
            int flags = (int) memory.little(queue.descriptors + (long) DESCRIPTOR * ring.lastAvail
                    + PACKED_FLAGS, 2);
            if (!DescriptorLayout.isAvailable(flags, ring.availWrap)) {
                return;
            }
            DecodedChain chain;
            try {
                chain = new ChainDecoder(memory::read, queue.descriptors, queue.size, true).decodePacked(ring.lastAvail,
                        ring.availWrap);
            } catch (MalformedChainException e) {
                return;
            }
            long publisher = ring.publisher(ring.lastAvail, operation);
            ring.lastAvail += chain.ringDescriptors();
            if (ring.lastAvail >= queue.size) {
                ring.lastAvail -= queue.size;
                ring.availWrap = !ring.availWrap;
            }
            taken.add(new Available(slot, index, chain, publisher));
        }
    }

    /** Hands {@code completions} the completions a driver read of guest memory shows, queue by queue. */
    void read(long address, byte[] data, Completions completions) {
        transport.devices().forEach((slot, device) -> device.queues.forEach((index, queue) -> {
            if (!queue.configured()) {
                return;
            }
            if (device.packed) {
                usedDescriptorsRead(slot, index, queue, device.inOrder, address, data, completions);
            } else {
                usedElementsRead(slot, index, queue, device.inOrder, address, data, completions);
            }
        }));
    }

    private static void usedElementsRead(int slot, int index, TransportDecoder.Queue queue, boolean inOrder, long address,
            byte[] data, Completions completions) {
        long end = address + data.length;
        long elements = queue.deviceArea + SplitVirtqueueLayout.usedSlotOffset(0);
        long from = Math.max(address, elements);
        long to = Math.min(end, elements + (long) USED_ELEMENT * queue.size);
        for (long element = elements + Math.floorDiv(from - elements + USED_ELEMENT - 1, USED_ELEMENT) * USED_ELEMENT;
                element + USED_ELEMENT <= to; element += USED_ELEMENT) {
            int at = (int) (element - address);
            completions.completed(slot, index, (int) LittleEndian.get(data, at, 4), LittleEndian.get(data, at + 4, 4), inOrder);
        }
    }

    /**
     * The driver reads a packed used descriptor's length and buffer id (its flags first, on their
     * own) only once the flags said it is used: each read covering both is a completion.
     */
    private static void usedDescriptorsRead(int slot, int index, TransportDecoder.Queue queue, boolean inOrder, long address,
            byte[] data, Completions completions) {
        long end = address + data.length;
        int idAfterLength = PACKED_ID - PACKED_LENGTH;
        long first = Math.max(0, Math.floorDiv(address - queue.descriptors - PACKED_LENGTH,
                DESCRIPTOR));
        for (long n = first; n < queue.size; n++) {
            long length = queue.descriptors + DESCRIPTOR * n + PACKED_LENGTH;
            if (length >= end) {
                return;
            }
            if (length >= address && length + idAfterLength + 2 <= end) {
                int at = (int) (length - address);
                completions.completed(slot, index, (int) LittleEndian.get(data, at + idAfterLength, 2),
                        LittleEndian.get(data, at, 4), inOrder);
            }
        }
    }

    /** The device in {@code slot} was reset: its queues start again from their first position. */
    void reset(int slot) {
        progress.keySet().removeIf(key -> key.slot() == slot);
    }

    /** Queue {@code queue} of the device in {@code slot} was reset by itself: its ring starts again from its first position. */
    void reset(int slot, int queue) {
        progress.remove(new QueueKey(slot, queue));
    }

    private Progress progress(int slot, int queue) {
        return progress.computeIfAbsent(new QueueKey(slot, queue), key -> new Progress());
    }
}
