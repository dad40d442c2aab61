package dev.vblk.fake.blk;

import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.DecodedChain;
import dev.vblk.virtio.queue.chain.MalformedChainException;
import java.util.List;
import java.util.Optional;

/**
 * The device side of a split virtqueue (VirtIO 1.1 section 2.6) over a {@link DeviceVirtqueue}'s
 * registers: the descriptor table at QueueDesc, the available ring at QueueDriver and the used ring
 * at QueueDevice. It takes heads from the available ring in order, writes used elements at its used
 * index and publishes the index, and reads used_event or VIRTQ_AVAIL_F_NO_INTERRUPT to decide on
 * interrupts.
 */
final class SplitRing implements RingEngine {

    private static final int DESC_SIZE = 16;

    private final DeviceVirtqueue queue;
    private final GuestDma dma;
    private int lastAvail;
    private int usedIdx;
    /** The used index the driver saw before the last publication, and the one it sees now. */
    private int previousPublished;
    private int published;
    /** Resets so far: a watch set before the last reset no longer acts. */
    private int resets;

    SplitRing(DeviceVirtqueue queue, GuestDma dma) {
        this.queue = queue;
        this.dma = dma;
    }

    @Override
    public void reset() {
        resets++;
        lastAvail = 0;
        usedIdx = 0;
        previousPublished = 0;
        published = 0;
    }

    @Override
    public void checkRings() {
        int num = queue.num();
        dma.requireRam(queue.desc(), (long) DESC_SIZE * num, "descriptor table");
        dma.requireRam(queue.driver(), 6L + 2L * num, "available ring");
        dma.requireRam(queue.device(), 6L + 8L * num, "used ring");
    }

    /**
     * The chain whose head is the next available entry, decoded with the shared decoder: indices
     * inside the table, no loops, buffers non-empty and inside RAM, readable buffers before writable
     * ones, an indirect table only when {@code indirectAllowed}.
     */
    @Override
    public Optional<Chain> next(boolean indirectAllowed) {
        int num = queue.num();
        int available = (dma.u16(queue.driver() + 2) - lastAvail) & 0xffff;
        if (available == 0) {
            return Optional.empty();
        }
        if (available > num) {
            throw new MalformedQueueException(queue.driver(), "available index moved " + available
                    + " entries past the device's position, more than the queue size " + num);
        }
        long slot = queue.driver() + 4 + 2L * (lastAvail % num);
        int head = dma.u16(slot);
        lastAvail = (lastAvail + 1) & 0xffff;
        try {
            ChainFootprintReader reads = new ChainFootprintReader(dma);
            DecodedChain decoded = new ChainDecoder(reads, queue.desc(), num, indirectAllowed).decode(head);
            return Optional.of(Chain.of(decoded, ChainFootprint.of(decoded, reads.descriptors(), queue.desc(), num,
                    List.of(new MemorySpan(slot, 2)),
                    List.of(new MemorySpan(queue.driver(), 4), new MemorySpan(queue.driver() + 4 + 2L * num, 2)), false)));
        } catch (MalformedChainException e) {
            throw new MalformedQueueException(e.address(), e.getMessage());
        }
    }

    @Override
    public void release(Chain chain) {
        // A split ring's head index is free again once its used element is published.
    }

    @Override
    public void pushUsed(Chain chain, long id, long len) {
        long at = queue.device() + 4 + 8L * (usedIdx % queue.num());
        dma.write(at, id, 4);
        dma.write(at + 4, len, 4);
        skipUsed(1);
    }

    @Override
    public void skipChain(Chain chain) {
        skipUsed(1);
    }

    @Override
    public boolean showsNextAvailable(int next) {
        return next == dma.u16(queue.driver() + 2);
    }

    @Override
    public void skipUsed(int positions) {
        usedIdx = (usedIdx + positions) & 0xffff;
    }

    @Override
    public void publish() {
        dma.write(queue.device() + 2, usedIdx, 2);
        previousPublished = published;
        published = usedIdx;
    }

    /**
     * vring_need_event(used_event, new, old) over the last publication with {@code eventIndex}
     * (VirtIO 1.1 section 2.6.7.2), else unless VIRTQ_AVAIL_F_NO_INTERRUPT is set.
     */
    @Override
    public boolean wantsInterrupt(boolean eventIndex, boolean ignoreSuppression) {
        if (ignoreSuppression) {
            return true;
        }
        if (eventIndex) {
            int event = dma.u16(queue.driver() + 4 + 2L * queue.num());
            return ((published - event - 1) & 0xffff) < ((published - previousPublished) & 0xffff);
        }
        return (dma.u16(queue.driver()) & VirtioBlk.AVAIL_F_NO_INTERRUPT) == 0;
    }

    @Override
    public void lieAboutUsedIndex(UsedIndexLie lie) {
        long at = queue.device() + 2;
        switch (lie.kind()) {
            case BACKWARDS -> dma.write(at, (published - lie.amount()) & 0xffff, 2);
            case BEYOND_QUEUE -> dma.write(at, (published + queue.num() + lie.amount()) & 0xffff, 2);
            case REWRITTEN_AFTER_READ -> {
                int since = resets;
                dma.afterDriverRead(at, 2, () -> {
                    if (since == resets) {
                        dma.write(at, (published - lie.amount()) & 0xffff, 2);
                    }
                });
            }
        }
    }

    /**
     * The head's next descriptor when it has one (F_NEXT), else the queue size, which no descriptor
     * has: the descriptor after the head may head a chain the driver made available and the device has
     * not fetched, which a driver under VIRTIO_F_IN_ORDER rightly takes as used, with every chain
     * before it.
     */
    @Override
    public long notAHead(Chain chain) {
        long descriptor = queue.desc() + (long) DESC_SIZE * chain.head();
        boolean next = (dma.u16(descriptor + 12) & VirtioBlk.DESC_F_NEXT) != 0;
        return next ? dma.u16(descriptor + 14) : queue.num();
    }

    @Override
    public long suppressionField(SuppressionLie.Field field) {
        return switch (field) {
            case DRIVER_FLAGS -> queue.driver();
            case DRIVER_EVENT -> queue.driver() + 4 + 2L * queue.num();
            case DEVICE_FLAGS -> queue.device();
            case DEVICE_EVENT -> queue.device() + 4 + 8L * queue.num();
        };
    }

    /** Writes avail_event: notify once the available index passes the device's position. */
    @Override
    public void askForNotification() {
        dma.write(queue.device() + 4 + 8L * queue.num(), lastAvail, 2);
    }
}
