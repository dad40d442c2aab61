/**
 * The virtio layer below any device type: {@link dev.vblk.virtio.VirtioTransport} (status
 * handshake, feature negotiation, generation-checked configuration reads, queue setup, notification
 * and interrupts) and its virtio-mmio implementation {@link dev.vblk.virtio.VirtioMmioTransport},
 * the register map, status, feature and interrupt bits, and
 * {@link dev.vblk.virtio.VirtioException}. It reaches the machine through {@code dev.vblk.platform}
 * only; the virtio-pci transport ({@code dev.vblk.virtio.pci}), the virtqueues
 * ({@code dev.vblk.virtio.queue}) and the block driver ({@code dev.vblk.virtio.blk}) build on it, and
 * on the wire formats of {@code dev.vblk.virtio.spec}.
 */
package dev.vblk.virtio;
