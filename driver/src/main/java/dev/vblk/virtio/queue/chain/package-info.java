/**
 * The one decoder of descriptor chains read from guest memory, as a device sees them:
 * {@link dev.vblk.virtio.queue.chain.ChainDecoder} follows split (NEXT links) or packed
 * (consecutive positions under a wrap counter) chains with at most one indirect table, and gives a
 * {@link dev.vblk.virtio.queue.chain.DecodedChain} or a
 * {@link dev.vblk.virtio.queue.chain.MalformedChainException} naming the
 * {@link dev.vblk.virtio.queue.chain.ChainDefect}. It needs only a
 * {@link dev.vblk.virtio.queue.chain.GuestMemoryReader}; the fake device, the replayer's request
 * reconstruction and the tests use it, the driver does not.
 */
package dev.vblk.virtio.queue.chain;
