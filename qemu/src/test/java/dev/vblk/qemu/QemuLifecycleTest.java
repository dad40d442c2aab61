package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, losing and closing QEMU: the process never outlives the machine, and failures say why. */
@RequiresQemu
class QemuLifecycleTest {

    @TempDir
    Path directory;

    @Test
    void closeEndsQemuAndDeletesItsDirectory() throws IOException {
        QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(DiskImages.raw(directory, "a.img", 8))));
        ProcessHandle qemu = machine.processHandle();
        Path socketDirectory = Path.of(machine.commandLine().stream()
                .filter(arg -> arg.startsWith("unix:")).findFirst().orElseThrow()
                .substring("unix:".length()).split(",")[0]).getParent();
        assertTrue(Files.isDirectory(socketDirectory));
        assertTrue(qemu.isAlive());

        machine.platform().close();
        machine.close();

        assertFalse(qemu.isAlive(), "no QEMU process is left after close");
        assertFalse(Files.exists(socketDirectory), "the private directory is deleted");
        assertThrows(QemuException.class, () -> machine.platform().readRegister(0x0a003e00L, AccessWidth.WORD));
    }

    @Test
    void killedQemuFailsTheNextCallPromptlyNamingTheExit() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(DiskImages.raw(directory, "b.img", 8))))) {
            QemuPlatform platform = machine.platform();
            assertEquals(0x74726976L, platform.readRegister(0x0a003e00L, AccessWidth.WORD));

            machine.processHandle().destroyForcibly();
            long started = System.nanoTime();
            QemuException failure = assertThrows(QemuException.class,
                    () -> platform.readRegister(0x0a003e00L, AccessWidth.WORD));
            long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertTrue(elapsedMillis < 2000, "failed after " + elapsedMillis + " ms");
            assertTrue(failure.getMessage().contains("QEMU exited with status 137 (killed by signal 9)"), failure.getMessage());
            assertThrows(QemuException.class, () -> platform.awaitInterrupt(47, TimeUnit.SECONDS.toNanos(5)));
            assertThrows(QemuException.class, () -> platform.writeMemory(VirtMachine.RAM_BASE, new byte[4]));
        }
    }

    @Test
    void unopenableImageFailsStartWithQemusOwnMessage() {
        Path missing = directory.resolve("missing.img");
        QemuException failure = assertThrows(QemuException.class,
                () -> QemuMachine.start(QemuConfig.of(DriveConfig.raw(missing))));
        assertTrue(failure.getMessage().contains("QEMU exited with status 1"), failure.getMessage());
        assertTrue(failure.getMessage().contains(missing.toString()), failure.getMessage());
        assertTrue(ProcessHandle.current().children().noneMatch(child -> child.info().command()
                .map(command -> command.endsWith("qemu-system-aarch64")).orElse(false)), "no QEMU left running");
    }

    @Test
    void qemuStartedFromAThreadThatEndsKeepsRunning() throws Exception {
        Path image = DiskImages.raw(directory, "c.img", 8);
        QemuMachine[] started = new QemuMachine[1];
        Thread starter = new Thread(() -> started[0] = QemuMachine.start(QemuConfig.of(DriveConfig.raw(image))));
        starter.start();
        starter.join();
        try (QemuMachine machine = started[0]) {
            Thread.sleep(300);
            assertTrue(machine.processHandle().isAlive(), "the parent-death signal is not tied to the starting thread");
            assertEquals(0x74726976L, machine.platform().readRegister(0x0a003e00L, AccessWidth.WORD));
        }
    }
}
