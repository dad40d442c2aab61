package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import java.util.HashMap;
import java.util.Map;

/**
 * The first stage of request reconstruction: decodes a trace's virtio-mmio register accesses into
 * what they say of each device's queues. QueueSel chooses the queue whose size and ring addresses the
 * queue registers set, the driver's second feature page whether the rings are split or packed
 * (VIRTIO_F_RING_PACKED) and whether the device uses chains in order (VIRTIO_F_IN_ORDER); a reset
 * (Status written 0), a reset of the selected queue alone (QueueReset written 1, VIRTIO_F_RING_RESET)
 * and DEVICE_NEEDS_RESET read in Status are handed to the next stages. QueueNotify is not needed: the
 * ring writes say when a chain is made available ({@link RingTracker}).
 */
final class TransportDecoder {

    /** VIRTIO_F_RING_PACKED in the second feature page. */
    private static final long PACKED_IN_PAGE_1 = 1L << (FeatureBits.RING_PACKED - 32);
    /** VIRTIO_F_IN_ORDER in the second feature page. */
    private static final long IN_ORDER_IN_PAGE_1 = 1L << (FeatureBits.IN_ORDER - 32);

    /** What the next stages are told. */
    interface Listener {
        /** The driver reset the device in {@code slot}. */
        void reset(int slot);

        /** The driver reset queue {@code queue} of the device in {@code slot} by itself. */
        void queueReset(int slot, int queue);

        /** The driver read DEVICE_NEEDS_RESET in the Status of the device in {@code slot}. */
        void needsReset(int slot);
    }

    /** The registers of one queue: its size and the addresses of its descriptor, driver and device areas. */
    static final class Queue {
        int size;
        long descriptors;
        long driverArea;
        long deviceArea;

        boolean configured() {
            return size > 0 && descriptors != 0 && driverArea != 0 && deviceArea != 0;
        }
    }

    /** One device's selectors, ring kind and queues. */
    static final class Device {
        int select;
        int featureSelect;
        boolean packed;
        /** VIRTIO_F_IN_ORDER: one used entry may stand for every chain made available up to the one it names. */
        boolean inOrder;
        final Map<Integer, Queue> queues = new HashMap<>();
    }

    private final MmioWindow window;
    private final Listener listener;
    private final Map<Integer, Device> devices = new HashMap<>();

    TransportDecoder(MmioWindow window, Listener listener) {
        this.window = window;
        this.listener = listener;
    }

    /** The devices the driver wrote registers of, by slot. */
    Map<Integer, Device> devices() {
        return devices;
    }

    /** Takes a register write. */
    void write(TraceEvent.RegisterWrite write) {
        int slot = slotOf(write.address());
        if (slot < 0) {
            return;
        }
        Device device = devices.computeIfAbsent(slot, s -> new Device());
        int offset = offsetOf(write.address());
        long value = write.value() & 0xffff_ffffL;
        if (offset == MmioRegister.STATUS.offset() && value == 0) {
            listener.reset(slot);
            device.packed = false;
            device.inOrder = false;
        } else if (offset == MmioRegister.DRIVER_FEATURES_SEL.offset()) {
            device.featureSelect = (int) value;
        } else if (offset == MmioRegister.DRIVER_FEATURES.offset()) {
            if (device.featureSelect == 1) {
                device.packed = (value & PACKED_IN_PAGE_1) != 0;
                device.inOrder = (value & IN_ORDER_IN_PAGE_1) != 0;
            }
        } else if (offset == MmioRegister.QUEUE_SEL.offset()) {
            device.select = (int) value;
        } else if (offset == MmioRegister.QUEUE_RESET.offset()) {
            if (value == 1) {
                listener.queueReset(slot, device.select);
            }
        } else {
            queueRegister(device.queues.computeIfAbsent(device.select, index -> new Queue()), offset, value);
        }
    }

    /** Takes a register read. */
    void read(TraceEvent.RegisterRead read) {
        int slot = slotOf(read.address());
        if (slot >= 0 && offsetOf(read.address()) == MmioRegister.STATUS.offset()
                && (read.value() & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            listener.needsReset(slot);
        }
    }

    private static void queueRegister(Queue queue, int offset, long value) {
        if (offset == MmioRegister.QUEUE_NUM.offset()) {
            queue.size = (int) value;
        } else if (offset == MmioRegister.QUEUE_DESC_LOW.offset()) {
            queue.descriptors = low(queue.descriptors, value);
        } else if (offset == MmioRegister.QUEUE_DESC_HIGH.offset()) {
            queue.descriptors = high(queue.descriptors, value);
        } else if (offset == MmioRegister.QUEUE_DRIVER_LOW.offset()) {
            queue.driverArea = low(queue.driverArea, value);
        } else if (offset == MmioRegister.QUEUE_DRIVER_HIGH.offset()) {
            queue.driverArea = high(queue.driverArea, value);
        } else if (offset == MmioRegister.QUEUE_DEVICE_LOW.offset()) {
            queue.deviceArea = low(queue.deviceArea, value);
        } else if (offset == MmioRegister.QUEUE_DEVICE_HIGH.offset()) {
            queue.deviceArea = high(queue.deviceArea, value);
        }
    }

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
}
