package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.violation.ViolationKind;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RequestProcessingTest {

    private final InMemoryDisk disk = InMemoryDisk.ofSectors(64);
    private final RegisterLevelDriver driver = RegisterLevelDriver.ready(FakeBlkConfig.builder()
            .disk(disk).idString("serial-42").build());

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 7 + seed);
        }
        return bytes;
    }

    @Test
    void readReturnsDiskContents() {
        byte[] contents = pattern(1024, 3);
        disk.write(5 * 512, contents, 0, contents.length);

        RegisterLevelDriver.Submitted read = driver.readSectors(5, 2);

        assertEquals(1, driver.usedIdx());
        assertEquals(read.head(), driver.usedId(0));
        assertEquals(1025, driver.usedLen(0));
        assertEquals(VirtioBlk.S_OK, driver.status(read));
        assertArrayEquals(contents, driver.data(read, 1024));
        assertEquals(VirtioBlk.INTERRUPT_USED_BUFFER, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertTrue(driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 0));
        assertTrue(driver.platform.violations().isEmpty(), driver.platform.violations()::toString);
    }

    @Test
    void writeReachesTheDisk() {
        byte[] data = pattern(512, 9);
        RegisterLevelDriver.Submitted write = driver.writeSectors(63, data);

        assertEquals(VirtioBlk.S_OK, driver.status(write));
        assertEquals(1, driver.usedLen(0));
        byte[] stored = new byte[512];
        disk.read(63 * 512, stored, 0, 512);
        assertArrayEquals(data, stored);
    }

    @Test
    void interruptAckClearsTheLine() {
        driver.readSectors(0, 1);
        driver.write(ControlRegister.INTERRUPT_ACK, VirtioBlk.INTERRUPT_USED_BUFFER);
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertEquals(false, driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 0));
    }

    @Test
    void outOfRangeAndPartialSectorsGiveIoError() {
        assertEquals(VirtioBlk.S_IOERR, driver.status(driver.readSectors(63, 2)));
        assertEquals(VirtioBlk.S_IOERR, driver.status(driver.request(VirtioBlk.T_IN, 0, 100, true, null)));
        assertEquals(1, driver.usedLen(0));
    }

    @Test
    void writeToReadOnlyDeviceGivesIoError() {
        InMemoryDisk roDisk = InMemoryDisk.ofSectors(8);
        RegisterLevelDriver ro = RegisterLevelDriver.ready(FakeBlkConfig.builder().disk(roDisk).readOnly(true).build());
        assertEquals(VirtioBlk.S_IOERR, ro.status(ro.writeSectors(0, pattern(512, 1))));
        byte[] stored = new byte[512];
        roDisk.read(0, stored, 0, 512);
        assertArrayEquals(new byte[512], stored);
    }

    @Test
    void unknownTypeIsUnsupported() {
        assertEquals(VirtioBlk.S_UNSUPP, driver.status(driver.request(99, 0, 0, false, null)));
    }

    @Test
    void flushReachesTheDisk() {
        assertEquals(VirtioBlk.S_OK, driver.status(driver.request(VirtioBlk.T_FLUSH, 0, 0, false, null)));
        assertEquals(1, disk.flushCount());
    }

    @Test
    void getIdAnswersTheConfiguredString() {
        RegisterLevelDriver.Submitted id = driver.request(VirtioBlk.T_GET_ID, 0, 20, true, null);
        byte[] expected = Arrays.copyOf("serial-42".getBytes(StandardCharsets.US_ASCII), 20);
        assertArrayEquals(expected, driver.data(id, 20));
        assertEquals(21, driver.usedLen(0));
    }

    @Test
    void writeZeroesAndDiscardClearSectors() {
        disk.write(0, pattern(4096, 5), 0, 4096);
        assertEquals(VirtioBlk.S_OK, driver.status(driver.ranged(VirtioBlk.T_WRITE_ZEROES, 1, 2, 0)));
        assertEquals(VirtioBlk.S_OK, driver.status(driver.ranged(VirtioBlk.T_DISCARD, 4, 1, 0)));
        byte[] after = new byte[4096];
        disk.read(0, after, 0, 4096);
        byte[] expected = pattern(4096, 5);
        Arrays.fill(expected, 512, 1536, (byte) 0);
        Arrays.fill(expected, 2048, 2560, (byte) 0);
        assertArrayEquals(expected, after);
    }

    @Test
    void discardWithFlagsIsUnsupportedAndOutOfRangeIsIoError() {
        assertEquals(VirtioBlk.S_UNSUPP, driver.status(driver.ranged(VirtioBlk.T_DISCARD, 0, 1, 1)));
        assertEquals(VirtioBlk.S_IOERR, driver.status(driver.ranged(VirtioBlk.T_WRITE_ZEROES, 60, 8, 0)));
    }

    @Test
    void malformedChainBreaksTheDeviceUntilReset() {
        long header = driver.header(VirtioBlk.T_IN, 0);
        long status = driver.alloc(1);
        // Writable before readable: forbidden order.
        driver.post(new RegisterLevelDriver.Desc(status, 1, true), new RegisterLevelDriver.Desc(header, 16, false));
        driver.notifyQueue();

        assertEquals(VirtioBlk.STATUS_DEVICE_NEEDS_RESET,
                driver.read(ControlRegister.STATUS) & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
        assertEquals(VirtioBlk.INTERRUPT_CONFIG_CHANGE, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertEquals(ViolationKind.MALFORMED_QUEUE, driver.platform.violations().get(0).kind());

        driver.readSectors(0, 1);
        assertEquals(0, driver.usedIdx());

        driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES);
        assertEquals(0, driver.read(ControlRegister.STATUS) & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
    }

    @Test
    void descriptorLoopBreaksTheDevice() {
        long header = driver.header(VirtioBlk.T_IN, 0);
        // Descriptor 0 chains to itself.
        driver.descriptor(driver.desc, 0, header, 16, VirtioBlk.DESC_F_NEXT, 0);
        driver.makeAvailable(0);
        driver.notifyQueue();
        assertTrue(driver.device.needsResetReason().orElseThrow().contains("loop"));
    }

    @Test
    void chainOutsideRamOrWithShortHeaderBreaksTheDevice() {
        long status = driver.alloc(1);
        driver.post(new RegisterLevelDriver.Desc(0x1000, 16, false), new RegisterLevelDriver.Desc(status, 1, true));
        driver.notifyQueue();
        assertTrue(driver.device.needsResetReason().orElseThrow().contains("outside guest RAM"));

        RegisterLevelDriver other = RegisterLevelDriver.ready(FakeBlkConfig.builder().build());
        long header = other.header(VirtioBlk.T_IN, 0);
        long st = other.alloc(1);
        other.post(new RegisterLevelDriver.Desc(header, 8, false), new RegisterLevelDriver.Desc(st, 1, true));
        other.notifyQueue();
        assertTrue(other.device.needsResetReason().orElseThrow().contains("header"));
    }

    @Test
    void notifyBeforeDriverOkIsRecordedAndIgnored() {
        RegisterLevelDriver early = new RegisterLevelDriver(dev.vblk.fake.FakePlatform.create(),
                FakeBlkConfig.builder().build());
        early.negotiate(RegisterLevelDriver.DEFAULT_FEATURES);
        early.setUpQueue(8);
        early.readSectors(0, 1);
        assertEquals(0, early.usedIdx());
        assertEquals(ViolationKind.BAD_NOTIFY, early.platform.violations().get(0).kind());
    }

    @Test
    void noInterruptFlagSuppressesTheInterrupt() {
        driver.platform.writeU16(driver.avail, VirtioBlk.AVAIL_F_NO_INTERRUPT);
        driver.readSectors(0, 1);
        assertEquals(1, driver.usedIdx());
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS));
    }

    @Test
    void indirectTableWorksOnlyWhenNegotiated() {
        RegisterLevelDriver indirect = new RegisterLevelDriver(dev.vblk.fake.FakePlatform.create(),
                FakeBlkConfig.builder().disk(disk).build());
        indirect.negotiate(RegisterLevelDriver.DEFAULT_FEATURES | VirtioBlk.bit(VirtioBlk.F_INDIRECT_DESC));
        indirect.setUpQueue(8);
        indirect.driverOk();
        disk.write(0, new byte[] {42}, 0, 1);
        long header = indirect.header(VirtioBlk.T_IN, 0);
        long data = indirect.alloc(512);
        long status = indirect.alloc(1);
        long table = indirect.alloc(48);
        indirect.descriptor(table, 0, header, 16, VirtioBlk.DESC_F_NEXT, 1);
        indirect.descriptor(table, 1, data, 512, VirtioBlk.DESC_F_NEXT | VirtioBlk.DESC_F_WRITE, 2);
        indirect.descriptor(table, 2, status, 1, VirtioBlk.DESC_F_WRITE, 0);
        indirect.descriptor(indirect.desc, 0, table, 48, VirtioBlk.DESC_F_INDIRECT, 0);
        indirect.makeAvailable(0);
        indirect.notifyQueue();
        assertEquals(1, indirect.usedIdx());
        assertEquals(513, indirect.usedLen(0));
        assertEquals(42, indirect.platform.ram().readU8(data));

        // The same chain without the negotiated feature breaks the device.
        driver.descriptor(driver.desc, 0, table, 48, VirtioBlk.DESC_F_INDIRECT, 0);
        driver.makeAvailable(0);
        driver.notifyQueue();
        assertTrue(driver.device.needsResetReason().orElseThrow().contains("INDIRECT"));
    }
}
