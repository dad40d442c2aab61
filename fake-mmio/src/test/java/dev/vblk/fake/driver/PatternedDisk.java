package dev.vblk.fake.driver;

import dev.vblk.fake.disk.InMemoryDisk;

/** A disk whose every byte is known from its position, so a read can be checked without a copy. */
final class PatternedDisk {

    private PatternedDisk() {}

    /** A disk of {@code sectors} sectors holding the pattern. */
    static InMemoryDisk of(int sectors) {
        InMemoryDisk disk = InMemoryDisk.ofSectors(sectors);
        byte[] contents = expected(0, sectors);
        disk.write(0, contents, 0, contents.length);
        return disk;
    }

    /** The pattern's bytes of {@code sectors} sectors from {@code sector}. */
    static byte[] expected(long sector, int sectors) {
        byte[] bytes = new byte[sectors * 512];
        for (int i = 0; i < bytes.length; i++) {
            int at = (int) (sector * 512) + i;
            bytes[i] = (byte) (at / 512 * 7 + at);
        }
        return bytes;
    }
}
