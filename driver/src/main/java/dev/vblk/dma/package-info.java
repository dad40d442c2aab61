/**
 * DMA memory for the driver: a {@link dev.vblk.dma.DmaBuffer} is one contiguous run of frames from
 * the platform's {@code FrameAllocator} when it gives one, else one frame per 4 KiB page, and turns
 * a range into the {@link dev.vblk.dma.PhysicalRun}s a descriptor chain needs. It uses
 * {@code dev.vblk.platform} and reports allocation failures as {@code VirtioException}s; the block
 * driver's request buffers are built from it.
 */
package dev.vblk.dma;
