/**
 * The Avro trace format: {@link dev.vblk.trace.TraceEvent}s (platform calls with their results and
 * operation markers), {@link dev.vblk.trace.TraceMetadata}, the crash-safe
 * {@link dev.vblk.trace.TraceWriter} that encodes and writes off the recording thread, and the
 * hardened {@link dev.vblk.trace.TraceReader} that hands out only events under a verified
 * checkpoint and fails with a {@link dev.vblk.trace.TraceFormatException}. It depends on the
 * driver's platform and block types only; the recorder writes traces with it, the session names its
 * operations in its terms, and the replayer, the fuzzer, the command line and the benchmarks read
 * them.
 */
package dev.vblk.trace;
