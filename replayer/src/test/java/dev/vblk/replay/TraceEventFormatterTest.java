package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class TraceEventFormatterTest {

    private static final long SLOT_31 = 0x0a00_3e00L;

    private final TraceEventFormatter formatter = new TraceEventFormatter(MmioWindow.QEMU_VIRT);

    @Test
    void decodesFeatureWordsWithThePageSelectedBeforeThem() {
        assertEquals("write DeviceFeaturesSel (slot 31) <- 1",
                formatter.format(new TraceEvent.RegisterWrite(SLOT_31 + 0x14, AccessWidth.WORD, 1)));
        assertEquals("read  DeviceFeatures (slot 31) -> 0x101 (page 1: VERSION_1|RING_RESET)",
                formatter.format(new TraceEvent.RegisterRead(SLOT_31 + 0x10, AccessWidth.WORD, 0x101)));
        formatter.format(new TraceEvent.RegisterWrite(SLOT_31 + 0x24, AccessWidth.WORD, 0));
        assertEquals("write DriverFeatures (slot 31) <- 0x2244 (page 0: SEG_MAX|BLK_SIZE|FLUSH|DISCARD)",
                formatter.format(new TraceEvent.RegisterWrite(SLOT_31 + 0x20, AccessWidth.WORD, 0x2244)));
    }

    @Test
    void namesStatusInterruptAndConfigurationAccesses() {
        assertEquals("write Status (slot 31) <- ACKNOWLEDGE|DRIVER|FEATURES_OK",
                formatter.format(new TraceEvent.RegisterWrite(SLOT_31 + 0x70, AccessWidth.WORD, 11)));
        assertEquals("read  InterruptStatus (slot 3) -> USED_BUFFER|CONFIG_CHANGE",
                formatter.format(new TraceEvent.RegisterRead(0x0a00_0660L, AccessWidth.WORD, 3)));
        assertEquals("read  config+0x20 (slot 31) [8-bit] -> 0x1",
                formatter.format(new TraceEvent.RegisterRead(SLOT_31 + 0x120, AccessWidth.BYTE, 1)));
        assertEquals("read  register 0x9000000 (outside the MMIO window) [32-bit] -> 0x5",
                formatter.format(new TraceEvent.RegisterRead(0x0900_0000L, AccessWidth.WORD, 5)));
    }

    @Test
    void rendersMemoryFramesInterruptsClockAndOperations() {
        assertEquals("write memory 0x40001000, 18 byte(s) <- 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f ...",
                formatter.format(new TraceEvent.MemoryWrite(0x4000_1000L, new byte[] {
                    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17})));
        assertEquals("allocate 2 frame(s), alignment 0x1000 -> refused",
                formatter.format(new TraceEvent.FrameAllocation(2, 4096, OptionalLong.empty())));
        assertEquals("poll interrupt line 47 -> raised", formatter.format(new TraceEvent.InterruptWait(47, 0, true)));
        assertEquals("begin operation 3: read virtio-blk@0x0a003e00 sector 12, 8 sector(s)",
                formatter.format(new TraceEvent.OperationBegin(3, OperationKind.READ, "virtio-blk@0x0a003e00", 12, 8, 4096,
                        new byte[0])));
        assertEquals("begin operation 4: zone_report virtio-blk@0x0a003e00 sector 256, 8 zone(s) at most",
                formatter.format(new TraceEvent.OperationBegin(4, OperationKind.ZONE_REPORT, "virtio-blk@0x0a003e00", 256, 8, 0,
                        new byte[0])));
        assertEquals("begin operation 5: zone_finish virtio-blk@0x0a003e00 zone 512",
                formatter.format(new TraceEvent.OperationBegin(5, OperationKind.ZONE_FINISH, "virtio-blk@0x0a003e00", 512, 0, 0,
                        new byte[0])));
        assertEquals("end operation 3: failed IO_ERROR: boom",
                formatter.format(new TraceEvent.OperationEnd(3, new OperationOutcome.Failed("IO_ERROR", "boom"))));
    }
}
