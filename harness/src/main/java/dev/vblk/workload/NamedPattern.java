package dev.vblk.workload;

import dev.vblk.block.BlockDevice;
import dev.vblk.platform.LittleEndian;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Deterministic sector contents that a workload names in {@code pattern=NAME}. Each sector's bytes
 * depend only on the pattern and the sector number, so the same workload always writes the same data.
 */
public enum NamedPattern {
    /**
     * The sector signature of the golden disk images: the sector number as a little-endian u64, then
     * the bytes {@code (sector * 7 + i) & 0xff} for positions {@code i = 8..511}. Writing it restores
     * a signed image.
     */
    SIGNATURE,
    /** Every byte of the signature inverted: data that differs from a signed image in every byte. */
    COMPLEMENT,
    /** All zeros. */
    ZEROS;

    /** The name a workload uses: the constant's name in lower case. */
    public String workloadName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pattern a workload calls {@code name}, if there is one. */
    public static Optional<NamedPattern> named(String name) {
        return Arrays.stream(values()).filter(p -> p.workloadName().equals(name)).findFirst();
    }

    /** The contents of one sector. */
    public byte[] sector(long sector) {
        byte[] bytes = new byte[BlockDevice.SECTOR_SIZE];
        if (this == ZEROS) {
            return bytes;
        }
        LittleEndian.put(bytes, 0, 8, sector);
        for (int i = 8; i < bytes.length; i++) {
            bytes[i] = (byte) (sector * 7 + i);
        }
        if (this == COMPLEMENT) {
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) ~bytes[i];
            }
        }
        return bytes;
    }

    /** The contents of {@code count} sectors from {@code first}. */
    public byte[] sectors(long first, int count) {
        byte[] bytes = new byte[count * BlockDevice.SECTOR_SIZE];
        for (int i = 0; i < count; i++) {
            System.arraycopy(sector(first + i), 0, bytes, i * BlockDevice.SECTOR_SIZE, BlockDevice.SECTOR_SIZE);
        }
        return bytes;
    }
}
