package dev.vblk.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The virtio device type of a PCI function from its IDs (VirtIO 1.1 section 4.1.2.1), at each range's ends. */
class VirtioPciDeviceTypeTest {

    @Test
    void aModernDevicesTypeIsItsDeviceIdAbove0x1040() {
        assertEquals(OptionalInt.of(0), VirtioPciTransport.deviceType(0x1af4, 0x1040, 7));
        assertEquals(OptionalInt.of(2), VirtioPciTransport.deviceType(0x1af4, 0x1042, 7));
        assertEquals(OptionalInt.of(0x3f), VirtioPciTransport.deviceType(0x1af4, 0x107f, 7));
        assertEquals(OptionalInt.empty(), VirtioPciTransport.deviceType(0x1af4, 0x1080, 7));
    }

    @Test
    void aTransitionalDevicesTypeIsItsSubsystemId() {
        assertEquals(OptionalInt.of(2), VirtioPciTransport.deviceType(0x1af4, 0x1000, 2));
        assertEquals(OptionalInt.of(5), VirtioPciTransport.deviceType(0x1af4, 0x103f, 5));
        assertEquals(OptionalInt.empty(), VirtioPciTransport.deviceType(0x1af4, 0x0fff, 2));
    }

    @Test
    void anotherVendorsFunctionIsNoVirtioDevice() {
        assertEquals(OptionalInt.empty(), VirtioPciTransport.deviceType(0x1b36, 0x1042, 2));
    }
}
