package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import java.util.List;
import java.util.Optional;

/**
 * The registers of the device's virtqueues, as either front end reaches them: QueueNumMax, the size,
 * the three ring addresses, readiness and (VIRTIO_F_RING_RESET) the reset of one queue. A write the
 * specification does not allow is a {@code QUEUE_SETUP} violation at the address of the access.
 */
public final class QueueRegisters {

    private final VirtioCore core;
    private final FakeBlkConfig config;
    private final DeviceFaults faults;
    private final DeviceContext context;
    private final List<DeviceVirtqueue> queues;
    private final RequestPipeline pipeline;

    QueueRegisters(VirtioCore core, FakeBlkConfig config, DeviceFaults faults, DeviceContext context,
            List<DeviceVirtqueue> queues, RequestPipeline pipeline) {
        this.core = core;
        this.config = config;
        this.faults = faults;
        this.context = context;
        this.queues = queues;
        this.pipeline = pipeline;
    }

    /** QueueNumMax of queue {@code queue}: 0 when the device has no such queue. */
    public long queueNumMax(int queue) {
        return queue(queue).isPresent() ? faults.queueNumMax(config.queueNumMax()) : 0;
    }

    /** Whether queue {@code queue} exists and is ready. */
    public boolean queueReady(int queue) {
        return queue(queue).map(DeviceVirtqueue::ready).orElse(false);
    }

    /** The driver sets queue {@code queue}'s size: a power of two up to QueueNumMax and 32768. */
    public void setQueueNum(int queue, long value, long at) {
        Optional<DeviceVirtqueue> ring = writableQueue(queue, "QueueNum", at);
        if (ring.isEmpty()) {
            return;
        }
        long max = faults.queueNumMax(config.queueNumMax());
        if (value == 0 || value > max || value > 0x8000) {
            context.violation(ViolationKind.QUEUE_SETUP, at, "QueueNum " + value + " outside 1.."
                    + Math.min(max, 0x8000) + "; ignored");
            return;
        }
        if (Long.bitCount(value) != 1) {
            context.violation(ViolationKind.QUEUE_SETUP, at, "QueueNum " + value + " is not a power of two");
        }
        ring.get().setNum((int) value);
    }

    /** The driver sets the low or {@code high} 32 bits of the address of queue {@code queue}'s {@code area}. */
    public void setQueueAddress(int queue, RingArea area, boolean high, long value, long at) {
        Optional<DeviceVirtqueue> selected = writableQueue(queue, area.register(high), at);
        if (selected.isEmpty()) {
            return;
        }
        DeviceVirtqueue ring = selected.get();
        long current = ring.address(area);
        ring.setAddress(area, high ? (current & 0xffffffffL) | (value << 32) : (current & 0xffffffff00000000L) | value);
    }

    /** The driver makes queue {@code queue} ready ({@code value} not 0) or not; its rings must be aligned. */
    public void setQueueReady(int queue, long value, long at) {
        Optional<DeviceVirtqueue> selected = queue(queue);
        if (selected.isEmpty()) {
            context.violation(ViolationKind.QUEUE_SETUP, at, "QueueReady written for queue " + queue
                    + ", which does not exist; ignored");
            return;
        }
        DeviceVirtqueue ring = selected.get();
        if (value != 0 && !ring.ready()) {
            int driverAlignment = core.packedRing() ? 4 : 2;
            if (ring.desc() % 16 != 0 || ring.driver() % driverAlignment != 0 || ring.device() % 4 != 0) {
                context.violation(ViolationKind.QUEUE_SETUP, at, String.format(
                        "misaligned rings: desc 0x%x (16), driver 0x%x (%d), device 0x%x (4)",
                        ring.desc(), ring.driver(), driverAlignment, ring.device()));
            }
        }
        ring.setReady(value != 0);
    }

    /**
     * What the driver reads from a queue's reset register: 0, as the fake resets a queue at once
     * when 1 is written (a device presents 1 while a reset is under way); a violation without
     * VIRTIO_F_RING_RESET negotiated.
     */
    public long readQueueReset(long at) {
        ringResetAllowed(at);
        return 0;
    }

    /** The driver writes {@code value} to queue {@code queue}'s reset register: 1 resets the queue. */
    public void writeQueueReset(int queue, long value, long at) {
        if (ringResetAllowed(at) && value == 1) {
            resetQueue(queue);
        }
    }

    /** Whether VIRTIO_F_RING_RESET was negotiated, so that QueueReset may be used; a violation if not. */
    private boolean ringResetAllowed(long at) {
        if ((core.negotiatedFeatures() & bit(VirtioBlk.F_RING_RESET)) == 0) {
            context.violation(ViolationKind.QUEUE_SETUP, at, "QueueReset used without VIRTIO_F_RING_RESET negotiated");
            return false;
        }
        return true;
    }

    /** A virtqueue reset (VIRTIO_F_RING_RESET): queue {@code queue}, if any, forgets its ring and requests. */
    private void resetQueue(int queue) {
        queue(queue).ifPresent(ring -> {
            ring.reset(config.queueNumMax());
            pipeline.resetQueue(queue);
        });
    }

    /** Queue {@code queue}, if the device has it. */
    Optional<DeviceVirtqueue> queue(int queue) {
        return queue >= 0 && queue < queues.size() ? Optional.of(queues.get(queue)) : Optional.empty();
    }

    /** Queue {@code queue} if {@code register} may be written for it; a violation otherwise. */
    private Optional<DeviceVirtqueue> writableQueue(int queue, String register, long at) {
        Optional<DeviceVirtqueue> selected = queue(queue);
        if (selected.isEmpty()) {
            context.violation(ViolationKind.QUEUE_SETUP, at, register + " written for queue " + queue
                    + ", which does not exist; ignored");
            return Optional.empty();
        }
        if (selected.get().ready()) {
            context.violation(ViolationKind.QUEUE_SETUP, at, register + " written while the queue is ready");
        }
        return selected;
    }
}
