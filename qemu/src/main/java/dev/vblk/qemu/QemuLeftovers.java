package dev.vblk.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The private temporary directories of QEMU runs, named {@code vblk-qemu-PID-RANDOM} after the JVM
 * that made them, and the removal of those a killed JVM left behind.
 *
 * <p>Every run gets a new directory, so a leftover never stands in a later run's way. A leftover is
 * deleted by the next run only when its JVM is provably gone: no process has its pid. A pid reused
 * by another process keeps the directory, which is harmless.
 */
final class QemuLeftovers {

    /** Every directory's name starts with this. */
    static final String PREFIX = "vblk-qemu-";

    private QemuLeftovers() {}

    /**
     * Deletes the leftovers of dead JVMs in {@code folder}, then creates this run's directory there,
     * readable by its owner only.
     */
    static Path createDirectory(Path folder) {
        deleteLeftovers(folder);
        try {
            return Files.createTempDirectory(folder, PREFIX + ProcessHandle.current().pid() + "-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new QemuException("cannot create a temporary directory for QEMU in " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The system's temporary folder. */
    static Path temporaryFolder() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Deletes every directory in {@code folder} named for a JVM that no longer runs; others are left alone. */
    static void deleteLeftovers(Path folder) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, PREFIX + "*")) {
            for (Path entry : entries) {
                OptionalLong pid = ownerPid(entry.getFileName().toString());
                if (pid.isPresent() && ProcessHandle.of(pid.getAsLong()).isEmpty() && Files.isDirectory(entry)
                        && Files.isWritable(entry)) {
                    deleteQuietly(entry);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // An unreadable temporary folder holds nothing of ours to clean; creating the directory reports it.
        }
    }

    /** The pid in a directory name {@code vblk-qemu-PID-RANDOM}, if it has that form. */
    static OptionalLong ownerPid(String name) {
        if (!name.startsWith(PREFIX)) {
            return OptionalLong.empty();
        }
        String rest = name.substring(PREFIX.length());
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(rest.substring(0, dash)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Deletes a directory and everything in it.
     *
     * @throws QemuException if something cannot be deleted
     */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new QemuException("cannot delete QEMU's temporary directory " + directory + ": " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path directory) {
        try {
            deleteRecursively(directory);
        } catch (QemuException e) {
            // Another user's or a half-deleted leftover: it is in nobody's way.
        }
    }
}
