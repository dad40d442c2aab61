/**
 * The software virtio-blk device: {@link dev.vblk.fake.blk.FakeVirtioBlkDevice} behind a
 * virtio-mmio register file, configured by {@link dev.vblk.fake.blk.FakeBlkConfig}, with split or
 * packed rings and several queues, and its fault injection: {@link dev.vblk.fake.blk.RequestHook}
 * choosing each request's {@link dev.vblk.fake.blk.RequestOutcome},
 * {@link dev.vblk.fake.blk.DeviceFaults}, completion batching and spurious interrupts. It keeps its
 * own protocol constants ({@link dev.vblk.fake.blk.VirtioBlk}) so as to read the specification
 * independently of the driver, decodes chains with the shared {@code ChainDecoder} and stores data
 * in {@code dev.vblk.fake.disk}; the fuzzer scripts its faults and the relaxed replayer answers its
 * requests from a trace.
 */
package dev.vblk.fake.blk;
