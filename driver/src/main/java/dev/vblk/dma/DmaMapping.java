package dev.vblk.dma;

/**
 * Which guest memory a device may reach by DMA under VIRTIO_F_ACCESS_PLATFORM: the driver maps every
 * run it hands the device (a ring's memory, a request buffer) before the device learns of it, and
 * unmaps it once the device can no longer use it. Device addresses are the guest-physical ones on
 * every machine vblk drives (QEMU's virt board has no vIOMMU, the fake machine none either), so a
 * mapping grants access and translates nothing.
 */
public interface DmaMapping {

    /** The mapping of a machine that restricts nothing: every call does nothing. */
    DmaMapping UNRESTRICTED = new DmaMapping() {
        @Override
        public void map(PhysicalRun run) {}

        @Override
        public void unmap(PhysicalRun run) {}

        @Override
        public boolean restricts() {
            return false;
        }
    };

    /** Lets the device reach {@code run}. */
    void map(PhysicalRun run);

    /** Takes back a run given to {@link #map}; the device must no longer use it. */
    void unmap(PhysicalRun run);

    /** Whether {@link #map} and {@link #unmap} do anything, so that a caller need not work out the runs otherwise. */
    default boolean restricts() {
        return true;
    }
}
