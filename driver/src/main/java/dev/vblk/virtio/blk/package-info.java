/**
 * The virtio-blk driver: {@link dev.vblk.virtio.blk.VirtioBlkDevice}, an {@code AsyncBlockDevice}
 * and {@code BlockDevice} over one {@code VirtioTransport}, with one
 * {@link dev.vblk.virtio.blk.VirtioBlkQueue} per request queue, its configuration space
 * ({@link dev.vblk.virtio.blk.VirtioBlkConfig}), feature bits and
 * {@link dev.vblk.virtio.blk.DriverOptions}; package-private parts of one job each initialise the
 * device, keep what it says of itself, check calls and split them into requests, lay requests out in
 * DMA buffers and on the ring, find their completions, track them in flight and map errors. It builds
 * on {@code dev.vblk.virtio}, {@code dev.vblk.virtio.queue}, {@code dev.vblk.virtio.spec} and
 * {@code dev.vblk.dma}, implements {@code dev.vblk.block}, and is opened by {@code dev.vblk.discovery}.
 */
package dev.vblk.virtio.blk;
