/**
 * The driver's side of a virtqueue: {@link dev.vblk.virtio.queue.Virtqueue} and the two rings
 * behind it, {@link dev.vblk.virtio.queue.SplitVirtqueue} and
 * {@link dev.vblk.virtio.queue.PackedVirtqueue} (which share what they keep alike), with their
 * layouts, descriptor chains (direct or through indirect tables), notification suppression and
 * checked consumption of what the device returns ({@link dev.vblk.virtio.queue.UsedElement}). It
 * knows nothing of block requests; it uses {@code dev.vblk.platform} for memory and frames and the
 * descriptor format of {@code dev.vblk.virtio.spec}, reports failures as {@code VirtioException}s,
 * and the block driver of {@code dev.vblk.virtio.blk} uses it.
 */
package dev.vblk.virtio.queue;
