package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding the executable and building the command line, without starting QEMU. */
class QemuLaunchTest {

    @TempDir
    Path directory;

    private Path fakeExecutable(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(QemuBinary.EXECUTABLE);
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }

    @Test
    void explicitPathWinsOverEnvironmentAndPath() throws IOException {
        Path explicit = fakeExecutable(directory.resolve("explicit"));
        Path env = fakeExecutable(directory.resolve("env"));
        Path onPath = fakeExecutable(directory.resolve("bin"));
        assertEquals(explicit, QemuBinary.search(explicit, env.toString(), onPath.getParent().toString()).path());
        assertEquals(env, QemuBinary.search(null, env.toString(), onPath.getParent().toString()).path());
        assertEquals(onPath, QemuBinary.search(null, null, "/nonexistent:" + onPath.getParent()).path());
    }

    @Test
    void missingExecutableErrorNamesWhatWasLookedFor() {
        QemuException onPath = assertThrows(QemuException.class, () -> QemuBinary.search(null, null, "/nonexistent"));
        assertTrue(onPath.getMessage().contains(QemuBinary.EXECUTABLE), onPath.getMessage());
        assertTrue(onPath.getMessage().contains("/nonexistent"), onPath.getMessage());
        assertTrue(onPath.getMessage().contains("VBLK_QEMU"), onPath.getMessage());
        QemuException fromEnv = assertThrows(QemuException.class,
                () -> QemuBinary.search(null, directory.resolve("nope").toString(), "/usr/bin"));
        assertTrue(fromEnv.getMessage().contains("VBLK_QEMU") && fromEnv.getMessage().contains("nope"), fromEnv.getMessage());
    }

    @Test
    void commandLineAttachesDrivesWithBlkdebugAndReadOnly() throws IOException {
        Path binary = fakeExecutable(directory.resolve("bin"));
        Path image = directory.resolve("odd,name.img");
        QemuConfig config = QemuConfig.builder()
                .ramBytes(128L << 20)
                .drive(DriveConfig.raw(image).withErrors(BlkdebugRule.readError(9), BlkdebugRule.flushError()))
                .drive(DriveConfig.qcow2(directory.resolve("b.qcow2")).asReadOnly())
                .extraArgs("-smp", "1")
                .build();
        Path work = Files.createDirectory(directory.resolve("work"));
        List<String> command = QemuProcess.commandLine(new QemuBinary(binary), config, work, Optional.empty());

        String expectedStart = binary + " -M virt -S -display none -nodefaults -no-user-config -m 128M"
                + " -qtest stdio -qtest-log none -qmp unix:" + work.resolve("qmp.sock") + ",server=on,wait=off"
                + " -global virtio-mmio.force-legacy=false";
        assertTrue(String.join(" ", command).startsWith(expectedStart), String.join(" ", command));
        Path rules = work.resolve("blkdebug-0.conf");
        assertEquals(List.of(
                "-drive", "driver=raw,file.driver=blkdebug,file.config=" + rules
                        + ",file.image.filename=" + directory.resolve("odd,,name.img") + ",if=none,id=d0",
                "-device", "virtio-blk-device,drive=d0,id=blk0",
                "-drive", "file=" + directory.resolve("b.qcow2") + ",format=qcow2,if=none,id=d1,readonly=on",
                "-device", "virtio-blk-device,drive=d1,id=blk1",
                "-smp", "1"), command.subList(command.size() - 10, command.size()));
        assertEquals("[inject-error]\nevent = \"read_aio\"\nerrno = \"5\"\nsector = \"9\"\nonce = \"off\"\n\n"
                + "[inject-error]\nevent = \"flush_to_disk\"\nerrno = \"5\"\nonce = \"off\"\n\n", Files.readString(rules));
    }

    @Test
    void sharedRamFileBacksTheMachinesMemory() throws IOException {
        Path binary = fakeExecutable(directory.resolve("bin"));
        QemuConfig config = QemuConfig.builder().ramBytes(32L << 20).build();
        Path work = Files.createDirectory(directory.resolve("work"));
        List<String> command = QemuProcess.commandLine(new QemuBinary(binary), config, work,
                Optional.of(Path.of("/dev/shm/vblk-ram-1,2")));

        assertEquals(List.of("-M", "virt,memory-backend=ram"), command.subList(1, 3));
        assertEquals("32M", command.get(command.indexOf("-m") + 1));
        assertEquals("memory-backend-file,id=ram,size=32M,mem-path=/dev/shm/vblk-ram-1,,2,share=on",
                command.get(command.indexOf("-object") + 1));
        assertTrue(config.sharedMemory(), "shared memory is the default");
        assertFalse(QemuProcess.commandLine(new QemuBinary(binary), config, work, Optional.empty()).contains("-object"));
    }

    @Test
    void configurationIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> QemuConfig.builder().ramBytes(3L << 19).build());
        assertThrows(IllegalArgumentException.class, () -> QemuConfig.builder().replyTimeout(java.time.Duration.ZERO).build());
        assertThrows(IllegalArgumentException.class, () -> new BlkdebugRule("read aio", 5, java.util.OptionalLong.empty(), false));
        assertEquals(QemuConfig.DEFAULT_RAM_BYTES, QemuConfig.of().ramBytes());
        assertEquals(64L << 20, QemuConfig.DEFAULT_RAM_BYTES);
    }
}
