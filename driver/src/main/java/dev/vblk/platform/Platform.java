package dev.vblk.platform;

/**
 * Everything a driver may ask of the machine it runs on: registers, guest-physical memory, frame
 * allocation, interrupts and a clock.
 *
 * <p>This is the one door between the driver and the outside world. A driver holds no other source
 * of input (no wall clock, no randomness, no sleeping), so recording the calls across this interface
 * and their results captures everything the driver saw, and feeding the same results back replays it
 * exactly. Implementations: QEMU over qtest, the host-only fake device, the recording decorator and
 * the trace-driven replay platform.
 */
public interface Platform extends RegisterBus, PhysicalMemory, FrameAllocator, InterruptLines, MonotonicClock {}
