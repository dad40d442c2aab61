package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Temporary directories named after their JVM, and the removal of dead JVMs' leftovers. */
class QemuLeftoversTest {

    @TempDir
    Path folder;

    @Test
    void aNewDirectoryIsNamedAfterThisJvmAndPrivate() throws IOException {
        Path directory = QemuLeftovers.createDirectory(folder);

        assertEquals(OptionalLong.of(ProcessHandle.current().pid()), QemuLeftovers.ownerPid(directory.getFileName().toString()));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(directory)));
    }

    @Test
    void onlyDirectoriesOfJvmsThatAreGoneAreDeleted() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Path dead = Files.createDirectory(folder.resolve(QemuLeftovers.PREFIX + gone.pid() + "-123"));
        Files.writeString(dead.resolve("qmp.sock"), "");
        Path alive = Files.createDirectory(folder.resolve(QemuLeftovers.PREFIX + ProcessHandle.current().pid() + "-456"));
        Path unnamed = Files.createDirectory(folder.resolve(QemuLeftovers.PREFIX + "8443328558921132235"));
        Path other = Files.createDirectory(folder.resolve("vblk-other-1-2"));

        QemuLeftovers.deleteLeftovers(folder);

        assertFalse(Files.exists(dead), "the dead JVM's directory is deleted");
        assertTrue(Files.isDirectory(alive), "a running JVM's directory stays");
        assertTrue(Files.isDirectory(unnamed), "a directory without a pid stays");
        assertTrue(Files.isDirectory(other));
        assertEquals(OptionalLong.empty(), QemuLeftovers.ownerPid("vblk-qemu-x-1"));
    }
}
