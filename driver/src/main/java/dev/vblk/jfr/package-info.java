/**
 * Flight Recorder instrumentation: {@link dev.vblk.jfr.BlockRequestEvent} for each block device
 * call and {@link dev.vblk.jfr.RegisterAccessEvent} for each register access, emitted by the
 * decorators {@link dev.vblk.jfr.InstrumentedBlockDevice} and
 * {@link dev.vblk.jfr.InstrumentedPlatform}. It wraps the types of {@code dev.vblk.block} and
 * {@code dev.vblk.platform} and changes nothing the driver sees; the command line's {@code --jfr}
 * option uses it, and {@code vblk report} reads the events back.
 */
package dev.vblk.jfr;
