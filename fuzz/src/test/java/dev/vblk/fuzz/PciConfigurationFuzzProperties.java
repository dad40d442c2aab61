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
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.pci.FakeVirtioBlkPciFunction;
import dev.vblk.fake.pci.PciFault;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The PCI scan against hostile configuration space: a fake virtio-blk-pci function with any set of
 * {@link PciFault}s and any bytes of its first 256 overwritten. The scan ends within a bounded number
 * of platform calls and throws nothing; the function is bound, reported unusable with a one-line
 * reason, or taken for another function; a bound device either moves data exactly or fails with a
 * {@link BlockDeviceException}.
 */
class PciConfigurationFuzzProperties {

    /** Platform calls a scan of one hostile function may make: far more than a scan of a good one. */
    private static final long CALL_BUDGET = 200_000;

    @Property(tries = 300)
    void aHostileConfigurationSpaceNeverBreaksTheScan(@ForAll("faults") Set<PciFault> faults,
            @ForAll("bytes") Map<Integer, Integer> bytes) {
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkPciFunction function = machine.attachPciBlockDevice(1,
                FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(64)).build());
        faults.forEach(function::inject);
        bytes.forEach(function::overrideConfigByte);
        Budget platform = new Budget(machine);

        List<PciReport> reports = new PciScanner(platform, PciHostBridge.QEMU_VIRT, DriverOptions.DEFAULTS)
                .scan(new DeviceRegistry());

        assertTrue(reports.size() == 1 || reports.size() == 2, reports::toString);
        assertTrue(reports.get(0) instanceof PciReport.OtherFunction, "the host bridge is left alone");
        if (reports.size() == 2 && reports.get(1) instanceof PciReport.Unusable unusable) {
            assertFalse(unusable.reason().isBlank());
            assertEquals(-1, unusable.reason().indexOf('\n'), unusable.reason());
        }
        if (reports.size() == 2 && reports.get(1) instanceof PciReport.BoundBlockDevice bound) {
            byte[] data = new byte[512];
            data[0] = 0x5a;
            data[511] = (byte) 0xa5;
            try {
                bound.device().writeAt(3, data);
                byte[] back = new byte[512];
                bound.device().readAt(3, back);
                assertArrayEquals(data, back, "a read that succeeds returns what was written");
            } catch (BlockDeviceException e) {
                assertFalse(e.getMessage().isBlank());
            }
        }
    }

    @Provide
    Arbitrary<Set<PciFault>> faults() {
        return Arbitraries.of(PciFault.class).set();
    }

    /** Up to eight configuration bytes overwritten, mostly in the header and the capabilities. */
    @Provide
    Arbitrary<Map<Integer, Integer>> bytes() {
        return Arbitraries.maps(Arbitraries.frequencyOf(
                        Tuple.of(3, Arbitraries.integers().between(0x00, 0x3f)),
                        Tuple.of(5, Arbitraries.integers().between(0x40, 0x83)),
                        Tuple.of(1, Arbitraries.integers().between(0x84, 0xff))),
                Arbitraries.integers().between(0, 0xff)).ofMaxSize(8);
    }

    /** Fails the property when the scan makes more platform calls than {@link #CALL_BUDGET}: it would loop. */
    private static final class Budget extends ForwardingPlatform {
        private long calls;

        Budget(Platform inner) {
            super(inner);
        }

        private void count() {
            if (++calls > CALL_BUDGET) {
                throw new AssertionError("the scan made more than " + CALL_BUDGET + " platform calls");
            }
        }

        @Override
        public long readRegister(long address, AccessWidth width) {
            count();
            return super.readRegister(address, width);
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            count();
            super.writeRegister(address, width, value);
        }

        @Override
        public boolean awaitInterrupt(int line, long timeoutNanos) {
            count();
            return super.awaitInterrupt(line, timeoutNanos);
        }
    }
}
