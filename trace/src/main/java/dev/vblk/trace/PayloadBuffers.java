package dev.vblk.trace;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The arrays that recording threads copy payloads into, given back by the writer thread once the
 * trace no longer needs them (written by reference, or out of the window), so that a long recording
 * does not allocate an array for every payload, which the JVM would zero and collect. Arrays shorter
 * than {@link #POOLED_BYTES} are not kept. Thread-safe.
 */
final class PayloadBuffers {

    /** Arrays at least this long are kept for another payload of the same length. */
    static final int POOLED_BYTES = 4096;

    /** The most bytes kept. */
    private static final long MAX_BYTES = 16L << 20;

    private final ConcurrentHashMap<Integer, Queue<byte[]>> free = new ConcurrentHashMap<>();
    private final AtomicLong kept = new AtomicLong();

    /** An array of {@code length} bytes, whatever it holds. */
    byte[] take(int length) {
        if (length >= POOLED_BYTES) {
            Queue<byte[]> arrays = free.get(length);
            byte[] array = arrays == null ? null : arrays.poll();
            if (array != null) {
                kept.addAndGet(-length);
                return array;
            }
        }
        return new byte[length];
    }

    /** Gives back an array taken here that nothing refers to any more. */
    void give(byte[] array) {
        if (array.length >= POOLED_BYTES && kept.addAndGet(array.length) <= MAX_BYTES) {
            free.computeIfAbsent(array.length, length -> new ConcurrentLinkedQueue<>()).add(array);
        } else if (array.length >= POOLED_BYTES) {
            kept.addAndGet(-array.length);
        }
    }
}
