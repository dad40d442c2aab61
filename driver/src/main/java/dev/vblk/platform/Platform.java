package dev.vblk.platform;

import dev.vblk.dma.DmaMapping;

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
public interface Platform extends RegisterBus, PhysicalMemory, FrameAllocator, InterruptLines, MonotonicClock {

    /**
     * The machine's policy for device DMA under VIRTIO_F_ACCESS_PLATFORM: what the driver maps its
     * rings and buffers through. Not a call into the machine and never recorded: a mapping grants
     * access and returns nothing, so a replay needs none. {@link DmaMapping#UNRESTRICTED} unless the
     * machine restricts its devices' DMA.
     */
    default DmaMapping dmaMapping() {
        return DmaMapping.UNRESTRICTED;
    }
}
