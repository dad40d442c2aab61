package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The driver on the fake virtio-blk-pci function with the board's MSI frame: a vector per queue and
 * one for configuration changes, the fall-back to INTx when the device refuses a vector, and
 * completions whose interrupt comes on the wrong vector or not at all.
 */
class FakePciMsixTest {

    private static final PciHostBridge MSI_HOST = PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M);
    private static final int INTA_OF_DEVICE_1 = 4;

    private final FakePlatform fake = FakePlatform.create();
    private final Waits platform = new Waits(fake);

    /** The lines the driver waited on, level and edge apart. */
    private static final class Waits extends ForwardingPlatform {
        final Set<Integer> levelLines = new TreeSet<>();
        final Set<Integer> edgeLines = new TreeSet<>();

        Waits(FakePlatform delegate) {
            super(delegate);
        }

        @Override
        public boolean awaitInterrupt(int line, long timeoutNanos) {
            levelLines.add(line);
            return super.awaitInterrupt(line, timeoutNanos);
        }

        @Override
        public boolean awaitEdge(int line, long timeoutNanos) {
            edgeLines.add(line);
            return super.awaitEdge(line, timeoutNanos);
        }
    }

    /** A function whose device answers each request 1 ms after it is notified, so that the driver waits for interrupts. */
    private FakeVirtioBlkPciFunction attach(int queues) {
        FakeVirtioBlkPciFunction function = fake.attachPciBlockDevice(1,
                FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(256)).numQueues(queues).build());
        function.device().setRequestHook(request -> RequestOutcome.delayed(1_000_000, RequestOutcome.normal()));
        return function;
    }

    private PciReport.BoundBlockDevice scan(int maxQueues) {
        List<PciReport> reports = new PciScanner(platform, MSI_HOST,
                DriverOptions.DEFAULTS.withMaxQueues(maxQueues).withRecheckCapacity(false)).scan(new DeviceRegistry());
        return assertInstanceOf(PciReport.BoundBlockDevice.class, reports.get(1));
    }

    private static void writeAndReadBack(VirtioBlkDevice device, int queue, long sector) {
        byte[] data = new byte[1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + queue);
        }
        device.queue(queue).writeAt(sector, data);
        byte[] back = new byte[data.length];
        device.queue(queue).readAt(sector, back);
        assertArrayEquals(data, back);
    }

    @Test
    void eachQueueHasAVectorOfItsOwnAndConfigurationChangesAnother() {
        FakeVirtioBlkPciFunction function = attach(2);
        PciReport.BoundBlockDevice bound = scan(2);
        VirtioBlkDevice device = bound.device();

        assertTrue(function.msixEnabled());
        assertEquals(0, function.configVector());
        assertEquals(1, function.queueVector(0));
        assertEquals(2, function.queueVector(1));
        assertTrue(bound.transport().usesMsix());
        assertEquals("MSI-X, lines 48 to 50", bound.transport().interruptDescription());
        writeAndReadBack(device, 0, 10);
        writeAndReadBack(device, 1, 20);
        assertEquals(Set.of(48, 49, 50), platform.edgeLines,
                "each queue waited on its own vector's line, and looked at the configuration vector's");
        assertEquals(Set.of(), platform.levelLines, "INTx was never waited on");
        assertEquals(List.of(), fake.violations());
    }

    @Test
    void aConfigurationChangeArrivesOnTheConfigurationVector() {
        FakeVirtioBlkPciFunction function = attach(1);
        VirtioBlkDevice device = scan(1).device();
        writeAndReadBack(device, 0, 1);
        function.device().resize(128);
        writeAndReadBack(device, 0, 2);
        assertEquals(128, device.info().capacitySectors(), "the driver re-read the configuration");
        assertTrue(platform.edgeLines.contains(48));
        assertEquals(List.of(), fake.violations());
    }

    @ParameterizedTest
    @EnumSource(value = MsixFault.class, names = {"REFUSE_CONFIG_VECTOR", "REFUSE_QUEUE_VECTOR"})
    void aRefusedVectorPutsTheFunctionBackOnIntx(MsixFault fault) {
        FakeVirtioBlkPciFunction function = attach(1);
        function.inject(fault);
        PciReport.BoundBlockDevice bound = scan(1);

        assertFalse(function.msixEnabled(), "MSI-X Enable cleared");
        assertFalse(bound.transport().usesMsix());
        assertTrue(bound.transport().interruptDescription().startsWith("INTx line 4 (the device refused vector"),
                bound.transport().interruptDescription());
        writeAndReadBack(bound.device(), 0, 30);
        assertTrue(platform.levelLines.contains(INTA_OF_DEVICE_1), "completions waited for on INTA");
        assertEquals(List.of(), fake.violations());
    }

    @Test
    void aQueueTheTableHasNoVectorForPutsTheFunctionBackOnIntx() {
        FakeVirtioBlkPciFunction function = attach(2);
        function.overrideConfigByte(0x9a, 1);
        PciReport.BoundBlockDevice bound = scan(2);

        assertEquals(2, bound.device().queueCount());
        assertFalse(function.msixEnabled());
        assertEquals("INTx line 4 (the MSI-X table has no vector for queue 1)", bound.transport().interruptDescription());
        writeAndReadBack(bound.device(), 0, 50);
        writeAndReadBack(bound.device(), 1, 60);
        assertEquals(List.of(), fake.violations());
    }

    @Test
    void aTableOfOneVectorLeavesTheFunctionOnIntx() {
        FakeVirtioBlkPciFunction function = attach(1);
        function.overrideConfigByte(0x9a, 0);
        PciReport.BoundBlockDevice bound = scan(1);

        assertFalse(function.msixEnabled(), "MSI-X never enabled");
        assertEquals("INTx line 4 (no two vectors for the configuration and queue 0: an MSI-X table of 1, 1 queues, "
                + "64 MSI frame lines left)", bound.transport().interruptDescription());
        writeAndReadBack(bound.device(), 0, 70);
        assertEquals(Set.of(INTA_OF_DEVICE_1), platform.levelLines);
        assertEquals(Set.of(), platform.edgeLines);
    }

    @Test
    void aTableOverlappingAVirtioStructureIsLeftAloneAndTheFunctionStaysOnIntx() {
        FakeVirtioBlkPciFunction function = attach(1);
        function.overrideConfigByte(0x9c, 4);
        PciReport.BoundBlockDevice bound = scan(1);

        assertFalse(function.msixEnabled());
        assertEquals("INTx line 4 (the MSI-X table overlaps the common configuration structure)",
                bound.transport().interruptDescription());
        writeAndReadBack(bound.device(), 0, 80);
        assertEquals(List.of(), fake.violations(), "no table entry was written into the common configuration");
    }

    @ParameterizedTest
    @EnumSource(value = MsixFault.class, names = {"WRONG_VECTOR", "NO_INTERRUPT"})
    void completionsWithoutTheirInterruptStillEndWithinTheirBudget(MsixFault fault) {
        FakeVirtioBlkPciFunction function = attach(1);
        VirtioBlkDevice device = scan(1).device();
        function.inject(fault);
        long before = fake.nanoTime();
        writeAndReadBack(device, 0, 40);
        long waited = fake.nanoTime() - before;
        assertTrue(waited >= DriverOptions.DEFAULTS.requestTimeoutNanos(),
                "each request waited for its interrupt until its budget ran out, then found its completion: " + waited);
        assertTrue(function.msixEnabled());
        assertEquals(List.of(), fake.violations());
    }
}
