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
 * would. A driver write covering an available ring entry (split) or a descriptor's flags (packed)
 * makes the chain at that position available, by the operation then under way; at a notification
 * the chains made available since the last are taken (split: the available ring's new entries;
 * packed: the descriptors marked available from the device's position on), each decoded by the
 * driver's {@link ChainDecoder}, indirect tables included, the offsets those of the driver's
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

    /** A chain made available, and the operation that made it available. */
    record Available(DecodedChain chain, long operationId) {}

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

    /** Notes the chains a driver write of {@code length} bytes at {@code address} makes available, by {@code operation}. */
    void written(long address, int length, long operation) {
        long end = address + length;
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
        }));
    }

    /**
     * The chains made available on a queue since its last notification; a chain no operation was
     * seen publishing belongs to {@code operation}.
     */
    List<Available> notified(int slot, int index, TransportDecoder.Queue queue, boolean packed, long operation) {
        List<Available> taken = new ArrayList<>();
        if (queue.configured()) {
            if (packed) {
                takePacked(progress(slot, index), queue, operation, taken);
            } else {
                takeSplit(progress(slot, index), queue, operation, taken);
            }
        }
        return taken;
    }

    private void takeSplit(Progress ring, TransportDecoder.Queue queue, long operation, List<Available> taken) {
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
                taken.add(new Available(chain, ring.publisher(position, operation)));
            } catch (MalformedChainException e) {
                // Left out: no request can be read from it.
            }
        }
    }

    /** Takes the packed chains marked available from the device's position on, as a device would. */
    private void takePacked(Progress ring, TransportDecoder.Queue queue, long operation, List<Available> taken) {
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
            taken.add(new Available(chain, publisher));
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
