package dev.vblk.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.memory.GuestMemoryException;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import org.junit.jupiter.api.Test;

class FakePlatformTest {

    private final FakePlatform platform = FakePlatform.create();

    private ViolationKind lastViolation() {
        return platform.violations().get(platform.violations().size() - 1).kind();
    }

    @Test
    void emptySlotReadsLikeQemu() {
        long base = FakePlatform.slotAddress(0);
        assertEquals(0x74726976L, platform.readRegister(base, AccessWidth.WORD));
        assertEquals(2, platform.readRegister(base + 4, AccessWidth.WORD));
        assertEquals(0, platform.readRegister(base + 8, AccessWidth.WORD));
        assertEquals(0x554d4551L, platform.readRegister(base + 0xc, AccessWidth.WORD));
        assertTrue(platform.violations().isEmpty());
    }

    @Test
    void devicesAttachFromTheTopSlotLikeQemu() {
        platform.attachBlockDevice(FakeBlkConfig.builder().build());
        platform.attachBlockDevice(FakeBlkConfig.builder().build());
        assertEquals(2, platform.readRegister(0x0a003e00L + 8, AccessWidth.WORD));
        assertEquals(2, platform.readRegister(0x0a003c00L + 8, AccessWidth.WORD));
        assertEquals(0, platform.readRegister(0x0a003a00L + 8, AccessWidth.WORD));
        assertEquals(47, platform.interruptLine(31));
        assertThrows(IllegalStateException.class, () -> platform.attachBlockDevice(31, FakeBlkConfig.builder().build()));
    }

    @Test
    void interruptBaseIsConfigurable() {
        assertEquals(32 + 5, FakePlatform.builder().interruptBase(32).build().interruptLine(5));
    }

    @Test
    void accessOutsideTheWindowIsRecordedAndReadsZero() {
        assertEquals(0, platform.readRegister(0x0a004000L, AccessWidth.WORD));
        assertEquals(ViolationKind.REGISTER_OUTSIDE_WINDOW, lastViolation());
        platform.writeRegister(0x09fffffcL, AccessWidth.WORD, 1);
        assertEquals(ViolationKind.REGISTER_OUTSIDE_WINDOW, lastViolation());
        assertEquals(2, platform.violations().size());
    }

    @Test
    void undefinedOffsetIsRecorded() {
        platform.attachBlockDevice(FakeBlkConfig.builder().build());
        assertEquals(0, platform.readRegister(FakePlatform.slotAddress(31) + 0x018, AccessWidth.WORD));
        assertEquals(ViolationKind.UNDEFINED_REGISTER, lastViolation());
        assertTrue(platform.violations().get(platform.violations().size() - 1).detail()
                .endsWith("read of undefined register offset 0x018"), platform.violations().toString());
        platform.writeRegister(FakePlatform.slotAddress(31) + 0x0d4, AccessWidth.WORD, 1);
        assertTrue(platform.violations().get(platform.violations().size() - 1).detail()
                .endsWith("write of undefined register offset 0x0d4"), platform.violations().toString());
    }

    @Test
    void narrowControlAccessReadsZeroAndIsIgnored() {
        FakeVirtioBlkDevice device = platform.attachBlockDevice(FakeBlkConfig.builder().build());
        long base = FakePlatform.slotAddress(31);
        assertEquals(0, platform.readRegister(base, AccessWidth.HALF));
        assertEquals(ViolationKind.BAD_REGISTER_WIDTH, lastViolation());
        platform.writeRegister(base + ControlRegister.STATUS.offset(), AccessWidth.BYTE, 1);
        assertEquals(0, device.status());
        assertEquals(ViolationKind.BAD_REGISTER_WIDTH, lastViolation());
    }

    @Test
    void writeOnlyRegisterReadIsRecorded() {
        platform.attachBlockDevice(FakeBlkConfig.builder().build());
        platform.readRegister(FakePlatform.slotAddress(31) + ControlRegister.QUEUE_NOTIFY.offset(), AccessWidth.WORD);
        assertEquals(ViolationKind.WRONG_REGISTER_DIRECTION, lastViolation());
    }

    @Test
    void memoryOutsideRamThrowsAndIsRecorded() {
        GuestMemoryException error = assertThrows(GuestMemoryException.class,
                () -> platform.readMemory(0x3ffff000L, 16));
        assertTrue(error.getMessage().contains("0x3ffff000"), error.getMessage());
        assertEquals(ViolationKind.MEMORY_OUTSIDE_RAM, lastViolation());
        assertThrows(GuestMemoryException.class,
                () -> platform.writeMemory(FakePlatform.RAM_BASE + (64L << 20) - 2, new byte[4]));
    }

    @Test
    void strictDmaRecordsWritesOutsideAllocations() {
        long frame = platform.allocateFrames(1, 4096).orElseThrow();
        platform.writeU32(frame, 1);
        assertTrue(platform.violations().isEmpty());
        platform.writeU32(frame + 4094, 1);
        assertEquals(ViolationKind.WRITE_OUTSIDE_ALLOCATION, lastViolation());

        FakePlatform lax = FakePlatform.builder().strictDma(false).build();
        lax.writeU32(FakePlatform.RAM_BASE, 7);
        assertTrue(lax.violations().isEmpty());
        assertEquals(7, lax.readU32(FakePlatform.RAM_BASE));
    }

    @Test
    void clockIsDeterministic() {
        FakePlatform a = FakePlatform.builder().clockStepNanos(250).build();
        FakePlatform b = FakePlatform.builder().clockStepNanos(250).build();
        for (int i = 1; i <= 5; i++) {
            long t = a.nanoTime();
            assertEquals(250L * i, t);
            assertEquals(t, b.nanoTime());
        }
    }

    @Test
    void awaitingAQuietLineAdvancesTimeByTheTimeout() {
        platform.attachBlockDevice(FakeBlkConfig.builder().build());
        long before = platform.clock().now();
        assertEquals(false, platform.awaitInterrupt(platform.interruptLine(31), 3_000));
        assertEquals(before + 3_000, platform.clock().now());
        assertTrue(platform.violations().isEmpty());
    }

    @Test
    void awaitingAnUnusedLineIsRecorded() {
        assertEquals(false, platform.awaitInterrupt(platform.interruptLine(3), 0));
        assertEquals(ViolationKind.UNKNOWN_INTERRUPT_LINE, lastViolation());
    }

    @Test
    void untouchedRamCostsNoPages() {
        platform.readMemory(FakePlatform.RAM_BASE + (32L << 20), 4096);
        assertEquals(0, platform.ram().touchedPages());
    }
}
