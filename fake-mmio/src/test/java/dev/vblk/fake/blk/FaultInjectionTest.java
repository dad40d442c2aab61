package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.RequestType;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.platform.AccessWidth;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {

    private final InMemoryDisk disk = InMemoryDisk.ofSectors(64);

    private RegisterLevelDriver driverWith(RequestHook hook) {
        return RegisterLevelDriver.ready(FakeBlkConfig.builder().disk(disk).requestHook(hook).build());
    }

    @Test
    void hookSeesDecodedRequests() {
        List<DeviceRequest> seen = new ArrayList<>();
        RegisterLevelDriver driver = driverWith(request -> {
            seen.add(request);
            return RequestOutcome.normal();
        });
        driver.readSectors(7, 2);
        driver.writeSectors(3, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
            17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32});
        driver.ranged(VirtioBlk.T_DISCARD, 10, 4, 0);

        assertEquals(3, seen.size());
        assertEquals(0, seen.get(0).index());
        assertEquals(RequestType.READ, seen.get(0).requestType().orElseThrow());
        assertEquals(7, seen.get(0).sector());
        assertEquals(2, seen.get(0).sectorCount());
        assertEquals(RequestType.WRITE, seen.get(1).requestType().orElseThrow());
        assertEquals(32, seen.get(1).writeData().length);
        assertEquals(17, seen.get(1).writeData()[16]);
        assertEquals(List.of(new DeviceRequest.Range(10, 4, 0)), seen.get(2).ranges());
        assertEquals(4, seen.get(2).sectorCount());
    }

    @Test
    void statusOverrideLeavesDiskAlone() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL.at(0, RequestOutcome.status(VirtioBlk.S_IOERR)));
        RegisterLevelDriver.Submitted write = driver.writeSectors(0, new byte[512]);
        assertEquals(VirtioBlk.S_IOERR, driver.status(write));
        assertEquals(1, driver.usedLen(0));
        disk.write(0, new byte[] {9}, 0, 1);
        RegisterLevelDriver.Submitted read = driver.readSectors(0, 1);
        assertEquals(9, driver.data(read, 1)[0]);
    }

    @Test
    void dataOverrideAnswersReads() {
        byte[] answer = {4, 3, 2, 1};
        RegisterLevelDriver driver = driverWith(request -> RequestOutcome.data(answer));
        RegisterLevelDriver.Submitted read = driver.readSectors(0, 1);
        assertArrayEquals(answer, driver.data(read, 4));
        assertEquals(VirtioBlk.S_OK, driver.status(read));
        assertEquals(5, driver.usedLen(0));
    }

    @Test
    void neverCompleteWritesNoUsedElement() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL.at(0, RequestOutcome.never()));
        driver.readSectors(0, 1);
        assertEquals(0, driver.usedIdx());
        long before = driver.platform.clock().now();
        assertEquals(false, driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 5_000_000));
        assertEquals(before + 5_000_000, driver.platform.clock().now());
        driver.readSectors(0, 1);
        assertEquals(1, driver.usedIdx());
    }

    @Test
    void corruptUsedElement() {
        RegisterLevelDriver driver = driverWith(request -> RequestOutcome.normal().withUsedId(77).withUsedLen(3));
        driver.readSectors(0, 1);
        assertEquals(77, driver.usedId(0));
        assertEquals(3, driver.usedLen(0));
    }

    @Test
    void duplicatedCompletion() {
        RegisterLevelDriver driver = driverWith(request -> RequestOutcome.normal().duplicated());
        RegisterLevelDriver.Submitted read = driver.readSectors(0, 1);
        assertEquals(2, driver.usedIdx());
        assertEquals(read.head(), driver.usedId(0));
        assertEquals(read.head(), driver.usedId(1));
    }

    @Test
    void usedIndexJump() {
        RegisterLevelDriver driver = driverWith(request -> RequestOutcome.normal().skippingUsedIdx(5));
        driver.readSectors(0, 1);
        assertEquals(6, driver.usedIdx());
    }

    @Test
    void delayedCompletionArrivesInVirtualTime() {
        RegisterLevelDriver driver = driverWith(request -> RequestOutcome.delayed(1_000_000, RequestOutcome.normal()));
        int line = driver.platform.interruptLine(driver.slot);
        driver.readSectors(0, 1);
        assertEquals(0, driver.usedIdx());
        assertEquals(1, driver.device.pendingCompletions());
        assertEquals(false, driver.platform.awaitInterrupt(line, 100_000));
        long start = driver.platform.clock().now();
        assertTrue(driver.platform.awaitInterrupt(line, 10_000_000));
        assertEquals(1, driver.usedIdx());
        assertTrue(driver.platform.clock().now() - start < 10_000_000);
    }

    @Test
    void scriptedNeedsResetAtRequestN() {
        RegisterLevelDriver driver = driverWith(RequestHook.script(
                List.of(RequestOutcome.normal(), RequestOutcome.needsReset())));
        driver.readSectors(0, 1);
        assertEquals(0, driver.read(ControlRegister.STATUS) & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
        driver.readSectors(0, 1);
        assertEquals(1, driver.usedIdx());
        assertEquals(VirtioBlk.STATUS_DEVICE_NEEDS_RESET,
                driver.read(ControlRegister.STATUS) & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
        assertEquals(VirtioBlk.INTERRUPT_CONFIG_CHANGE,
                driver.read(ControlRegister.INTERRUPT_STATUS) & VirtioBlk.INTERRUPT_CONFIG_CHANGE);
        assertTrue(driver.platform.violations().isEmpty(), "an injected break is not a driver violation");
    }

    @Test
    void injectedNeedsResetNow() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL);
        int generation = driver.device.configGeneration();
        driver.device.injectNeedsReset("test");
        assertEquals(VirtioBlk.STATUS_DEVICE_NEEDS_RESET,
                driver.read(ControlRegister.STATUS) & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
        assertEquals(generation + 1, driver.read(ControlRegister.CONFIG_GENERATION));
        driver.readSectors(0, 1);
        assertEquals(0, driver.usedIdx());
    }

    @Test
    void unstableConfigGenerationSettlesAfterKReads() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL);
        driver.device.faults().unstableConfigGeneration(2);
        long g0 = driver.read(ControlRegister.CONFIG_GENERATION);
        driver.readConfig(0, AccessWidth.WORD);
        long g1 = driver.read(ControlRegister.CONFIG_GENERATION);
        driver.readConfig(0, AccessWidth.WORD);
        long g2 = driver.read(ControlRegister.CONFIG_GENERATION);
        driver.readConfig(0, AccessWidth.WORD);
        long g3 = driver.read(ControlRegister.CONFIG_GENERATION);
        assertEquals(g0 + 1, g1);
        assertEquals(g1 + 1, g2);
        assertEquals(g2, g3);
    }

    @Test
    void resizeChangesCapacityWithConfigInterrupt() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL);
        long generation = driver.read(ControlRegister.CONFIG_GENERATION);
        assertEquals(64, driver.readConfig(0, AccessWidth.WORD));
        driver.device.resize(128);
        assertEquals(128, driver.readConfig(0, AccessWidth.WORD));
        assertEquals(generation + 1, driver.read(ControlRegister.CONFIG_GENERATION));
        assertEquals(VirtioBlk.INTERRUPT_CONFIG_CHANGE, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertEquals(VirtioBlk.S_OK, driver.status(driver.readSectors(100, 1)));
    }

    @Test
    void configReadsFollowNumQueuesAndWriteback() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL);
        assertEquals(1, driver.readConfig(34, AccessWidth.HALF));
        driver.device.faults().overrideNumQueues(7);
        assertEquals(7, driver.readConfig(34, AccessWidth.HALF));
        driver.device.faults().clearNumQueuesOverride();
        assertEquals(1, driver.readConfig(34, AccessWidth.HALF));
        long writeback = driver.readConfig(32, AccessWidth.BYTE);
        driver.platform.writeRegister(driver.base + ControlRegister.CONFIG_OFFSET + 32, AccessWidth.BYTE, 1 - writeback);
        assertEquals(1 - writeback, driver.readConfig(32, AccessWidth.BYTE));
    }

    @Test
    void extraInterruptBitsShowInStatusButSurviveAck() {
        RegisterLevelDriver driver = driverWith(RequestHook.NORMAL);
        driver.device.faults().extraInterruptBits(0xfc);
        driver.readSectors(0, 1);
        assertEquals(0xfd, driver.read(ControlRegister.INTERRUPT_STATUS));
        driver.write(ControlRegister.INTERRUPT_ACK, 0xff);
        assertEquals(0xfc, driver.read(ControlRegister.INTERRUPT_STATUS));
    }

    @Test
    void registerOverrides() {
        RegisterLevelDriver driver = new RegisterLevelDriver(FakePlatform.create(), FakeBlkConfig.builder().build());
        driver.device.faults()
                .overrideRegister(ControlRegister.MAGIC_VALUE.offset(), 0x12345678)
                .overrideRegister(ControlRegister.VERSION.offset(), 1)
                .overrideRegister(ControlRegister.DEVICE_ID.offset(), 0)
                .overrideRegister(ControlRegister.VENDOR_ID.offset(), 0xdead)
                .overrideRegister(ControlRegister.QUEUE_NUM_MAX.offset(), 3);
        assertEquals(0x12345678, driver.read(ControlRegister.MAGIC_VALUE));
        assertEquals(1, driver.read(ControlRegister.VERSION));
        assertEquals(0, driver.read(ControlRegister.DEVICE_ID));
        assertEquals(0xdead, driver.read(ControlRegister.VENDOR_ID));
        assertEquals(3, driver.read(ControlRegister.QUEUE_NUM_MAX));
        driver.write(ControlRegister.QUEUE_NUM, 4);
        assertEquals(dev.vblk.fake.violation.ViolationKind.QUEUE_SETUP, driver.platform.violations().get(0).kind());
        driver.device.faults().clearRegisterOverride(ControlRegister.QUEUE_NUM_MAX.offset());
        assertEquals(256, driver.read(ControlRegister.QUEUE_NUM_MAX));
    }

    @Test
    void configuredQueueNumMaxOfZeroIsReported() {
        RegisterLevelDriver driver = new RegisterLevelDriver(FakePlatform.create(),
                FakeBlkConfig.builder().queueNumMax(0).build());
        assertEquals(0, driver.read(ControlRegister.QUEUE_NUM_MAX));
    }
}
