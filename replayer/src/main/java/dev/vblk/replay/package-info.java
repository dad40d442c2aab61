/**
 * Replay of traces: {@link dev.vblk.replay.Replayer} issues a trace's recorded operations again in
 * one operation loop ({@link dev.vblk.replay.ReplaySession}) whose mode is a strategy: strict on a
 * {@link dev.vblk.replay.ReplayPlatform} that answers each call from the trace, relaxed on a
 * {@link dev.vblk.replay.TraceDrivenMachine} (the fake machine answering requests as the trace did),
 * or strictly up to an event and live after it; it reports a {@link dev.vblk.replay.ReplayResult}
 * with a {@link dev.vblk.replay.DivergenceReport}, and runs of several threads replay with one thread
 * each. {@link dev.vblk.replay.RequestReconstructor} rebuilds a trace's virtio-blk requests in a
 * pipeline of transport decoding, ring tracking and request decoding built on the driver's own
 * protocol constants ({@code dev.vblk.virtio.spec}), virtqueue layouts and chain decoder. It reads
 * traces with {@code dev.vblk.trace}, drives the driver through {@code dev.vblk.session} and builds
 * on the fake machine; the command line, trace-seeded fuzzing and the benchmarks use it.
 */
package dev.vblk.replay;
