package dev.vblk.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The behaviour every {@link BlockDevice} backend must show, whatever is behind it: the fake device,
 * QEMU, or a replayed trace. A backend subclasses this and says how to get a writable device and a
 * read-only one.
 */
public abstract class BlockDeviceContractTest {

    /** A writable device of {@link #CAPACITY_SECTORS} sectors that the test may overwrite. */
    protected abstract BlockDevice writableDevice() throws Exception;

    /** A read-only device of {@link #CAPACITY_SECTORS} sectors whose sector {@code n} holds {@link #pattern}(n, 1). */
    protected abstract BlockDevice readOnlyDevice() throws Exception;

    /** A writable device of {@link #CAPACITY_SECTORS} sectors that offers neither DISCARD nor WRITE_ZEROES. */
    protected abstract BlockDevice deviceWithoutDiscardOrWriteZeroes() throws Exception;

    /** Capacity of the devices under test: 4 MiB. */
    public static final long CAPACITY_SECTORS = 8192;

    /** A recognisable, position-dependent byte pattern for {@code sectors} sectors starting at {@code first}. */
    public static byte[] pattern(long first, int sectors) {
        byte[] bytes = new byte[sectors * BlockDevice.SECTOR_SIZE];
        for (int i = 0; i < bytes.length; i++) {
            long sector = first + i / BlockDevice.SECTOR_SIZE;
            bytes[i] = (byte) (sector * 31 + (i % BlockDevice.SECTOR_SIZE) * 7 + 1);
        }
        return bytes;
    }

    @Test
    void reportsItsCapacity() throws Exception {
        BlockDevice device = writableDevice();
        assertEquals(CAPACITY_SECTORS, device.capacitySectors());
        assertEquals(CAPACITY_SECTORS * 512, device.info().capacityBytes());
        assertTrue(device.info().blockSize() >= 512);
    }

    @Test
    void oneSectorRoundTrip() throws Exception {
        BlockDevice device = writableDevice();
        byte[] data = pattern(7, 1);
        device.writeAt(7, data);
        assertArrayEquals(data, read(device, 7, 1));
    }

    @Test
    void manySectorsRoundTripAcrossRequestSplits() throws Exception {
        BlockDevice device = writableDevice();
        byte[] data = pattern(100, 700);
        device.writeAt(100, data);
        assertArrayEquals(data, read(device, 100, 700));
        assertArrayEquals(Arrays.copyOfRange(data, 512 * 299, 512 * 301), read(device, 399, 2), "a read inside the range");
    }

    @Test
    void writesLeaveNeighboursAlone() throws Exception {
        BlockDevice device = writableDevice();
        device.writeAt(10, pattern(10, 3));
        device.writeAt(11, new byte[512]);
        assertArrayEquals(pattern(10, 1), read(device, 10, 1));
        assertArrayEquals(new byte[512], read(device, 11, 1));
        assertArrayEquals(pattern(12, 1), read(device, 12, 1));
    }

    @Test
    void lastSectorRoundTrip() throws Exception {
        BlockDevice device = writableDevice();
        long last = device.capacitySectors() - 1;
        byte[] data = pattern(last, 1);
        device.writeAt(last, data);
        assertArrayEquals(data, read(device, last, 1));
    }

    @Test
    void readPastTheEndIsOutOfRange() throws Exception {
        BlockDevice device = writableDevice();
        long capacity = device.capacitySectors();
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.readAt(capacity, new byte[512]));
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.readAt(capacity - 1, new byte[1024]));
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.writeAt(capacity - 1, new byte[1024]));
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.readAt(-1, new byte[512]));
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.readAt(Long.MAX_VALUE, new byte[512]));
    }

    @Test
    void partialSectorsAreRefused() throws Exception {
        BlockDevice device = writableDevice();
        assertKind(ErrorKind.INVALID_ARGUMENT, () -> device.readAt(0, new byte[100]));
        assertKind(ErrorKind.INVALID_ARGUMENT, () -> device.writeAt(0, new byte[513]));
    }

    @Test
    void errorsDoNotBreakTheDevice() throws Exception {
        BlockDevice device = writableDevice();
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.readAt(device.capacitySectors(), new byte[512]));
        device.writeAt(3, pattern(3, 1));
        assertArrayEquals(pattern(3, 1), read(device, 3, 1));
    }

    @Test
    void flushAfterWritesKeepsTheData() throws Exception {
        BlockDevice device = writableDevice();
        device.writeAt(40, pattern(40, 16));
        device.flush();
        assertArrayEquals(pattern(40, 16), read(device, 40, 16));
    }

    @Test
    void readOnlyDeviceRefusesWritesAndServesReads() throws Exception {
        BlockDevice device = readOnlyDevice();
        assertTrue(device.info().readOnly());
        assertKind(ErrorKind.READ_ONLY, () -> device.writeAt(0, new byte[512]));
        assertArrayEquals(pattern(5, 2), read(device, 5, 2));
    }

    @Test
    void writeZeroesZeroesExactlyTheRangeWhenOffered() throws Exception {
        BlockDevice device = writableDevice();
        device.writeAt(200, pattern(200, 10));
        if (!device.info().writeZeroesSupported()) {
            assertKind(ErrorKind.UNSUPPORTED, () -> device.writeZeroes(201, 8));
            return;
        }
        device.writeZeroes(201, 8);
        assertArrayEquals(pattern(200, 1), read(device, 200, 1));
        assertArrayEquals(new byte[8 * 512], read(device, 201, 8));
        assertArrayEquals(pattern(209, 1), read(device, 209, 1));
    }

    @Test
    void discardIsAcceptedWhenOfferedAndLeavesTheSectorsAroundItAlone() throws Exception {
        BlockDevice device = writableDevice();
        if (!device.info().discardSupported()) {
            assertKind(ErrorKind.UNSUPPORTED, () -> device.discard(0, 8));
            return;
        }
        device.writeAt(300, pattern(300, 10));
        device.discard(301, 8);
        assertArrayEquals(pattern(300, 1), read(device, 300, 1));
        assertArrayEquals(pattern(309, 1), read(device, 309, 1));
        device.writeAt(301, pattern(301, 1));
        assertArrayEquals(pattern(301, 1), read(device, 301, 1), "a discarded sector takes new data");
        assertKind(ErrorKind.OUT_OF_RANGE, () -> device.discard(device.capacitySectors() - 4, 8));
    }

    @Test
    void discardAndWriteZeroesAreUnsupportedWhenNotOfferedAndChangeNothing() throws Exception {
        BlockDevice device = deviceWithoutDiscardOrWriteZeroes();
        assertFalse(device.info().discardSupported());
        assertFalse(device.info().writeZeroesSupported());
        device.writeAt(100, pattern(100, 8));

        BlockDeviceException discard = assertKind(ErrorKind.UNSUPPORTED, () -> device.discard(100, 8));
        assertTrue(discard.getMessage().contains("DISCARD"), discard.getMessage());
        BlockDeviceException zeroes = assertKind(ErrorKind.UNSUPPORTED, () -> device.writeZeroes(100, 8));
        assertTrue(zeroes.getMessage().contains("WRITE_ZEROES"), zeroes.getMessage());

        assertArrayEquals(pattern(100, 8), read(device, 100, 8), "the data is untouched and the device still works");
    }

    @Test
    void deviceIdIsAtMostTwentyCharacters() throws Exception {
        String id = writableDevice().deviceIdString();
        assertTrue(id.length() <= 20, id);
    }

    /** Reads {@code sectors} sectors from {@code first}. */
    protected static byte[] read(BlockDevice device, long first, int sectors) {
        byte[] buffer = new byte[sectors * BlockDevice.SECTOR_SIZE];
        device.readAt(first, buffer);
        return buffer;
    }

    /** Asserts that {@code call} fails with a block device error of {@code kind}. */
    protected static BlockDeviceException assertKind(ErrorKind kind, Executable call) {
        BlockDeviceException error = assertThrows(BlockDeviceException.class, call);
        assertEquals(kind, error.kind(), error.getMessage());
        return error;
    }
}
