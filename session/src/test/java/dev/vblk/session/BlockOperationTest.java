package dev.vblk.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockLifetime;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A READ issued with a buffer of the caller's reads into it when it fits, and into a new one when it does not. */
class BlockOperationTest {

    /** Every sector holds its own number in every byte. */
    private static final BlockDevice NUMBERED = new BlockDevice() {
        @Override
        public BlockDeviceId id() {
            return new BlockDeviceId(2, 0x0a003e00L);
        }

        @Override
        public BlockDeviceInfo info() {
            return new BlockDeviceInfo(64, 512, false, false, false, false, false);
        }

        @Override
        public void readAt(long sector, byte[] buffer) {
            for (int i = 0; i < buffer.length; i++) {
                buffer[i] = (byte) (sector + i / SECTOR_SIZE);
            }
        }

        @Override
        public void writeAt(long sector, byte[] data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void flush() {}

        @Override
        public void discard(long sector, long sectorCount) {}

        @Override
        public void writeZeroes(long sector, long sectorCount) {}

        @Override
        public void secureErase(long sector, long sectorCount) {}

        @Override
        public BlockLifetime lifetime() {
            return new BlockLifetime(1, 1, 1);
        }

        @Override
        public String deviceIdString() {
            return "numbered";
        }
    };

    private static byte[] sectors(int first, int count) {
        byte[] expected = new byte[count * BlockDevice.SECTOR_SIZE];
        for (int i = 0; i < count; i++) {
            Arrays.fill(expected, i * BlockDevice.SECTOR_SIZE, (i + 1) * BlockDevice.SECTOR_SIZE, (byte) (first + i));
        }
        return expected;
    }

    @Test
    void aReadFillsTheCallersBufferWhenItHasTheReadsLength() {
        byte[] buffer = new byte[2 * BlockDevice.SECTOR_SIZE];
        byte[] first = BlockOperation.read("d", 3, 2).invoke(NUMBERED, buffer);
        assertSame(buffer, first);
        assertArrayEquals(sectors(3, 2), first);
        byte[] second = BlockOperation.read("d", 9, 2).invoke(NUMBERED, buffer);
        assertSame(buffer, second);
        assertArrayEquals(sectors(9, 2), second);
    }

    @Test
    void aReadOfAnotherLengthOrWithoutABufferReadsIntoANewOne() {
        byte[] buffer = new byte[BlockDevice.SECTOR_SIZE];
        byte[] longer = BlockOperation.read("d", 5, 3).invoke(NUMBERED, buffer);
        assertNotSame(buffer, longer);
        assertArrayEquals(sectors(5, 3), longer);
        assertArrayEquals(new byte[BlockDevice.SECTOR_SIZE], buffer);
        assertArrayEquals(sectors(7, 1), BlockOperation.read("d", 7, 1).invoke(NUMBERED, null));
        assertArrayEquals(sectors(7, 1), BlockOperation.read("d", 7, 1).invoke(NUMBERED));
    }
}
