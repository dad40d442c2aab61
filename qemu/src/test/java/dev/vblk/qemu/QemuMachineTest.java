package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.PlatformException;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One QEMU machine shared by these tests: drive 0 is a raw image with a blkdebug read error on
 * sector 9, drive 1 a read-only qcow2 image, drive 2 a small raw image to resize. Each test that programs a device resets it first.
 * Guest RAM is shared with QEMU here; {@link QemuMachineQtestMemoryTest} runs the same tests over qtest memory commands.
 */
@RequiresQemu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuMachineTest {

    private static final long MAGIC = 0x74726976L;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private QemuMachine machine;
    private QemuPlatform platform;
    private Path rawImage;

    @BeforeAll
    void start(@TempDir Path directory) throws IOException {
        rawImage = DiskImages.raw(directory, "disk.img", 64);
        Path qcow2 = DiskImages.qcow2(directory, "disk.qcow2", 32);
        machine = QemuMachine.start(QemuConfig.builder()
                .drive(DriveConfig.raw(rawImage).withErrors(BlkdebugRule.readError(9)))
                .drive(DriveConfig.qcow2(qcow2).asReadOnly())
                .drive(DriveConfig.raw(DiskImages.raw(directory, "small.img", 16)))
                .sharedMemory(sharedMemory())
                .build());
        platform = machine.platform();
    }

    /** Whether the machine's guest RAM is shared with QEMU. */
    boolean sharedMemory() {
        return true;
    }

    @AfterAll
    void stop() {
        if (machine == null) {
            return;
        }
        machine.close();
        assertFalse(machine.processHandle().isAlive(), "QEMU is gone after close");
    }

    @Test
    void drivesSitInSlots31And30AsModernBlockDevices() {
        assertEquals(3, machine.drives().size());
        for (int i = 0; i < 3; i++) {
            AttachedDrive drive = machine.drive(i);
            assertEquals(31 - i, drive.slot());
            assertEquals(0x0a000000L + 0x200L * (31 - i), drive.transportAddress());
            assertEquals(16 + 31 - i, drive.interruptLine());
            long base = drive.transportAddress();
            assertEquals(MAGIC, platform.readRegister(base, AccessWidth.WORD));
            assertEquals(2, platform.readRegister(base + 0x004, AccessWidth.WORD), "modern transport");
            assertEquals(2, platform.readRegister(base + 0x008, AccessWidth.WORD), "block device");
        }
        assertEquals(0x0a003e00L, machine.drive(0).transportAddress());
        assertEquals(0x0a003c00L, machine.drive(1).transportAddress());
        assertEquals(0, platform.readRegister(VirtMachine.transportAddress(28) + 0x008, AccessWidth.WORD), "slot 28 is empty");
        assertEquals(64, platform.readRegister(machine.drive(0).transportAddress() + 0x100, AccessWidth.DOUBLE),
                "capacity of drive 0 in sectors");
    }

    @Test
    void metadataNamesTheVersionAndCommandLine() {
        QmpVersion version = machine.qmp().queryVersion();
        assertTrue(machine.qemuVersion().startsWith("QEMU emulator version " + version), machine.qemuVersion());
        assertTrue(machine.commandLine().get(0).endsWith("qemu-system-aarch64"));
        assertTrue(machine.commandLine().contains("virtio-mmio.force-legacy=false"));
        assertTrue(machine.commandLine().contains("virtio-blk-device,drive=d1,id=blk1"));
        assertEquals(QemuMachine.GIC_TYPE, machine.qmp().qomGet(machine.gicPath(), "type").asText());
    }

    @Test
    void registerWritesAreMaskedToTheirWidth() {
        long address = platform.allocateFrames(1, FrameAllocator.FRAME_SIZE).orElseThrow();
        try {
            platform.writeRegister(address, AccessWidth.DOUBLE, 0x1122334455667788L);
            platform.writeRegister(address, AccessWidth.BYTE, 0xabcdL);
            platform.writeRegister(address + 2, AccessWidth.HALF, 0xfff0_0102L);
            assertEquals(0x11223344_0102_77cdL, platform.readRegister(address, AccessWidth.DOUBLE));
            assertEquals(0x0102_77cdL, platform.readRegister(address, AccessWidth.WORD));
            assertEquals(0xcdL, platform.readRegister(address, AccessWidth.BYTE));
        } finally {
            platform.freeFrames(address, 1);
        }
    }

    @Test
    void memoryRoundTripsSmallAndLargeTransfers() {
        Random random = new Random(42);
        byte[] small = new byte[13];
        random.nextBytes(small);
        byte[] large = new byte[1 << 20];
        random.nextBytes(large);
        long address = platform.allocateFrames(1 + (1 << 20) / FrameAllocator.FRAME_SIZE, FrameAllocator.FRAME_SIZE)
                .orElseThrow();
        try {
            platform.writeMemory(address + 3, small);
            assertArrayEquals(small, platform.readMemory(address + 3, small.length));
            platform.writeMemory(address + FrameAllocator.FRAME_SIZE, large);
            assertArrayEquals(large, platform.readMemory(address + FrameAllocator.FRAME_SIZE, large.length));
            platform.writeU32(address, 0xdeadbeefL);
            assertEquals(0xef, platform.readU8(address));
            assertEquals(0xdeadbeefL, platform.readU32(address));
        } finally {
            platform.freeFrames(address, 1 + (1 << 20) / FrameAllocator.FRAME_SIZE);
        }
        assertThrows(PlatformException.class, () -> platform.readMemory(VirtMachine.RAM_BASE - 4, 8));
        assertThrows(PlatformException.class,
                () -> platform.writeMemory(VirtMachine.RAM_BASE + platform.ramBytes() - 4, new byte[8]));
    }

    @Test
    void frameAllocatorAlignsZeroesAndRefusesWhenFull() {
        long first = platform.allocateFrames(1, FrameAllocator.FRAME_SIZE).orElseThrow();
        long aligned = platform.allocateFrames(2, 64 * 1024).orElseThrow();
        assertEquals(0, aligned % (64 * 1024), "64 KiB alignment");
        platform.writeMemory(aligned, new byte[] {1, 2, 3, 4});
        platform.freeFrames(aligned, 2);
        long again = platform.allocateFrames(2, 64 * 1024).orElseThrow();
        assertEquals(aligned, again, "first fit reuses the freed frames");
        assertArrayEquals(new byte[8], platform.readMemory(again, 8), "allocated frames are zeroed");

        int free = platform.freeFrameCount();
        assertEquals(OptionalLong.empty(), platform.allocateFrames(free + 1, FrameAllocator.FRAME_SIZE));
        platform.freeFrames(first, 1);
        platform.freeFrames(again, 2);
        long all = platform.ramBytes() / FrameAllocator.FRAME_SIZE;
        long everything = platform.allocateFrames((int) all, FrameAllocator.FRAME_SIZE).orElseThrow();
        assertEquals(VirtMachine.RAM_BASE, everything);
        assertEquals(OptionalLong.empty(), platform.allocateFrames(1, FrameAllocator.FRAME_SIZE), "refused when full");
        platform.freeFrames(everything, (int) all);
    }

    @Test
    void handBuiltReadCompletesWithAnInterrupt() throws IOException {
        AttachedDrive drive = machine.drive(0);
        try (RawVirtioBlk device = new RawVirtioBlk(platform, drive.transportAddress(), 512)) {
            readsSectorsWithInterrupts(drive, device);
        }
    }

    private void readsSectorsWithInterrupts(AttachedDrive drive, RawVirtioBlk device) throws IOException {
        assertFalse(platform.awaitInterrupt(drive.interruptLine(), 0), "no interrupt before the request");
        long raisesBefore = machine.qtest().irqRaiseCount(drive.interruptLine());

        device.postRead(0, 512);
        assertTrue(platform.awaitInterrupt(drive.interruptLine(), 2 * SECOND), "completion interrupt on line 47");
        assertEquals(47, drive.interruptLine());
        RawVirtioBlk.Completion completion = finish(device);
        assertEquals(1, completion.usedIndex());
        assertEquals(0, completion.usedId(), "head descriptor");
        assertEquals(0, completion.status(), "VIRTIO_BLK_S_OK");
        assertArrayEquals(DiskImages.readSector(rawImage, 0), completion.data());
        assertArrayEquals(DiskImages.signature(0), completion.data());
        assertEquals(raisesBefore + 1, machine.qtest().irqRaiseCount(drive.interruptLine()));
        assertFalse(platform.awaitInterrupt(drive.interruptLine(), 0), "acknowledging lowers the line");

        device.postRead(5, 512);
        assertTrue(platform.awaitInterrupt(drive.interruptLine(), 2 * SECOND));
        RawVirtioBlk.Completion second = finish(device);
        assertEquals(2, second.usedIndex());
        assertArrayEquals(DiskImages.signature(5), second.data());
    }

    @Test
    void handBuiltReadIsFoundByPollingTheUsedIndexInMemory() {
        AttachedDrive drive = machine.drive(0);
        try (RawVirtioBlk device = new RawVirtioBlk(platform, drive.transportAddress(), 4096)) {
            for (int request = 1; request <= 3; request++) {
                device.postRead(request, 1024);
                device.awaitUsed(2 * SECOND);
                RawVirtioBlk.Completion completion = device.complete(1024);
                assertEquals(request, completion.usedIndex());
                assertEquals(0, completion.status());
                assertEquals(1025, completion.usedLength(), "data and status byte written");
                assertArrayEquals(DiskImages.signature(request), Arrays.copyOfRange(completion.data(), 0, 512));
                assertArrayEquals(DiskImages.signature(request + 1), Arrays.copyOfRange(completion.data(), 512, 1024));
            }
            assertEquals(1, device.acknowledgeInterrupt() & 1, "used-buffer interrupt pending");
        }
    }

    /** The last request's completion; acknowledges the interrupt. */
    private static RawVirtioBlk.Completion finish(RawVirtioBlk device) {
        RawVirtioBlk.Completion completion = device.complete(512);
        device.acknowledgeInterrupt();
        return completion;
    }

    @Test
    void blkdebugFailsTheChosenSectorOnly() {
        AttachedDrive drive = machine.drive(0);
        try (RawVirtioBlk device = new RawVirtioBlk(platform, drive.transportAddress(), 512)) {
            failsSectorNineOnly(drive, device);
        }
    }

    private void failsSectorNineOnly(AttachedDrive drive, RawVirtioBlk device) {
        device.postRead(9, 512);
        assertTrue(platform.awaitInterrupt(drive.interruptLine(), 2 * SECOND));
        assertEquals(1, finish(device).status(), "VIRTIO_BLK_S_IOERR");
        device.postRead(10, 512);
        assertTrue(platform.awaitInterrupt(drive.interruptLine(), 2 * SECOND));
        RawVirtioBlk.Completion neighbour = finish(device);
        assertEquals(0, neighbour.status());
        assertArrayEquals(DiskImages.signature(10), neighbour.data());
    }

    @Test
    void readOnlyDriveOffersFeatureRo() {
        long readOnly;
        long writable;
        try (RawVirtioBlk device = new RawVirtioBlk(platform, machine.drive(1).transportAddress(), 512)) {
            readOnly = device.deviceFeatures();
        }
        try (RawVirtioBlk device = new RawVirtioBlk(platform, machine.drive(0).transportAddress(), 512)) {
            writable = device.deviceFeatures();
        }
        assertTrue((readOnly & (1L << 5)) != 0, "VIRTIO_BLK_F_RO offered by the read-only drive");
        assertFalse((writable & (1L << 5)) != 0, "VIRTIO_BLK_F_RO not offered by the writable drive");
    }

    @Test
    void blockResizeRaisesAConfigurationInterrupt() {
        AttachedDrive drive = machine.drive(2);
        try (RawVirtioBlk device = new RawVirtioBlk(platform, drive.transportAddress(), 512)) {
            assertEquals(16, platform.readRegister(drive.transportAddress() + 0x100, AccessWidth.DOUBLE));
            machine.qmp().blockResize(drive.driveId(), 32 * 512);
            assertTrue(platform.awaitInterrupt(drive.interruptLine(), 2 * SECOND), "configuration-change interrupt");
            long status = device.readReg(0x060);
            assertEquals(2, status & 2, "InterruptStatus bit 1: configuration change");
            assertEquals(32, platform.readRegister(drive.transportAddress() + 0x100, AccessWidth.DOUBLE));
            // QEMU's virtio_notify_config sets both InterruptStatus bits, so both are acknowledged.
            device.writeReg(0x064, status);
            assertFalse(platform.awaitInterrupt(drive.interruptLine(), 0));
        }
        QemuException unknown = assertThrows(QemuException.class, () -> machine.qmp().blockResize("nope", 512));
        assertTrue(unknown.getMessage().contains("block_resize failed"), unknown.getMessage());
    }
}
