package dev.vblk.dma;

import java.util.ArrayList;
import java.util.List;

/**
 * A machine's table of the runs a driver has mapped for its devices ({@link DmaMapping}): what a
 * platform that restricts device DMA checks each device access against. Safe for concurrent callers.
 */
public final class DmaWindows implements DmaMapping {

    private final List<PhysicalRun> mapped = new ArrayList<>();

    @Override
    public synchronized void map(PhysicalRun run) {
        mapped.add(run);
    }

    /** Takes back one mapping of {@code run}; a run that is not mapped is left alone. */
    @Override
    public synchronized void unmap(PhysicalRun run) {
        mapped.remove(run);
    }

    /** Whether {@code [address, address+length)} lies inside one mapped run. */
    public synchronized boolean covers(long address, long length) {
        for (PhysicalRun run : mapped) {
            if (address >= run.address() && length >= 0 && address + length <= run.address() + run.length()) {
                return true;
            }
        }
        return false;
    }

    /** The runs mapped now, in the order they were mapped. */
    public synchronized List<PhysicalRun> mapped() {
        return List.copyOf(mapped);
    }
}
