package dev.vblk.fake.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SparseRamTest {

    private static final long BASE = 0x4000_0000L;
    private final SparseRam ram = new SparseRam(BASE, 1L << 20);

    @Test
    void aPageWrittenAfterOthersWereReleasedHoldsOnlyWhatWasWrittenToIt() {
        byte[] ones = new byte[3 * SparseRam.PAGE_SIZE];
        Arrays.fill(ones, (byte) 0xff);
        ram.writeMemory(BASE, ones, 0, ones.length);
        ram.zeroPages(BASE, ones.length);
        assertEquals(0, ram.touchedPages());

        long elsewhere = BASE + 16L * SparseRam.PAGE_SIZE;
        ram.writeMemory(elsewhere + 100, new byte[] {7}, 0, 1);
        ram.writeMemory(BASE + SparseRam.PAGE_SIZE + 5, new byte[] {9}, 0, 1);

        byte[] expected = new byte[SparseRam.PAGE_SIZE];
        expected[100] = 7;
        assertArrayEquals(expected, read(elsewhere));
        expected[100] = 0;
        expected[5] = 9;
        assertArrayEquals(expected, read(BASE + SparseRam.PAGE_SIZE));
        assertArrayEquals(new byte[SparseRam.PAGE_SIZE], read(BASE));
        assertEquals(2, ram.touchedPages());
    }

    @Test
    void zeroingPassesUntouchedStretchesAndClearsEveryWrittenPage() {
        SparseRam big = new SparseRam(BASE, 8L << 20);
        long mib = 1L << 20;
        long[] written = {BASE + mib - SparseRam.PAGE_SIZE, BASE + 2 * mib, BASE + 2 * mib + 5 * SparseRam.PAGE_SIZE,
            BASE + 6 * mib};
        for (long page : written) {
            big.writeMemory(page + 1, new byte[] {1}, 0, 1);
        }
        big.zeroPages(BASE + SparseRam.PAGE_SIZE, 6 * mib - SparseRam.PAGE_SIZE);
        assertEquals(1, big.touchedPages());
        for (int i = 0; i < 3; i++) {
            assertEquals(0, big.readMemory(written[i] + 1, 1)[0]);
        }
        assertEquals(1, big.readMemory(written[3] + 1, 1)[0]);
    }

    @Test
    void untouchedMemoryReadsAsZerosOverWhateverTheBufferHeld() {
        ram.writeMemory(BASE + SparseRam.PAGE_SIZE, new byte[] {1, 2}, 0, 2);
        byte[] buffer = new byte[2 * SparseRam.PAGE_SIZE + 10];
        Arrays.fill(buffer, (byte) 0x55);

        ram.readMemory(BASE + 10, buffer, 5, 2 * SparseRam.PAGE_SIZE);

        byte[] expected = new byte[buffer.length];
        Arrays.fill(expected, 0, 5, (byte) 0x55);
        Arrays.fill(expected, 5 + 2 * SparseRam.PAGE_SIZE, expected.length, (byte) 0x55);
        expected[5 + SparseRam.PAGE_SIZE - 10] = 1;
        expected[5 + SparseRam.PAGE_SIZE - 9] = 2;
        assertArrayEquals(expected, buffer);
    }

    private byte[] read(long address) {
        byte[] page = new byte[SparseRam.PAGE_SIZE];
        ram.readMemory(address, page, 0, page.length);
        return page;
    }
}
