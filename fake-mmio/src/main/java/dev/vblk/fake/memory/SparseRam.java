package dev.vblk.fake.memory;

import dev.vblk.platform.PhysicalMemory;
import java.util.Arrays;

/**
 * Guest RAM stored sparsely: a 4 KiB page exists only once something non-zero may have been written
 * to it, so an untouched machine costs almost nothing. Reads of untouched pages return zeros. Pages
 * released by {@link #zeroPages} are kept and cleared again for the next page written, so a driver
 * that frees and allocates its rings and buffers anew (every reset) makes no new pages.
 *
 * <p>This is the raw memory with bounds checks only; it records no violations, so tests and replays
 * can use it to inspect or prepare memory behind the driver's back.
 */
public final class SparseRam implements PhysicalMemory {

    /** The page granularity of storage. */
    public static final int PAGE_SIZE = 4096;

    /** Pages per chunk of the page table: chunks are made on first write into them. */
    private static final int CHUNK_PAGES = 256;

    /*
     * Addresses are split into page, chunk and offset by shifts and masks: the client compiler, which
     * short runs and fuzz campaigns use, makes every long division a call into the VM.
     */
    private static final int PAGE_SHIFT = Integer.numberOfTrailingZeros(PAGE_SIZE);
    private static final int CHUNK_SHIFT = Integer.numberOfTrailingZeros(CHUNK_PAGES);

    /** A page of zeros to clear released pages from (an array copy, fast in every compiler). */
    private static final byte[] ZEROS = new byte[PAGE_SIZE];

    private final long base;
    private final long size;
    /** The stored pages, by page number: chunk {@code n / CHUNK_PAGES}, entry {@code n % CHUNK_PAGES}; null while untouched. */
    private final byte[][][] chunks;
    private int touchedPages;
    /** Pages {@link #zeroPages} released, the last {@code freeCount} of them to be written next. */
    private byte[][] freePages = new byte[8][];
    private int freeCount;

    /** RAM of {@code size} bytes (a multiple of 4 KiB) at physical address {@code base}. */
    public SparseRam(long base, long size) {
        if (size <= 0 || size % PAGE_SIZE != 0 || base % PAGE_SIZE != 0) {
            throw new IllegalArgumentException(String.format(
                    "RAM base 0x%x and size %d must be positive multiples of %d", base, size, PAGE_SIZE));
        }
        this.base = base;
        this.size = size;
        long pageCount = size / PAGE_SIZE;
        if ((pageCount + CHUNK_PAGES - 1) / CHUNK_PAGES > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("RAM of " + size + " bytes is too large for a sparse page table");
        }
        this.chunks = new byte[(int) ((pageCount + CHUNK_PAGES - 1) / CHUNK_PAGES)][][];
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
        return touchedPages;
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        check(address, length);
        int done = 0;
        while (done < length) {
            long at = address + done;
            int inPage = (int) (at - base) & (PAGE_SIZE - 1);
            int chunk = Math.min(length - done, PAGE_SIZE - inPage);
            byte[] page = page(pageNumber(at));
            if (page == null) {
                System.arraycopy(ZEROS, 0, destination, offset + done, chunk);
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
            int inPage = (int) (at - base) & (PAGE_SIZE - 1);
            int chunk = Math.min(length - done, PAGE_SIZE - inPage);
            byte[] page = pageForWrite(pageNumber(at));
            System.arraycopy(source, offset + done, page, inPage, chunk);
            done += chunk;
        }
    }

    /** Sets whole pages to zero, releasing their storage; {@code address} and length are page-aligned. */
    public void zeroPages(long address, long length) {
        check(address, length);
        // Frames are zeroed at every allocation, mostly on untouched RAM: chunks never written are passed whole.
        for (long at = address; at < address + length && touchedPages > 0; ) {
            long number = pageNumber(at);
            byte[][] chunk = chunks[chunkIndex(number)];
            if (chunk == null) {
                at = base + ((long) chunkIndex(number) + 1) * CHUNK_PAGES * PAGE_SIZE;
                continue;
            }
            if (chunk[inChunk(number)] != null) {
                release(chunk[inChunk(number)]);
                chunk[inChunk(number)] = null;
                touchedPages--;
            }
            at += PAGE_SIZE;
        }
    }

    private byte[] page(long number) {
        byte[][] chunk = chunks[chunkIndex(number)];
        return chunk == null ? null : chunk[inChunk(number)];
    }

    private byte[] pageForWrite(long number) {
        byte[][] chunk = chunks[chunkIndex(number)];
        if (chunk == null) {
            chunk = new byte[CHUNK_PAGES][];
            chunks[chunkIndex(number)] = chunk;
        }
        byte[] page = chunk[inChunk(number)];
        if (page == null) {
            page = newPage();
            chunk[inChunk(number)] = page;
            touchedPages++;
        }
        return page;
    }

    private void release(byte[] page) {
        if (freeCount == freePages.length) {
            freePages = Arrays.copyOf(freePages, freeCount * 2);
        }
        freePages[freeCount++] = page;
    }

    /** A page of zeros: a released one cleared, or a new one. */
    private byte[] newPage() {
        if (freeCount == 0) {
            return new byte[PAGE_SIZE];
        }
        byte[] page = freePages[--freeCount];
        freePages[freeCount] = null;
        System.arraycopy(ZEROS, 0, page, 0, PAGE_SIZE);
        return page;
    }

    private long pageNumber(long address) {
        return (address - base) >>> PAGE_SHIFT;
    }

    private static int chunkIndex(long pageNumber) {
        return (int) (pageNumber >>> CHUNK_SHIFT);
    }

    private static int inChunk(long pageNumber) {
        return (int) pageNumber & (CHUNK_PAGES - 1);
    }

    private void check(long address, long length) {
        if (!contains(address, length)) {
            throw new GuestMemoryException(address, length, this);
        }
    }
}
