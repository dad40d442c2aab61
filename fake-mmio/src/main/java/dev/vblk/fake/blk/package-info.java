/**
 * The software virtio-blk device, built as QEMU builds one: a virtio core
 * ({@link dev.vblk.fake.blk.VirtioCore}: status, feature negotiation, queues, interrupts, config
 * generation) with two equal front ends over it, virtio-mmio
 * ({@link dev.vblk.fake.blk.FakeVirtioBlkDevice}) and virtio-pci (in {@code dev.vblk.fake.pci});
 * the rings apart (split and packed ring engines over each queue's registers, completions held for
 * batches); the request path and the block backend apart (decoding, the disk, the configuration
 * space); and the faults as small policies at those seams: the {@link dev.vblk.fake.blk.RequestHook}
 * choosing each request's {@link dev.vblk.fake.blk.RequestOutcome}, the switches of
 * {@link dev.vblk.fake.blk.DeviceFaults} asked where they act, completion batching and spurious
 * interrupts. It keeps its own reading of the VirtIO specification on purpose and never imports the
 * driver's constants ({@link dev.vblk.fake.blk.VirtioBlk} holds its own), so that a driver that
 * misreads the specification disagrees with it; only descriptor chains are decoded by the shared
 * {@code ChainDecoder}. Data lives in {@code dev.vblk.fake.disk}; the fuzzer scripts its faults and
 * the relaxed replayer answers its requests from a trace.
 */
package dev.vblk.fake.blk;
