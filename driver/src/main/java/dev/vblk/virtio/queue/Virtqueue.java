package dev.vblk.virtio.queue;

import dev.vblk.dma.PhysicalRun;
import java.util.List;

/**
 * The driver's side of one virtqueue, whatever its ring layout: descriptor chains made available to
 * the device, notification suppression, and checked consumption of what the device returns. The
 * split ring ({@link SplitVirtqueue}) and the packed ring ({@link PackedVirtqueue}) implement it.
 *
 * <p>Calls that break the protocol on the device's side are reported as
 * {@link dev.vblk.virtio.VirtioException}s of kind PROTOCOL_VIOLATION.
 */
public interface Virtqueue {

    /** The queue's number on its device. */
    int index();

    /** The number of descriptors in the ring. */
    int size();

    /** Guest-physical address of the descriptor area, as the transport programs it. */
    long descriptorArea();

    /** Guest-physical address of the driver area (the available ring of a split queue, the driver event suppression structure of a packed one). */
    long driverArea();

    /** Guest-physical address of the device area (the used ring of a split queue, the device event suppression structure of a packed one). */
    long deviceArea();

    /** The guest memory behind the descriptor, driver and device areas: what the device reaches of the ring. */
    List<PhysicalRun> memory();

    /** Whether chains may go into indirect tables (VIRTIO_F_INDIRECT_DESC was negotiated). */
    boolean indirect();

    /** Descriptors of the ring not taken by an in-flight chain. */
    int freeDescriptors();

    /** Chains made available and not yet returned. */
    int inFlight();

    /** Ring descriptors a chain of {@code segments} takes: 1 when it goes into an indirect table. */
    default int descriptorsFor(int segments) {
        return indirect() && segments > 1 ? 1 : segments;
    }

    /**
     * Makes {@code chain} available to the device, in ring descriptors or, when {@link #indirect()}
     * and the chain has more than one segment, in the indirect table at {@code indirectTable}
     * (16 bytes a segment, owned by the caller until the chain returns). The caller notifies the
     * device when {@link #notificationNeeded()} says so.
     *
     * @return the token the chain's completion carries (its head descriptor's index, or its buffer id
     *     on a packed ring)
     */
    int submit(List<BufferSegment> chain, long indirectTable);

    /**
     * Whether the device must be notified of the chains made available since the last call: always
     * when there are any, unless the device asked not to be (the event index, VIRTIO_F_EVENT_IDX).
     */
    boolean notificationNeeded();

    /**
     * The notification data of VIRTIO_F_NOTIFICATION_DATA (VirtIO 1.1, "Driver Notifications"): the queue's
     * index in bits 0 to 15, and in bits 16 to 31 where the next chain will be made available (split:
     * the available index; packed: the ring position in bits 16 to 30, the driver's wrap counter in bit 31).
     */
    long notificationData();

    /**
     * Asks the device to interrupt when the next chain returns (with the event index, by writing
     * used_event; otherwise interrupts are always on).
     *
     * @return whether chains have returned already that the device may not interrupt for, so that
     *     the caller collects them instead of waiting (only with the event index)
     */
    boolean enableUsedNotification();

    /**
     * Takes every chain the device has returned since the last call, checking each before believing
     * it, in the order the device returned them. When a returned chain breaks the rules, the chains
     * returned correctly before it are still given back, and the violation is thrown by the next call.
     *
     * @throws dev.vblk.virtio.VirtioException of kind PROTOCOL_VIOLATION for a used ring the driver
     *     cannot believe
     */
    List<UsedElement> collectUsed();

    /**
     * Whether {@link #collectUsed()} met a chain that breaks the rules after chains it gave back, so
     * that its next call throws the violation.
     */
    boolean violationPending();

    /** Returns the ring's memory to the allocator. The device must no longer use the queue. */
    void release();

    /**
     * Releases this ring and allocates a fresh one of the same kind, index, size and options, with
     * nothing in flight: what a queue reset (VIRTIO_F_RING_RESET) starts over with. The device must
     * no longer use the queue.
     *
     * @throws dev.vblk.virtio.VirtioException OUT_OF_MEMORY if the platform refuses the frames
     */
    Virtqueue renew();
}
