/**
 * Recording: {@link dev.vblk.recorder.RecordingPlatform} passes every platform call to another
 * platform and records it with its result, {@link dev.vblk.recorder.RecordingBlockDevice} and
 * {@link dev.vblk.recorder.RecordingAsyncBlockDevice} bracket block calls in operation markers, and
 * {@link dev.vblk.recorder.TraceRecorder} orders both into one trace, across threads, for a
 * {@code TraceWriter} of {@code dev.vblk.trace}. {@code DriverSession} wraps the devices it binds
 * in the block decorators when it is given a recorder; the harness, the fuzzer, branching replay
 * and the benchmarks wrap their platforms in {@code RecordingPlatform}.
 */
package dev.vblk.recorder;
