/**
 * The platform interface, the only way the driver reaches the machine:
 * {@link dev.vblk.platform.Platform} is the union of {@link dev.vblk.platform.RegisterBus},
 * {@link dev.vblk.platform.PhysicalMemory}, {@link dev.vblk.platform.FrameAllocator},
 * {@link dev.vblk.platform.InterruptLines} and {@link dev.vblk.platform.MonotonicClock}, with
 * {@link dev.vblk.platform.PlatformException} for a machine that fails and
 * {@link dev.vblk.platform.ForwardingPlatform} as the base of decorators. It depends on nothing
 * else; the driver packages are written against it, and the QEMU, fake, recording and replay
 * platforms implement it.
 */
package dev.vblk.platform;
