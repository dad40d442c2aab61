/**
 * What a block device is to its callers, whatever drives it: the synchronous
 * {@link dev.vblk.block.BlockDevice}, the asynchronous {@link dev.vblk.block.AsyncBlockDevice} with
 * its {@link dev.vblk.block.RequestHandle}s and {@link dev.vblk.block.Completion}s,
 * {@link dev.vblk.block.BlockingBlockDevice} (the first over the second), and the one error,
 * {@link dev.vblk.block.BlockDeviceException} with its {@link dev.vblk.block.ErrorKind}. Devices
 * are named by {@link dev.vblk.block.BlockDeviceId}, whose location may be a PCI address from
 * {@code dev.vblk.pci}. The virtio-blk driver implements these types; the recorder, the trace, the
 * session, the replayer, the fuzzer and the command line use them.
 */
package dev.vblk.block;
