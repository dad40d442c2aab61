package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.queue.BufferSegment;
import dev.vblk.virtio.queue.SplitVirtqueue;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parts of the driver's surface that no device behaviour reaches: argument checks, queue bookkeeping, names. */
class DriverSurfaceTest {

    private static final MmioSlot SLOT = new MmioSlot(31, FakePlatform.slotAddress(31), 47);

    @Test
    void partialSectorBuffersAreInvalidArguments() {
        FakePlatform platform = FakePlatform.create();
        platform.attachBlockDevice(31, FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(8)).build());
        VirtioBlkDevice device = VirtioBlkDevice.open(platform, SLOT, ScenarioRunner.OPTIONS);
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.readAt(0, new byte[100]));
        assertEquals(ErrorKind.INVALID_ARGUMENT, error.kind());
        assertEquals(ErrorKind.INVALID_ARGUMENT,
                assertThrows(BlockDeviceException.class, () -> device.writeAt(0, null)).kind());
        device.readAt(0, new byte[512]);
    }

    @Test
    void queueTracksItsChainsInFlight() {
        FakePlatform platform = FakePlatform.create();
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        assertEquals(0, queue.index());
        long buffer = platform.allocateFrames(1, 4096).orElseThrow();
        int head = queue.submit(List.of(new BufferSegment(buffer, 16, false), new BufferSegment(buffer + 16, 1, true)), 0);
        int second = queue.submit(List.of(new BufferSegment(buffer + 32, 16, false), new BufferSegment(buffer + 48, 1, true)), 0);
        assertEquals(2, queue.inFlight());
        assertEquals(List.of(head, second), queue.inFlightHeads());
        assertEquals(4, queue.freeDescriptors());
        queue.release();
    }

    @Test
    void transportReadsSixteenBitConfigFields() {
        FakePlatform platform = FakePlatform.create();
        platform.attachBlockDevice(31, FakeBlkConfig.builder()
                .geometry(new FakeBlkConfig.Geometry(0x1234, 16, 63)).build());
        VirtioMmioTransport transport = new VirtioMmioTransport(platform, SLOT, "test");
        assertEquals(0x1234, transport.configU16(16));
        assertEquals(SLOT, transport.slot());
    }

    @Test
    void slotsNameThemselves() {
        assertEquals("slot 31 at 0x0a003e00 (irq 47)", SLOT.toString());
    }
}
