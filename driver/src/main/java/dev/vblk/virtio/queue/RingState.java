package dev.vblk.virtio.queue;

import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
import java.util.Arrays;
import java.util.List;

/**
 * What the split and packed rings keep alike behind {@link Virtqueue}: the queue's memory and its
 * three areas, the negotiated options, the chains in flight by token (a split chain's head
 * descriptor, a packed chain's buffer id) with their writable bytes and ring descriptors, the count
 * of free descriptors, a used-ring violation kept for the next collection, and with VIRTIO_F_IN_ORDER
 * the order the chains were made available in, so that one used entry naming the last chain of a batch
 * gives back the whole batch.
 */
abstract class RingState implements Virtqueue {

    /** The tokens a new ring keeps room for at first. */
    private static final int INITIAL_TOKENS = 16;

    final Platform platform;
    final boolean eventIndex;
    /** Whether VIRTIO_F_IN_ORDER was negotiated: the device uses chains in the order they were made available. */
    final boolean inOrder;
    /** A violation met after chains that were returned correctly: thrown by the next {@link #collectUsed()}. */
    final DeferredViolation deferredViolation = new DeferredViolation();
    private final int index;
    private final int size;
    private final String owner;
    private final QueueMemory memory;
    private final boolean indirect;
    /**
     * For each token in flight: its chain's device-writable byte count plus one; 0 otherwise (a new
     * array says none). Grown as tokens are used, up to the ring's size: most rings only ever use a few.
     */
    private long[] inFlightWritable;
    /** For each token in flight: the ring descriptors its chain takes; as long as {@link #inFlightWritable}. */
    private int[] chainLength;
    /** With {@link #inOrder} (else null): the tokens in flight in the order they were made available, a circular queue. */
    private final int[] availableOrder;
    private int oldest;
    private int inFlightCount;
    private int freeCount;

    RingState(Platform platform, int index, int size, String owner, QueueMemory memory, boolean indirect,
            boolean eventIndex, boolean inOrder) {
        this.platform = platform;
        this.index = index;
        this.size = size;
        this.owner = owner;
        this.memory = memory;
        this.indirect = indirect;
        this.eventIndex = eventIndex;
        this.inOrder = inOrder;
        this.availableOrder = inOrder ? new int[size] : null;
        this.inFlightWritable = new long[Math.min(size, INITIAL_TOKENS)];
        this.chainLength = new int[inFlightWritable.length];
        this.freeCount = size;
    }

    @Override
    public void release() {
        memory.release();
    }

    @Override
    public List<PhysicalRun> memory() {
        return memory.runs();
    }

    /** How errors of the ring name the device. */
    String owner() {
        return owner;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long descriptorArea() {
        return memory.part(0);
    }

    @Override
    public long driverArea() {
        return memory.part(1);
    }

    @Override
    public long deviceArea() {
        return memory.part(2);
    }

    @Override
    public boolean indirect() {
        return indirect;
    }

    @Override
    public int freeDescriptors() {
        return freeCount;
    }

    @Override
    public int inFlight() {
        return inFlightCount;
    }

    @Override
    public boolean violationPending() {
        return deferredViolation.pending();
    }

    /**
     * The ring descriptors {@code chain} takes.
     *
     * @throws IllegalStateException if it is empty, longer than the ring, or needs more descriptors than are free
     */
    final int descriptorsNeeded(List<BufferSegment> chain) {
        int needed = descriptorsFor(chain.size());
        if (chain.isEmpty() || needed > freeCount || chain.size() > size) {
            throw new IllegalStateException("chain of " + chain.size() + " descriptors, " + freeCount + " free");
        }
        return needed;
    }

    /** Counts a chain made available under {@code token}, taking {@code descriptors} ring descriptors. */
    final void track(int token, long writable, int descriptors) {
        if (token >= inFlightWritable.length) {
            int length = grownLength(token, inFlightWritable.length);
            inFlightWritable = Arrays.copyOf(inFlightWritable, length);
            chainLength = Arrays.copyOf(chainLength, length);
        }
        inFlightWritable[token] = writable + 1;
        chainLength[token] = descriptors;
        if (inOrder) {
            availableOrder[(oldest + inFlightCount) % size] = token;
        }
        inFlightCount++;
        freeCount -= descriptors;
    }

    /** Forgets the chain of {@code token}, which the device returned; the ring descriptors it took. */
    final int untrack(int token) {
        int descriptors = chainLength[token];
        freeCount += descriptors;
        inFlightWritable[token] = 0;
        chainLength[token] = 0;
        inFlightCount--;
        if (inOrder) {
            oldest = (oldest + 1) % size;
        }
        return descriptors;
    }

    /**
     * With {@link #inOrder}: how many of the {@code limit} chains made available first form the batch
     * a used entry naming {@code token} ends (VirtIO 1.1 sections 2.6.9 and 2.7.8), or 0 when
     * {@code token} is none of them: the device used a chain out of order or left one out.
     */
    final int inOrderBatch(long token, int limit) {
        for (int n = 0; n < Math.min(limit, inFlightCount); n++) {
            if (availableOrder[(oldest + n) % size] == token) {
                return n + 1;
            }
        }
        return 0;
    }

    /** With {@link #inOrder}: the token of the chain in flight that was made available first. */
    final int oldestToken() {
        return availableOrder[oldest];
    }

    /**
     * What the driver takes a chain of a batch to have written (VirtIO 1.1 sections 2.6.9 and 2.7.8):
     * {@code length} for the chain the used entry names, every writable byte for the chains before it,
     * whose used entries the device skipped.
     */
    final UsedElement batchMember(int token, long named, long length) {
        return new UsedElement(token, (int) (token == named ? length : writable(token)));
    }

    /**
     * The length a per-descriptor or per-token array of {@code length} grows to so that it covers
     * {@code index}: doubled at least, at most the ring's size.
     */
    final int grownLength(int index, int length) {
        return Math.min(size, Math.max(index + 1, 2 * length));
    }

    /** Whether {@code token} names a chain in flight. */
    final boolean isInFlight(long token) {
        return token >= 0 && token < inFlightWritable.length && inFlightWritable[(int) token] > 0;
    }

    /** The device-writable bytes of the chain in flight under {@code token}. */
    final long writable(int token) {
        return inFlightWritable[token] - 1;
    }

    /** A PROTOCOL_VIOLATION naming the queue. */
    final VirtioException violation(String detail) {
        return new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, owner, "queue " + index + ": " + detail);
    }
}
