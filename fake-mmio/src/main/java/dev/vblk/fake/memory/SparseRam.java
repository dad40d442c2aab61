package dev.vblk.fake.memory;

import dev.vblk.platform.PhysicalMemory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Guest RAM stored sparsely: a 4 KiB page exists only once something non-zero may have been written
 * to it, so an untouched machine costs almost nothing. Reads of untouched pages return zeros.
 *
 * <p>This is the raw memory with bounds checks only; it records no violations, so tests and replays
 * can use it to inspect or prepare memory behind the driver's back.
 */
public final class SparseRam implements PhysicalMemory {

    /** The page granularity of storage. */
    public static final int PAGE_SIZE = 4096;

    private final long base;
    private final long size;
    private final Map<Long, byte[]> pages = new HashMap<>();

    /** RAM of {@code size} bytes (a multiple of 4 KiB) at physical address {@code base}. */
    public SparseRam(long base, long size) {
        if (size <= 0 || size % PAGE_SIZE != 0 || base % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(String.format(
                    "RAM base 0x%x and size %d must be positive multiples of %d", base, size, PAGE_SIZE));
        }
        this.base = base;
        this.size = size;
    }

    public long base() {
        return base;
    }

    public long size() {
        return size;
    }

    /** Whether {@code [address, address + length)} lies inside RAM. */
    public boolean contains(long address, long length) {
        return length >= 0 && address >= base && address - base <= size - length;
    }

    /** Number of pages currently holding storage (a measure of cost). */
    public int touchedPages() {
        return pages.size();
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        check(address, length);
        int done = 0;
        while (done < length) {
            long at = address + done;
            int inPage = (int) ((at - base) % PAGE_SIZE);
            int chunk = Math.min(length - done, PAGE_SIZE - inPage);
            byte[] page = pages.get(pageNumber(at));
            if (page == null) {
                Arrays.fill(destination, offset + done, offset + done + chunk, (byte) 0);
            } else {
                System.arraycopy(page, inPage, destination, offset + done, chunk);
            }
            done += chunk;
        }
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        check(address, length);
        int done = 0;
        while (done < length) {
            long at = address + done;
            int inPage = (int) ((at - base) % PAGE_SIZE);
            int chunk = Math.min(length - done, PAGE_SIZE - inPage);
            byte[] page = pages.computeIfAbsent(pageNumber(at), n -> new byte[PAGE_SIZE]);
            System.arraycopy(source, offset + done, page, inPage, chunk);
            done += chunk;
        }
    }

    /** Sets whole pages to zero, releasing their storage; {@code address} and length are page-aligned. */
    public void zeroPages(long address, long length) {
        check(address, length);
        for (long at = address; at < address + length; at += PAGE_SIZE) {
            pages.remove(pageNumber(at));
        }
    }

    private long pageNumber(long address) {
        return (address - base) / PAGE_SIZE;
    }

    private void check(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, this);
        }
    }
}
