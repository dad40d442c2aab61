package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * VIRTIO_F_RING_RESET over virtio-pci on the fake function: queue_reset of the selected queue, read
 * back until the function reports the reset done, ends the queue's calls as ABORTED; the queue is set
 * up again and reads, and the other queue keeps its request.
 */
class FakePciQueueResetTest {

    private static final DriverOptions OPTIONS = DriverOptions.DEFAULTS.withMaxQueues(2).withRingReset(true);

    @Test
    void aPciQueueIsResetAloneAndReadsAgain() {
        InMemoryDisk disk = InMemoryDisk.ofSectors(64);
        byte[] written = new byte[512];
        written[0] = 0x42;
        written[511] = 0x24;
        disk.write(9 * 512L, written, 0, written.length);
        FakePciRig rig = FakePciRig.of(FakeBlkConfig.builder().disk(disk).numQueues(2)
                .requestHook(request -> request.sector() == 3 ? RequestOutcome.never() : RequestOutcome.normal()).build());
        PciReport report = new PciScanner(rig.platform(), PciHostBridge.QEMU_VIRT, OPTIONS).scan(new DeviceRegistry()).get(1);
        VirtioBlkDevice device = assertInstanceOf(PciReport.BoundBlockDevice.class, report, report.toString()).device();
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_RESET));
        RequestHandle stuck = device.queue(1).submitRead(3, new byte[512]);
        RequestHandle other = device.queue(0).submitRead(3, new byte[512]);
        assertEquals(List.of(), device.queue(1).poll());
        assertEquals(List.of(), device.queue(0).poll());

        device.queue(1).resetQueue();

        Completion.Failed aborted = assertInstanceOf(Completion.Failed.class,
                device.queue(1).awaitAll(List.of(stuck), AsyncBlockDevice.NO_TIME_BUDGET).get(0));
        assertEquals(ErrorKind.ABORTED, aborted.error().kind());
        byte[] back = new byte[512];
        device.queue(1).readAt(9, back);
        assertArrayEquals(written, back, "the reset queue reads on its fresh ring");
        assertEquals(1, device.queue(0).outstanding(), "the other queue keeps its request");
        assertTrue(device.fatalError().isEmpty());
        assertEquals(List.of(), rig.platform().violations());
    }
}
