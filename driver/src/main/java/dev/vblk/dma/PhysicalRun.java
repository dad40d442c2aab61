package dev.vblk.dma;

/**
 * A physically contiguous run of guest memory.
 *
 * @param address guest-physical address of the first byte
 * @param length length in bytes
 */
public record PhysicalRun(long address, int length) {}
