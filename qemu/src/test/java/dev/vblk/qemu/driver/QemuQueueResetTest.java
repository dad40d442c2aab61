package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * VIRTIO_F_RING_RESET on QEMU's virtio-blk, which offers it: one of two queues is reset with requests
 * in flight on a virtio-blk-pci function, each of them ends either done or ABORTED, and both queues
 * then read the signed image correctly; on virtio-mmio, whose QueueReset QEMU 7.2 does not implement,
 * the reset times out and a device reset recovers. QEMU's block layer is drained before each reset
 * ({@link #drainBlockLayer}).
 */
@RequiresQemu
class QemuQueueResetTest {

    private static final int SECTORS = 4096;
    private static final DriverOptions OPTIONS = DriverOptions.DEFAULTS.withMaxQueues(2).withRingReset(true);

    @TempDir
    Path directory;

    /**
     * QEMU 7.2's virtio-mmio offers RING_RESET (a feature of every virtio device) but leaves QueueReset
     * alone: the queue stays ready, so the reset is never done. The driver gives up within its budget
     * and a device reset brings the queues back.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aMmioQueueResetQemuNeverCompletesTimesOutAndTheDeviceResetRecovers() throws Exception {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .drive(DriveConfig.raw(DiskImages.raw(directory, "reset.img", SECTORS)))
                .extraArgs("-global", "virtio-blk-device.num-queues=2").build())) {
            var attached = machine.drive(0);
            VirtioBlkDevice device = VirtioBlkDevice.open(machine.platform(),
                    new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine()),
                    OPTIONS.withRequestTimeoutNanos(200_000_000L));
            assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_RESET), "QEMU 7.2 offers RING_RESET");
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.queue(1).resetQueue());
            assertEquals(ErrorKind.TIMEOUT, error.kind(), error.getMessage());
            device.reset();
            for (int q = 0; q < 2; q++) {
                byte[] buffer = new byte[512];
                device.queue(q).readAt(40 + q, buffer);
                assertArrayEquals(DiskImages.signature(40 + q), buffer);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aPciQueueIsResetAndBothQueuesKeepReading() throws Exception {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "reset-pci.img", SECTORS)))
                .extraArgs("-global", "virtio-blk-pci.num-queues=2").build())) {
            PciReport report = new PciScanner(machine.platform(), PciHostBridge.QEMU_VIRT, OPTIONS)
                    .probe(new PciAddress(0, 1, 0));
            resetAndRead(machine, assertInstanceOf(PciReport.BoundBlockDevice.class, report, report.toString()).device());
        }
    }

    /**
     * Lets QEMU finish every read it has taken from queue {@code queue}'s ring: pausing the machine drains
     * its block layer (QMP {@code stop}), and it runs on at once ({@code cont}). Running on, QEMU looks at
     * its queues again by itself and may take reads the driver made available without notifying it
     * (seen: the eight reads of a round fetched and completed right after {@code cont}), so the drain
     * waits until QEMU's own view of the queue (QMP {@code x-query-virtio-queue-status}) holds no buffer
     * in use and every buffer it took is used, twice in a row. QEMU 7.2's virtio-blk has no handler for a
     * queue reset, which zeroes the queue's count of buffers in use: a read still in its block layer when
     * the queue is reset completes into the fresh ring later, and QEMU then stops the device with
     * "Virtqueue size exceeded" on the next read. The reads stay in flight for the driver, which has not
     * looked at the ring, so the reset still ends them.
     */
    private static void drainBlockLayer(QemuMachine machine, int queue) throws InterruptedException {
        machine.qmp().execute("stop", Map.of());
        machine.qmp().execute("cont", Map.of());
        String path = machine.qmp().execute("x-query-virtio", Map.of()).get(0).get("path").asText();
        JsonNode idleBefore = null;
        for (int reads = 0; reads < 250; reads++) {
            JsonNode status = machine.qmp().execute("x-query-virtio-queue-status", Map.of("path", path, "queue", queue));
            boolean idle = status.get("inuse").asInt() == 0
                    && status.get("last-avail-idx").asInt() == status.get("used-idx").asInt();
            if (idle && status.equals(idleBefore)) {
                return;
            }
            idleBefore = idle ? status : null;
            Thread.sleep(20);
        }
        throw new AssertionError("QEMU's queue " + queue + " did not settle within 5 s");
    }

    private static void resetAndRead(QemuMachine machine, VirtioBlkDevice device) throws InterruptedException {
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_RESET), "QEMU 7.2 offers RING_RESET");
        assertEquals(2, device.queueCount());
        VirtioBlkQueue reset = device.queue(1);
        for (int round = 0; round < 3; round++) {
            List<RequestHandle> inFlight = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                inFlight.add(reset.submitRead(100 + round * 8 + i, new byte[4096]));
            }
            drainBlockLayer(machine, 1);
            reset.resetQueue();
            List<Completion> ended = reset.awaitAll(inFlight, AsyncBlockDevice.NO_TIME_BUDGET);
            assertEquals(inFlight.size(), ended.size());
            for (Completion completion : ended) {
                if (completion instanceof Completion.Failed failed) {
                    assertEquals(ErrorKind.ABORTED, failed.error().kind(), failed.toString());
                }
            }
            for (int q = 0; q < 2; q++) {
                for (int s = 0; s < 16; s++) {
                    long sector = 1000 + round * 100 + q * 16 + s;
                    byte[] buffer = new byte[512];
                    read(machine, device.queue(q), sector, buffer);
                    assertArrayEquals(DiskImages.signature(sector), buffer, "queue " + q + " sector " + sector);
                }
            }
        }
        assertFalse(device.fatalError().isPresent());
    }

    /** Reads a sector; a failure names what QEMU wrote on stderr, where it gives its reason for a broken queue. */
    private static void read(QemuMachine machine, VirtioBlkQueue queue, long sector, byte[] buffer) {
        try {
            queue.readAt(sector, buffer);
        } catch (BlockDeviceException e) {
            throw new AssertionError("read of sector " + sector + " failed; QEMU's stderr: " + machine.recentStderr(), e);
        }
    }
}
