package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guest RAM shared with QEMU: what qtest writes is what the platform reads from the mapping and the
 * other way round, in both memory modes, and no file outlives the machine.
 */
@RequiresQemu
class QemuSharedMemoryTest {

    @TempDir
    Path directory;

    private QemuConfig config(boolean shared) throws IOException {
        return QemuConfig.builder().drive(DriveConfig.raw(DiskImages.raw(directory, "m.img", 8))).sharedMemory(shared).build();
    }

    @Test
    void sharedMappingAndQtestSeeTheSameMemory() throws IOException {
        try (QemuMachine machine = QemuMachine.start(config(true))) {
            assertTrue(machine.commandLine().contains("virt,memory-backend=ram"), String.join(" ", machine.commandLine()));
            seeTheSameMemory(machine);
        }
    }

    @Test
    void qtestMemoryModeSeesTheSameMemoryWithoutAFile() throws IOException {
        try (QemuMachine machine = QemuMachine.start(config(false))) {
            assertTrue(machine.commandLine().stream().noneMatch(argument -> argument.contains("memory-backend")),
                    String.join(" ", machine.commandLine()));
            seeTheSameMemory(machine);
        }
    }

    /** A qtest write is read by the platform, a platform write is read by qtest, at both ends of RAM. */
    private static void seeTheSameMemory(QemuMachine machine) {
        QemuPlatform platform = machine.platform();
        QtestClient qtest = machine.qtest();
        long last = VirtMachine.RAM_BASE + platform.ramBytes() - 8;
        for (long address : new long[] {VirtMachine.RAM_BASE, VirtMachine.RAM_BASE + 0x12344, last}) {
            qtest.write(AccessWidth.WORD, address, 0xc0ffee11L);
            assertEquals(0xc0ffee11L, platform.readU32(address), "qtest writel seen by the platform at 0x" + Long.toHexString(address));
            platform.writeMemory(address + 1, new byte[] {0x21, 0x43, 0x65});
            assertEquals(0x654321L, qtest.read(AccessWidth.WORD, address) >>> 8, "platform write seen by qtest readl");
            platform.writeU64(address, 0x0102030405060708L);
            assertEquals(0x0102030405060708L, qtest.read(AccessWidth.DOUBLE, address));
        }
        long frame = platform.allocateFrames(2, FrameAllocator.FRAME_SIZE).orElseThrow();
        qtest.write(AccessWidth.DOUBLE, frame + FrameAllocator.FRAME_SIZE + 8, -1);
        platform.freeFrames(frame, 2);
        long again = platform.allocateFrames(2, FrameAllocator.FRAME_SIZE).orElseThrow();
        assertEquals(frame, again);
        assertEquals(0, qtest.read(AccessWidth.DOUBLE, again + FrameAllocator.FRAME_SIZE + 8), "QEMU sees allocated frames zeroed");
        platform.freeFrames(again, 2);
    }

    @Test
    void theFileIsGoneWhileQemuRunsAndAfterItEnds() throws IOException {
        QemuMachine machine = QemuMachine.start(config(true));
        try {
            String memPath = machine.commandLine().stream().filter(argument -> argument.startsWith("memory-backend-file,"))
                    .findFirst().orElseThrow();
            assertTrue(memPath.contains("mem-path=" + SharedGuestRam.DIRECTORY + "/vblk-ram-" + ProcessHandle.current().pid() + "-"), memPath);
            assertTrue(memPath.endsWith(",share=on"), memPath);
            assertEquals(List.of(), ourFiles(), "the name is unlinked once QEMU has mapped it");
            machine.platform().writeU32(VirtMachine.RAM_BASE, 7);
            assertEquals(7, machine.qtest().read(AccessWidth.WORD, VirtMachine.RAM_BASE));
        } finally {
            machine.close();
        }
        assertEquals(List.of(), ourFiles());
        QemuException closed = assertThrows(QemuException.class, () -> machine.platform().readU32(VirtMachine.RAM_BASE));
        assertTrue(closed.getMessage().contains("QEMU"), closed.getMessage());
    }

    @Test
    void aFailedStartLeavesNoFile() {
        Path missing = directory.resolve("missing.img");
        QemuException failure = assertThrows(QemuException.class, () -> QemuMachine.start(QemuConfig.of(DriveConfig.raw(missing))));
        assertTrue(failure.getMessage().contains(missing.toString()), failure.getMessage());
        assertEquals(List.of(), ourFiles());
    }

    @Test
    void killedQemuFailsSharedMemoryAccess() throws IOException {
        try (QemuMachine machine = QemuMachine.start(config(true))) {
            machine.processHandle().destroyForcibly();
            machine.processHandle().onExit().join();
            QemuException failure = assertThrows(QemuException.class, () -> {
                for (int i = 0; i < 10_000; i++) {
                    machine.platform().writeU32(VirtMachine.RAM_BASE, i);
                    Thread.sleep(1);
                }
            });
            assertTrue(failure.getMessage().contains("QEMU exited"), failure.getMessage());
            assertFalse(machine.processHandle().isAlive());
        }
    }

    private static List<Path> ourFiles() {
        try (Stream<Path> files = Files.list(SharedGuestRam.DIRECTORY)) {
            String prefix = "vblk-ram-" + ProcessHandle.current().pid() + "-";
            return files.filter(file -> file.getFileName().toString().startsWith(prefix)).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot list " + SharedGuestRam.DIRECTORY, e);
        }
    }
}
