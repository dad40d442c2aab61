package dev.vblk.cli;

import dev.vblk.block.BlockDevice;

/** Sizes and counts written for people: {@code 1 MiB}, {@code 2048 sectors (1 MiB)}. */
final class Sizes {

    private Sizes() {}

    /** A byte count in the largest binary unit that keeps it whole or to one decimal. */
    static String bytes(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        if (unit == 0) {
            return bytes + " bytes";
        }
        return (value == Math.rint(value) ? String.format("%.0f", value) : String.format("%.1f", value)) + " " + units[unit];
    }

    /** A sector count with its size: {@code 2048 sectors (1 MiB)}. */
    static String sectors(long sectors) {
        return sectors + " (" + bytes(sectors * BlockDevice.SECTOR_SIZE) + ")";
    }
}
