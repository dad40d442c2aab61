package dev.vblk.trace;

/**
 * A run of bytes of an earlier shared payload of the same trace (format 4): {@code length} bytes
 * from {@code offset} of shared payload number {@code payload} (see {@link PayloadWindow}).
 */
record PayloadRef(long payload, int offset, int length) {}
