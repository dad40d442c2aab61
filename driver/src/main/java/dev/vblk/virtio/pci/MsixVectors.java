package dev.vblk.virtio.pci;

import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.MsixCapability;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.InterruptSource;
import dev.vblk.virtio.InterruptStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * A virtio-pci function's MSI-X table pointed at the board's MSI frame, one vector for configuration
 * changes and one per queue (as Linux's virtio-pci assigns them when it can): table entry 0 is the
 * configuration vector, entry {@code 1 + q} queue {@code q}'s, each entry's message the frame's
 * doorbell and the data of a frame line of its own. Programming the table and setting MSI-X Enable
 * (Function Mask cleared) is done once, when the transport opens; {@link #disable()} clears Enable,
 * which puts the function back on INTx.
 */
final class MsixVectors {

    private final PciConfigSpace config;
    private final MsixCapability capability;
    private final List<MsixVector> vectors;

    private MsixVectors(PciConfigSpace config, MsixCapability capability, List<MsixVector> vectors) {
        this.config = config;
        this.capability = capability;
        this.vectors = vectors;
    }

    /**
     * Programs {@code count} table entries (the configuration vector and {@code count - 1} queues')
     * with the frame lines from {@code firstFrameLine} on, unmasked, and enables MSI-X.
     */
    static MsixVectors program(Platform platform, PciConfigSpace config, MsixCapability capability, MsiFrame frame,
            int firstFrameLine, int count) {
        List<MsixVector> vectors = new ArrayList<>(count);
        for (int vector = 0; vector < count; vector++) {
            int index = firstFrameLine + vector;
            long entry = capability.entry(vector);
            platform.writeRegister(entry, AccessWidth.WORD, frame.doorbell() & 0xffff_ffffL);
            platform.writeRegister(entry + 4, AccessWidth.WORD, frame.doorbell() >>> 32);
            platform.writeRegister(entry + 8, AccessWidth.WORD, frame.data(index));
            platform.writeRegister(entry + 12, AccessWidth.WORD, 0);
            vectors.add(new MsixVector(platform, frame.line(index),
                    vector == 0 ? InterruptStatus.CONFIG_CHANGE : InterruptStatus.USED_BUFFER));
        }
        int control = config.u16(capability.messageControl());
        config.writeU16(capability.messageControl(), (control | MsixCapability.ENABLE) & ~MsixCapability.FUNCTION_MASK);
        return new MsixVectors(config, capability, List.copyOf(vectors));
    }

    /** How many vectors are programmed: the configuration vector and the queues'. */
    int count() {
        return vectors.size();
    }

    /** The table entry of queue {@code queue}'s vector; {@code count()} or more when it has none. */
    static int queueVector(int queue) {
        return 1 + queue;
    }

    /** The configuration vector's table entry. */
    static int configVector() {
        return 0;
    }

    /** The configuration vector. */
    InterruptSource config() {
        return vectors.get(configVector());
    }

    /** Queue {@code queue}'s vector. */
    InterruptSource queue(int queue) {
        return vectors.get(queueVector(queue));
    }

    /** The platform line of each vector, the configuration vector's first. */
    List<Integer> lines() {
        return vectors.stream().map(MsixVector::line).toList();
    }

    /** Clears MSI-X Enable: the function signals on INTx again. */
    void disable() {
        config.writeU16(capability.messageControl(), config.u16(capability.messageControl()) & ~MsixCapability.ENABLE);
    }
}
