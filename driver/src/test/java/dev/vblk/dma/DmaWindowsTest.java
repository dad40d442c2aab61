package dev.vblk.dma;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class DmaWindowsTest {

    @Test
    void aRangeIsCoveredOnlyInsideOneMappedRun() {
        DmaWindows windows = new DmaWindows();
        windows.map(new PhysicalRun(0x1000, 0x1000));
        windows.map(new PhysicalRun(0x2000, 0x1000));
        assertTrue(windows.covers(0x1000, 0x1000));
        assertTrue(windows.covers(0x2ff0, 0x10));
        assertFalse(windows.covers(0xfff, 2), "begins before the first run");
        assertFalse(windows.covers(0x2ff0, 0x11), "ends past the second run");
        assertFalse(windows.covers(0x1ff0, 0x20), "adjacent runs are separate mappings");
    }

    @Test
    void unmappingTakesBackOneMappingAndIgnoresWhatIsNotMapped() {
        DmaWindows windows = new DmaWindows();
        PhysicalRun run = new PhysicalRun(0x4000, 512);
        windows.map(run);
        windows.map(run);
        windows.unmap(run);
        assertTrue(windows.covers(0x4000, 512));
        windows.unmap(run);
        windows.unmap(new PhysicalRun(0x8000, 16));
        assertFalse(windows.covers(0x4000, 1));
        assertEquals(List.of(), windows.mapped());
    }
}
