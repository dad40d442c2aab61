package dev.vblk.fake.disk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskBackingTest {

    @TempDir
    Path dir;

    private static void exercise(DiskBacking disk) {
        byte[] data = new byte[6000];
        Arrays.fill(data, (byte) 0x5a);
        disk.write(1000, data, 0, data.length);
        byte[] back = new byte[6000];
        disk.read(1000, back, 0, back.length);
        assertArrayEquals(data, back);

        disk.discard(2000, 3000);
        disk.read(1000, back, 0, back.length);
        byte[] expected = data.clone();
        Arrays.fill(expected, 1000, 4000, (byte) 0);
        assertArrayEquals(expected, back);

        assertThrows(DiskAccessException.class, () -> disk.read(disk.sizeBytes() - 10, new byte[20], 0, 20));
        disk.resize(disk.sizeBytes() * 2);
        assertEquals(16384 * 2, disk.sizeBytes());
        disk.flush();
    }

    @Test
    void inMemory() {
        exercise(new InMemoryDisk(16384));
    }

    @Test
    void fileBacked() throws Exception {
        Path image = dir.resolve("disk.img");
        Files.write(image, new byte[16384]);
        try (FileDisk disk = FileDisk.open(image, true)) {
            exercise(disk);
        }
        assertEquals(32768, Files.size(image));
        assertEquals(0x5a, Files.readAllBytes(image)[1000]);
    }

    @Test
    void missingImageNamesThePath() {
        DiskAccessException error = assertThrows(DiskAccessException.class,
                () -> FileDisk.open(dir.resolve("absent.img"), false));
        assertEquals(true, error.getMessage().contains("absent.img"));
    }
}
