package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.DecodedChain;
import dev.vblk.virtio.queue.chain.MalformedChainException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The device side of a packed virtqueue (VirtIO 1.1 section 2.7, VIRTIO_F_RING_PACKED) over the
 * registers of a {@link DeviceVirtqueue}: the descriptor ring at QueueDesc, the driver event suppression
 * structure at QueueDriver and the device's own at QueueDevice. It takes available chains in ring
 * order under its wrap counter, refuses a buffer id that is already in flight, writes one used
 * descriptor per chain and skips the chain's other positions, and reads the driver's event
 * suppression to decide on interrupts.
 */
final class PackedRing implements RingEngine {

    private static final int DESC_SIZE = 16;
    private static final int EVENT_SIZE = 4;
    private static final int F_AVAIL = 1 << 7;
    private static final int F_USED = 1 << 15;
    private static final int EVENT_ENABLE = 0;
    private static final int EVENT_DISABLE = 1;
    private static final int EVENT_DESC = 2;
    private static final int WRAP = 1 << 15;

    private final DeviceVirtqueue queue;
    private final GuestDma dma;
    private final DeviceContext context;
    private final Set<Integer> inFlight = new HashSet<>();
    private final List<long[]> unpublished = new ArrayList<>();
    /** The flag words (address, value) of the last publication, the first one first. */
    private final List<long[]> lastPublished = new ArrayList<>();
    private int nextAvail;
    private boolean availWrap;
    private int nextUsed;
    private boolean usedWrap;
    /** Ring positions the used side has advanced since the reset. */
    private long usedCount;
    private long signalledCount;
    private boolean signalled;
    /** Resets so far: a watch set before the last reset no longer acts. */
    private int resets;

    PackedRing(DeviceVirtqueue queue, GuestDma dma, DeviceContext context) {
        this.queue = queue;
        this.dma = dma;
        this.context = context;
        reset();
    }

    @Override
    public void reset() {
        resets++;
        inFlight.clear();
        unpublished.clear();
        lastPublished.clear();
        nextAvail = 0;
        availWrap = true;
        nextUsed = 0;
        usedWrap = true;
        usedCount = 0;
        signalledCount = 0;
        signalled = false;
    }

    /** Throws unless the descriptor ring and both event suppression structures lie in RAM. */
    @Override
    public void checkRings() {
        dma.requireRam(queue.desc(), (long) DESC_SIZE * queue.num(), "packed descriptor ring");
        dma.requireRam(queue.driver(), EVENT_SIZE, "driver event suppression structure");
        dma.requireRam(queue.device(), EVENT_SIZE, "device event suppression structure");
    }

    /**
     * The next chain the driver made available, decoded by the shared decoder, or nothing when the
     * descriptor at the device's position is not available; a chain reusing a buffer id still in
     * flight is malformed.
     */
    @Override
    public Optional<Chain> next(boolean indirectAllowed) {
        if (!available(nextAvail, availWrap)) {
            return Optional.empty();
        }
        Chain chain;
        try {
            ChainFootprintReader reads = new ChainFootprintReader(dma);
            DecodedChain decoded = new ChainDecoder(reads, queue.desc(), queue.num(), indirectAllowed)
                    .decodePacked(nextAvail, availWrap);
            chain = Chain.of(decoded, ChainFootprint.of(decoded, reads.descriptors(), queue.desc(), queue.num(),
                    List.of(), List.of(new MemorySpan(queue.driver(), EVENT_SIZE)), true));
        } catch (MalformedChainException e) {
            throw new MalformedQueueException(e.address(), e.getMessage());
        }
        if (!inFlight.add(chain.head())) {
            throw new MalformedQueueException(descriptor(nextAvail), "packed chain at position " + nextAvail
                    + " reuses buffer id " + chain.head() + ", which is still in flight");
        }
        nextAvail += chain.descriptors();
        if (nextAvail >= queue.num()) {
            nextAvail -= queue.num();
            availWrap = !availWrap;
        }
        return Optional.of(chain);
    }

    /** Frees {@code chain}'s buffer id: the device has answered the chain. */
    @Override
    public void release(Chain chain) {
        inFlight.remove(chain.head());
    }

    /**
     * Writes a used descriptor for {@code chain} carrying {@code id} and {@code len} at the used
     * position, its flags held back until {@link #publish}, and skips the chain's positions.
     */
    @Override
    public void pushUsed(Chain chain, long id, long len) {
        long at = descriptor(nextUsed);
        byte[] body = new byte[6];
        LittleEndian.put(body, 0, 4, len);
        LittleEndian.put(body, 4, 2, id);
        dma.write(at + 8, body);
        unpublished.add(new long[] {at + 14, usedWrap ? F_AVAIL | F_USED : 0});
        skip(chain.descriptors());
    }

    @Override
    public void skipChain(Chain chain) {
        skip(chain.descriptors());
    }

    @Override
    public boolean showsNextAvailable(int next) {
        int position = next & ~WRAP;
        boolean wrap = (next & WRAP) != 0;
        if (position >= queue.num()) {
            return false;
        }
        int before = position == 0 ? queue.num() - 1 : position - 1;
        return available(before, position == 0 ? !wrap : wrap) && !available(position, wrap);
    }

    /** Whether the descriptor at {@code position} is marked available in the lap of wrap counter {@code wrap}. */
    private boolean available(int position, boolean wrap) {
        int flags = dma.u16(descriptor(position) + 14);
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) != wrap;
    }

    /**
     * Marks the next {@code positions} ring positions (at most the ring's size) used without filling
     * in their length or buffer id, as a split device whose used index jumps publishes elements it
     * never wrote.
     */
    @Override
    public void skipUsed(int positions) {
        for (int i = 0; i < Math.min(positions, queue.num()); i++) {
            unpublished.add(new long[] {descriptor(nextUsed) + 14, usedWrap ? F_AVAIL | F_USED : 0});
            skip(1);
        }
    }

    private void skip(int positions) {
        usedCount += positions;
        nextUsed += positions;
        while (nextUsed >= queue.num()) {
            nextUsed -= queue.num();
            usedWrap = !usedWrap;
        }
    }

    /** Makes the used descriptors written since the last call visible, the first one last. */
    @Override
    public void publish() {
        for (int i = 1; i <= unpublished.size(); i++) {
            long[] flags = unpublished.get(i % unpublished.size());
            dma.write(flags[0], flags[1], 2);
        }
        lastPublished.clear();
        lastPublished.addAll(unpublished);
        unpublished.clear();
    }

    /**
     * Whether the driver's event suppression asks for an interrupt for the used descriptors written
     * since the last call: never when disabled, always when enabled, and with {@code eventIndex}
     * when the used position passed the position the driver named (QEMU's vring_packed_need_event).
     * Flags the negotiated features forbid are a violation unless the suppression is ignored.
     */
    @Override
    public boolean wantsInterrupt(boolean eventIndex, boolean ignoreSuppression) {
        Optional<Boolean> wanted = driverWants(eventIndex);
        if (ignoreSuppression) {
            return true;
        }
        if (wanted.isEmpty()) {
            context.violation(ViolationKind.EVENT_SUPPRESSION, queue.driver(), "driver event suppression flags "
                    + (dma.u32(queue.driver()) >>> 16) + " are reserved or need VIRTIO_F_EVENT_IDX");
            return true;
        }
        return wanted.get();
    }

    /** The driver's answer, empty when its flags hold a value the negotiated features forbid. */
    private Optional<Boolean> driverWants(boolean eventIndex) {
        long old = signalledCount;
        boolean known = signalled;
        signalledCount = usedCount;
        signalled = true;
        long event = dma.u32(queue.driver());
        int flags = (int) (event >>> 16);
        if (flags == EVENT_ENABLE) {
            return Optional.of(true);
        }
        if (flags == EVENT_DISABLE) {
            return Optional.of(false);
        }
        if (flags != EVENT_DESC || !eventIndex) {
            return Optional.empty();
        }
        int offWrap = (int) (event & 0xffff);
        long lapStart = usedCount - nextUsed;
        long wanted = ((offWrap & WRAP) != 0) == usedWrap ? lapStart + (offWrap & ~WRAP)
                : lapStart - queue.num() + (offWrap & ~WRAP);
        return Optional.of(!known || (old <= wanted && wanted < usedCount));
    }

    @Override
    public void lieAboutUsedIndex(UsedIndexLie lie) {
        if (lastPublished.isEmpty()) {
            return;
        }
        switch (lie.kind()) {
            case BACKWARDS -> {
                List<long[]> taken = lastPublished.subList(Math.max(0, lastPublished.size() - lie.amount()),
                        lastPublished.size());
                for (long[] flags : taken) {
                    dma.write(flags[0], flags[1] ^ (F_AVAIL | F_USED), 2);
                }
            }
            case BEYOND_QUEUE -> {
                skipUsed(queue.num() + lie.amount());
                publish();
            }
            case REWRITTEN_AFTER_READ -> {
                long flagsAddress = lastPublished.get(0)[0];
                int since = resets;
                dma.afterDriverRead(flagsAddress, 2, () -> {
                    if (since == resets) {
                        dma.write(flagsAddress - 2, 0x8000 | (lie.amount() & 0x7fff), 2);
                    }
                });
            }
        }
    }

    /**
     * The queue size, a buffer id no chain carries: the id after the chain's may be that of a chain
     * the driver made available and the device has not fetched, which a driver under VIRTIO_F_IN_ORDER
     * rightly takes as used, with every chain before it.
     */
    @Override
    public long notAHead(Chain chain) {
        return queue.num();
    }

    @Override
    public long suppressionField(SuppressionLie.Field field) {
        return switch (field) {
            case DRIVER_FLAGS -> queue.driver() + 2;
            case DRIVER_EVENT -> queue.driver();
            case DEVICE_FLAGS -> queue.device() + 2;
            case DEVICE_EVENT -> queue.device();
        };
    }

    /** Writes the device event suppression structure: notify when the next chain is made available. */
    @Override
    public void askForNotification() {
        int offWrap = nextAvail | (availWrap ? WRAP : 0);
        dma.write(queue.device(), offWrap | ((long) EVENT_DESC << 16), 4);
    }

    private long descriptor(int position) {
        return queue.desc() + (long) DESC_SIZE * position;
    }
}
