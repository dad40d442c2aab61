/**
 * JMH benchmarks: trace writing and reading per codec, replay, fuzz cases, the driver on the fake
 * device and recording on QEMU, with the fixture traces they read
 * ({@link dev.vblk.bench.BenchTraces}) and {@link dev.vblk.bench.TraceSizes} for bytes per event.
 * They use the modules they measure (trace, recorder, replayer, fuzz, session, the fake machine and
 * QEMU) and are not part of {@code mvn verify} but for a smoke test; {@code dev.vblk.bench.qemu}
 * holds the measurements on QEMU that are not JMH benchmarks.
 */
package dev.vblk.bench;
