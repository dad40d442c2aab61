package dev.vblk.fuzz.oracle;

/**
 * One register access a driver made, as {@link CountingPlatform} saw it.
 *
 * @param offset offset from the window's base
 * @param write whether it was a write
 * @param value the value written or read
 */
public record RegisterAccess(int offset, boolean write, long value) {}
