package dev.vblk.qemu.testkit;

import dev.vblk.platform.LittleEndian;
import dev.vblk.qemu.QemuBinary;
import dev.vblk.qemu.QemuException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Disk images for QEMU tests whose every sector holds a known signature, so a test can tell which
 * sector a read returned.
 */
public final class DiskImages {

    /** Bytes in one sector. */
    public static final int SECTOR_SIZE = 512;

    private DiskImages() {}

    /**
     * The signature of a sector: the sector number as a little-endian u64, then the bytes
     * {@code (sector * 7 + i) & 0xff} for positions {@code i = 8..511}.
     */
    public static byte[] signature(long sector) {
        byte[] bytes = new byte[SECTOR_SIZE];
        LittleEndian.put(bytes, 0, 8, sector);
        for (int i = 8; i < SECTOR_SIZE; i++) {
            bytes[i] = (byte) (sector * 7 + i);
        }
        return bytes;
    }

    /** Writes a raw image of {@code sectors} signed sectors to {@code directory/name}. */
    public static Path raw(Path directory, String name, int sectors) throws IOException {
        Path image = directory.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength((long) sectors * SECTOR_SIZE);
            for (int sector = 0; sector < sectors; sector++) {
                file.write(signature(sector));
            }
        }
        return image;
    }

    /**
     * Writes a qcow2 image of {@code sectors} signed sectors to {@code directory/name}, by converting
     * a raw one with {@code qemu-img convert}.
     */
    public static Path qcow2(Path directory, String name, int sectors) throws IOException {
        Path raw = raw(directory, name + ".raw", sectors);
        Path image = directory.resolve(name);
        qemuImg("convert", "-f", "raw", "-O", "qcow2", raw.toString(), image.toString());
        Files.delete(raw);
        return image;
    }

    /** An empty (all-zero) qcow2 image of the given size, from {@code qemu-img create -f qcow2}. */
    public static Path emptyQcow2(Path directory, String name, long bytes) {
        Path image = directory.resolve(name);
        qemuImg("create", "-q", "-f", "qcow2", image.toString(), Long.toString(bytes));
        return image;
    }

    /** Sector {@code sector} of a raw image file. */
    public static byte[] readSector(Path rawImage, long sector) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(rawImage.toFile(), "r")) {
            byte[] bytes = new byte[SECTOR_SIZE];
            file.seek(sector * SECTOR_SIZE);
            file.readFully(bytes);
            return bytes;
        }
    }

    /** Runs {@code qemu-img} from the directory of {@code qemu-system-aarch64}, else from {@code PATH}. */
    private static void qemuImg(String... args) {
        Path sibling = QemuBinary.locate(null).path().resolveSibling("qemu-img");
        String program = Files.isExecutable(sibling) ? sibling.toString() : "qemu-img";
        List<String> command = new java.util.ArrayList<>(List.of(program));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new QemuException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new QemuException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QemuException("interrupted while running qemu-img", e);
        }
    }
}
