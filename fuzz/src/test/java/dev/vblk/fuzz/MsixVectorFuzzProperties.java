package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.pci.FakeVirtioBlkPciFunction;
import dev.vblk.fake.pci.MsixFault;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The driver on MSI-X against a fake virtio-blk-pci function whose vectors misbehave: any set of
 * {@link MsixFault}s, one to four device queues and one to four driver queues, completions answered at
 * once or after a delay, a configuration change on the way, and up to four bytes of the MSI-X
 * capability overwritten. The scan binds the function or reports it unusable with a one-line reason;
 * a bound function is on MSI-X exactly when its capability is intact and no vector is refused; every
 * queue moves data exactly (a completion whose interrupt never comes is found when its request's
 * budget runs out) or fails with a {@link BlockDeviceException}; with the capability intact the driver
 * breaks no rule of the fake machine (a capability that moves the table elsewhere than the function
 * keeps it has the driver write where no table is: the function's lie, not the driver's fault), and
 * it never writes an MSI-X table entry into a virtio structure.
 */
class MsixVectorFuzzProperties {

    private static final PciHostBridge HOST = PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M);
    private static final int MSIX_CAPABILITY = 0x98;

    @Property(tries = 200)
    void misbehavingVectorsNeverCostDataOrBreakTheRules(@ForAll("faults") Set<MsixFault> faults,
            @ForAll @IntRange(min = 1, max = 4) int deviceQueues, @ForAll @IntRange(min = 1, max = 4) int driverQueues,
            @ForAll boolean delayed, @ForAll boolean configChange, @ForAll("capabilityBytes") Map<Integer, Integer> bytes) {
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkPciFunction function = machine.attachPciBlockDevice(1,
                FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(64)).numQueues(deviceQueues).build());
        if (delayed) {
            function.device().setRequestHook(request -> RequestOutcome.delayed(1_000_000, RequestOutcome.normal()));
        }
        faults.forEach(function::inject);
        bytes.forEach(function::overrideConfigByte);

        List<PciReport> reports = new PciScanner(machine, HOST, DriverOptions.DEFAULTS.withMaxQueues(driverQueues))
                .scan(new DeviceRegistry());

        assertEquals(2, reports.size(), reports::toString);
        if (reports.get(1) instanceof PciReport.Unusable unusable) {
            assertFalse(bytes.isEmpty(), "only a broken capability makes the function unusable: " + unusable.reason());
            assertEquals(-1, unusable.reason().indexOf('\n'), unusable.reason());
            return;
        }
        PciReport.BoundBlockDevice bound = (PciReport.BoundBlockDevice) reports.get(1);
        boolean refused = faults.contains(MsixFault.REFUSE_CONFIG_VECTOR) || faults.contains(MsixFault.REFUSE_QUEUE_VECTOR);
        if (bytes.isEmpty()) {
            assertEquals(!refused, bound.transport().usesMsix(), bound.transport().interruptDescription());
            assertEquals(!refused, function.msixEnabled(), "MSI-X Enable follows the transport's choice");
        }
        VirtioBlkDevice device = bound.device();
        if (configChange) {
            function.device().resize(48);
        }
        for (int queue = 0; queue < device.queueCount(); queue++) {
            byte[] data = new byte[512];
            data[0] = (byte) (0x5a + queue);
            data[511] = (byte) (0xa5 - queue);
            try {
                device.queue(queue).writeAt(queue, data);
                byte[] back = new byte[512];
                device.queue(queue).readAt(queue, back);
                assertArrayEquals(data, back, "a read that succeeds returns what was written");
            } catch (BlockDeviceException e) {
                assertFalse(e.getMessage().isBlank());
                assertTrue(!bytes.isEmpty() || !faults.isEmpty(), "an intact function with good vectors fails no call: " + e);
            }
        }
        if (bytes.isEmpty()) {
            assertEquals(List.of(), machine.violations());
        }
        assertTrue(machine.violations().stream().noneMatch(v -> v.kind() == ViolationKind.BAD_REGISTER_WIDTH
                || v.kind() == ViolationKind.WRONG_REGISTER_DIRECTION), () -> "a table entry written into a virtio "
                + "structure: " + machine.violations());
    }

    @Provide
    Arbitrary<Set<MsixFault>> faults() {
        return Arbitraries.of(MsixFault.class).set();
    }

    /** Mostly none; else up to four bytes of the MSI-X capability (ID, next, Message Control, table and PBA). */
    @Provide
    Arbitrary<Map<Integer, Integer>> capabilityBytes() {
        return Arbitraries.oneOf(Arbitraries.just(Map.of()), Arbitraries.just(Map.of()),
                Arbitraries.maps(Arbitraries.integers().between(MSIX_CAPABILITY, MSIX_CAPABILITY + 11),
                        Arbitraries.integers().between(0, 0xff)).ofMinSize(1).ofMaxSize(4));
    }
}
