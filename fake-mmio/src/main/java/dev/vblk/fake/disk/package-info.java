/**
 * The bytes behind a fake block device: {@link dev.vblk.fake.disk.DiskBacking}, addressed by byte
 * offset, held sparsely in memory ({@link dev.vblk.fake.disk.InMemoryDisk}), failing with
 * {@link dev.vblk.fake.disk.DiskAccessException}, which the device reports as IOERR. It depends on
 * nothing else; the block backend of {@code dev.vblk.fake.blk} stores its data here, and the
 * harness, the replayer and the fuzzer choose the disk they give it.
 */
package dev.vblk.fake.disk;
