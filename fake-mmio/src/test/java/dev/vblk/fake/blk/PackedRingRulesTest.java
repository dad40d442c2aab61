package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fake.violation.ViolationKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake device's packed ring driven by hand: used descriptors, and the rules of section 2.7 enforced. */
class PackedRingRulesTest {

    private static final int AVAIL = 1 << 7;
    private static final int USED = 1 << 15;

    private static RegisterLevelDriver driver(RequestHook hook, long extraFeatures) {
        FakeBlkConfig config = FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(64)).offerPackedRing(true)
                .requestHook(hook).build();
        return RegisterLevelDriver.ready(config, VirtioBlk.bit(VirtioBlk.F_RING_PACKED) | extraFeatures);
    }

    /** Writes packed descriptor {@code position} of the ring. */
    private static void packed(RegisterLevelDriver driver, int position, long address, long length, int id, int flags) {
        long at = driver.desc + 16L * position;
        driver.platform.writeU64(at, address);
        driver.platform.writeU32(at + 8, length);
        driver.platform.writeU16(at + 12, id);
        driver.platform.writeU16(at + 14, flags);
    }

    /** A read of one sector as three descriptors from {@code position}, buffer id {@code id}; the status address. */
    private static long postRead(RegisterLevelDriver driver, int position, int id) {
        long header = driver.header(VirtioBlk.T_IN, 1);
        long data = driver.alloc(512);
        long status = driver.alloc(1);
        packed(driver, position, header, 16, id, AVAIL | VirtioBlk.DESC_F_NEXT);
        packed(driver, position + 1, data, 512, id, AVAIL | VirtioBlk.DESC_F_NEXT | VirtioBlk.DESC_F_WRITE);
        packed(driver, position + 2, status, 1, id, AVAIL | VirtioBlk.DESC_F_WRITE);
        return status;
    }

    private static List<ViolationKind> kinds(RegisterLevelDriver driver) {
        return driver.platform.violations().stream().map(Violation::kind).toList();
    }

    @Test
    void aChainIsAnsweredWithOneUsedDescriptorCarryingItsBufferId() {
        RegisterLevelDriver driver = driver(RequestHook.NORMAL, 0);
        long status = postRead(driver, 0, 5);
        driver.notifyQueue();
        assertEquals(AVAIL | USED, driver.platform.ram().readU16(driver.desc + 14), "used in wrap 1");
        assertEquals(5, driver.platform.ram().readU16(driver.desc + 12));
        assertEquals(513, driver.platform.ram().readU32(driver.desc + 8));
        assertEquals(0, driver.platform.ram().readU8(status));
        assertTrue(driver.lineRaised(), "interrupts are enabled while the driver event flags are 0");
        postRead(driver, 3, 6);
        driver.notifyQueue();
        assertEquals(AVAIL | USED, driver.platform.ram().readU16(driver.desc + 16 * 3 + 14),
                "the next used descriptor follows the first chain's three positions");
        assertEquals(List.of(), kinds(driver));
    }

    @Test
    void aBufferIdStillInFlightIsRefused() {
        RegisterLevelDriver driver = driver(RequestHook.NORMAL.at(0, RequestOutcome.never()), 0);
        postRead(driver, 0, 3);
        driver.notifyQueue();
        postRead(driver, 3, 3);
        driver.notifyQueue();
        assertEquals(List.of(ViolationKind.MALFORMED_QUEUE), kinds(driver));
        assertTrue(driver.platform.violations().get(0).detail().contains("reuses buffer id 3"),
                driver.platform.violations().toString());
        assertTrue(driver.device.needsResetReason().isPresent());
    }

    @Test
    void aChainRunningIntoADescriptorNotMadeAvailableIsMalformed() {
        RegisterLevelDriver driver = driver(RequestHook.NORMAL, 0);
        postRead(driver, 0, 1);
        packed(driver, 2, driver.alloc(1), 1, 1, USED | VirtioBlk.DESC_F_WRITE);
        driver.notifyQueue();
        assertEquals(List.of(ViolationKind.MALFORMED_QUEUE), kinds(driver));
        assertTrue(driver.platform.violations().get(0).detail().contains("not marked available"),
                driver.platform.violations().toString());
    }

    @Test
    void interruptsFollowTheDriverEventSuppressionStructure() {
        RegisterLevelDriver driver = driver(RequestHook.NORMAL, 0);
        driver.platform.writeU32(driver.avail, 1L << 16);
        postRead(driver, 0, 0);
        driver.notifyQueue();
        assertFalse(driver.lineRaised(), "RING_EVENT_FLAGS_DISABLE");

        driver.platform.writeU32(driver.avail, 2L << 16);
        postRead(driver, 3, 1);
        driver.notifyQueue();
        assertTrue(driver.lineRaised(), "answered with an interrupt");
        assertEquals(List.of(ViolationKind.EVENT_SUPPRESSION), kinds(driver), "RING_EVENT_FLAGS_DESC needs EVENT_IDX");
    }

    @Test
    void theSuppressionFaultsApplyToThePackedRing() {
        RegisterLevelDriver driver = driver(RequestHook.NORMAL, VirtioBlk.bit(VirtioBlk.F_EVENT_IDX));
        driver.device.faults().ignoreInterruptSuppression(true).availEventWrites(AvailEventWrites.NEVER);
        driver.platform.writeU32(driver.avail, 1L << 16);
        postRead(driver, 0, 0);
        driver.notifyQueue();
        assertTrue(driver.lineRaised(), "the device interrupts although the driver disabled interrupts");
        assertEquals(0, driver.platform.ram().readU32(driver.used), "the device event suppression is never written");
        assertEquals(List.of(), kinds(driver));
    }

    @Test
    void withTheEventIndexTheDeviceInterruptsWhenItPassesTheNamedPosition() {
        RegisterLevelDriver driver = driver(RequestHook.NORMAL, VirtioBlk.bit(VirtioBlk.F_EVENT_IDX));
        driver.platform.writeU32(driver.avail, (2L << 16) | USED | 3);
        postRead(driver, 0, 0);
        driver.notifyQueue();
        assertTrue(driver.lineRaised(), "the first update after a reset always interrupts, as in QEMU");
        driver.write(ControlRegister.INTERRUPT_ACK, 1);
        postRead(driver, 3, 1);
        driver.notifyQueue();
        assertTrue(driver.lineRaised(), "the used position passed 3");
        driver.write(ControlRegister.INTERRUPT_ACK, 1);
        postRead(driver, 6, 2);
        driver.notifyQueue();
        assertFalse(driver.lineRaised(), "position 3 is behind");
        assertEquals(9 | USED | (2L << 16), driver.platform.ram().readU32(driver.used),
                "the device asks to be notified at position 9, wrap counter 1");
        assertEquals(List.of(), kinds(driver));
    }
}
