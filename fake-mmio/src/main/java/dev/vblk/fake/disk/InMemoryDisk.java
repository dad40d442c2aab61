package dev.vblk.fake.disk;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/** A disk held in memory, sparsely (4 KiB chunks on first write), so large empty disks are cheap. */
public final class InMemoryDisk implements DiskBacking {

    private static final int CHUNK = 4096;
    /** A chunk of zeros that reads of unwritten chunks copy (an array copy, fast in every compiler). */
    private static final byte[] ZEROS = new byte[CHUNK];

    private final Map<Long, byte[]> chunks = new HashMap<>();
    private long size;
    private long flushes;

    /** An all-zero disk of {@code sizeBytes} bytes. */
    public InMemoryDisk(long sizeBytes) {
        if (sizeBytes < 0) {
            throw new IllegalArgumentException("disk size must not be negative: " + sizeBytes);
        }
        this.size = sizeBytes;
    }

    /** An all-zero disk of {@code sectors} 512-byte sectors. */
    public static InMemoryDisk ofSectors(long sectors) {
        return new InMemoryDisk(sectors * 512);
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public void read(long position, byte[] destination, int offset, int length) {
        checkRange(position, length);
        int done = 0;
        while (done < length) {
            long at = position + done;
            int inChunk = (int) (at % CHUNK);
            int part = Math.min(length - done, CHUNK - inChunk);
            byte[] chunk = chunks.get(at / CHUNK);
            if (chunk == null) {
                System.arraycopy(ZEROS, 0, destination, offset + done, part);
            } else {
                System.arraycopy(chunk, inChunk, destination, offset + done, part);
            }
            done += part;
        }
    }

    @Override
    public void write(long position, byte[] source, int offset, int length) {
        checkRange(position, length);
        int done = 0;
        while (done < length) {
            long at = position + done;
            int inChunk = (int) (at % CHUNK);
            int part = Math.min(length - done, CHUNK - inChunk);
            System.arraycopy(source, offset + done, chunks.computeIfAbsent(at / CHUNK, n -> new byte[CHUNK]),
                    inChunk, part);
            done += part;
        }
    }

    @Override
    public void discard(long position, long length) {
        checkRange(position, length);
        zero(position, position + length);
    }

    @Override
    public void flush() {
        flushes++;
    }

    /** How many times {@link #flush()} was called. */
    public long flushCount() {
        return flushes;
    }

    @Override
    public void resize(long newSizeBytes) {
        if (newSizeBytes < 0) {
            throw new DiskAccessException("disk size must not be negative: " + newSizeBytes);
        }
        if (newSizeBytes < size) {
            zero(newSizeBytes, size);
        }
        size = newSizeBytes;
    }

    private void zero(long from, long to) {
        for (Iterator<Map.Entry<Long, byte[]>> it = chunks.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, byte[]> entry = it.next();
            long start = entry.getKey() * CHUNK;
            long lo = Math.max(start, from);
            long hi = Math.min(start + CHUNK, to);
            if (lo >= hi) {
                continue;
            }
            if (lo == start && hi == start + CHUNK) {
                it.remove();
            } else {
                Arrays.fill(entry.getValue(), (int) (lo - start), (int) (hi - start), (byte) 0);
            }
        }
    }
}
