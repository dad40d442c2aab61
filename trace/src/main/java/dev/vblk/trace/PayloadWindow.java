package dev.vblk.trace;

import java.util.Arrays;

/**
 * The shared payloads of a trace that later entries may refer to (format 4), kept alike by the
 * writer and the reader so that both agree on which payloads a reference may name.
 *
 * <p>A shared payload is the data of a {@code MemoryRead} or {@code MemoryWrite} entry, or the
 * payload of an {@code OperationBegin}, stored in the entry itself and {@link #SHARED_MIN_BYTES}
 * long or longer; shared payloads are numbered from 0 in file order. The window holds the newest
 * shared payloads whose lengths add up to at most {@link #WINDOW_BYTES}, and always the newest one:
 * a reader's memory for payloads is bounded by that, whatever the trace's length.
 */
final class PayloadWindow {

    /** Payloads shorter than this are never shared: a reference would not be shorter. */
    static final int SHARED_MIN_BYTES = 512;

    /** The bytes of shared payloads a reference may reach back over. */
    static final long WINDOW_BYTES = 4L << 20;

    /** What is told of each payload that leaves the window. */
    interface Eviction {
        /** Payload {@code number}, {@code payload}, has left the window. */
        void evicted(long number, byte[] payload);
    }

    private final Eviction evicted;
    /** The payloads in the window, oldest first, in a ring from {@link #head}. */
    private byte[][] ring = new byte[64][];
    private int head;
    private int size;
    private long firstNumber;
    private long bytes;

    /** A window that tells {@code evicted} of each payload it lets go. */
    PayloadWindow(Eviction evicted) {
        this.evicted = evicted;
    }

    /** A window for a reader. */
    PayloadWindow() {
        this((number, payload) -> {});
    }

    /** Whether a stored payload of {@code length} bytes is shared. */
    static boolean isShared(int length) {
        return length >= SHARED_MIN_BYTES;
    }

    /**
     * Adds a shared payload, which the caller no longer changes, and returns its number; the oldest
     * payloads leave the window while it holds more than {@link #WINDOW_BYTES}.
     */
    long add(byte[] payload) {
        if (size == ring.length) {
            byte[][] larger = new byte[ring.length * 2][];
            for (int i = 0; i < size; i++) {
                larger[i] = ring[(head + i) % ring.length];
            }
            ring = larger;
            head = 0;
        }
        ring[(head + size) % ring.length] = payload;
        size++;
        bytes += payload.length;
        while (bytes > WINDOW_BYTES && size > 1) {
            byte[] oldest = ring[head];
            bytes -= oldest.length;
            ring[head] = null;
            head = (head + 1) % ring.length;
            size--;
            evicted.evicted(firstNumber++, oldest);
        }
        return firstNumber + size - 1;
    }

    /** Shared payload {@code number}, or null when it has left the window or does not exist yet. */
    byte[] payload(long number) {
        if (number < firstNumber || number >= firstNumber + size) {
            return null;
        }
        return ring[(int) ((head + number - firstNumber) % ring.length)];
    }

    /**
     * The bytes {@code ref} names, copied.
     *
     * @throws IllegalArgumentException if its payload is not in the window or the range is not in it
     */
    byte[] bytes(PayloadRef ref) {
        byte[] payload = checked(ref);
        return Arrays.copyOfRange(payload, ref.offset(), ref.offset() + ref.length());
    }

    /**
     * Adds the bytes {@code ref} names to {@code slices}, without copying them (a payload is never
     * changed once added).
     *
     * @throws IllegalArgumentException if its payload is not in the window or the range is not in it
     */
    void addTo(ByteSlices.Builder slices, PayloadRef ref) {
        slices.add(checked(ref), ref.offset(), ref.length());
    }

    /** The payload {@code ref} names, once its range is checked to lie in it. */
    private byte[] checked(PayloadRef ref) {
        byte[] payload = payload(ref.payload());
        if (payload == null) {
            throw new IllegalArgumentException("a reference to shared payload " + ref.payload()
                    + ", which is not among payloads " + firstNumber + " to " + (firstNumber + size - 1));
        }
        if (ref.offset() < 0 || ref.length() < 0 || ref.offset() > payload.length - ref.length()) {
            throw new IllegalArgumentException("a reference to bytes " + ref.offset() + " to "
                    + ((long) ref.offset() + ref.length()) + " of shared payload " + ref.payload() + ", which has "
                    + payload.length);
        }
        return payload;
    }
}
