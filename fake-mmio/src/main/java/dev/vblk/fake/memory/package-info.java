/**
 * The fake machine's guest RAM and frames: {@link dev.vblk.fake.memory.SparseRam} stores only pages
 * written to, {@link dev.vblk.fake.memory.FrameTable} allocates zeroed contiguous frames from it
 * and tells whether a range is covered by live allocations, and
 * {@link dev.vblk.fake.memory.AllocatorFaults} makes it refuse requests so the driver's fallbacks
 * run. Misuse goes to {@code dev.vblk.fake.violation}; {@code FakePlatform} serves the platform's
 * memory and frame calls from here, and fuzz scenarios set the allocator's faults.
 */
package dev.vblk.fake.memory;
