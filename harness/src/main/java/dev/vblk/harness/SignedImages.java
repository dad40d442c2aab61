package dev.vblk.harness;

import dev.vblk.block.BlockDevice;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.workload.NamedPattern;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Disks whose every sector holds {@link NamedPattern#SIGNATURE}: the same bytes on every run, so a
 * read's answer, and a golden trace's disk SHA-256, are known in advance.
 */
public final class SignedImages {

    private SignedImages() {}

    /**
     * Writes a raw image of {@code sectors} signed sectors to {@code directory/name}, replacing any file there.
     *
     * @throws HarnessException if it cannot be written
     */
    public static Path raw(Path directory, String name, int sectors) {
        Path image = directory.resolve(name);
        try (OutputStream out = Files.newOutputStream(image)) {
            for (int sector = 0; sector < sectors; sector++) {
                out.write(NamedPattern.SIGNATURE.sector(sector));
            }
        } catch (IOException e) {
            throw new HarnessException("cannot write disk image " + image + ": " + e.getMessage(), e);
        }
        return image;
    }

    /** An in-memory disk of {@code sectors} signed sectors, for the fake device. */
    public static InMemoryDisk inMemory(int sectors) {
        InMemoryDisk disk = InMemoryDisk.ofSectors(sectors);
        for (int sector = 0; sector < sectors; sector++) {
            disk.write((long) sector * BlockDevice.SECTOR_SIZE, NamedPattern.SIGNATURE.sector(sector), 0,
                    BlockDevice.SECTOR_SIZE);
        }
        return disk;
    }
}
