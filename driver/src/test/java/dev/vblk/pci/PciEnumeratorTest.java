package dev.vblk.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding the functions of bus 0 and configuring an endpoint, against a modelled configuration
 * space; and the host bridge's ECAM addresses and INTx routing.
 */
class PciEnumeratorTest {

    private static final PciHostBridge HOST = new PciHostBridge(0x4000_0000L, 2, 0x1000_0000L, 0x10_0000L, 3);

    private final ConfigSpaceModel model = new ConfigSpaceModel(HOST);
    private final PciEnumerator enumerator = new PciEnumerator(model, HOST);

    @Test
    void functionsAreFoundInAddressOrderAndOtherFunctionsOnlyOfAMultiFunctionDevice() {
        model.add(new PciAddress(0, 0, 0), 0x1b36, 0x0008);
        model.add(new PciAddress(0, 3, 0), 0x1af4, 0x1042).set8(PciConfigSpace.HEADER_TYPE, 0x80);
        model.add(new PciAddress(0, 3, 2), 0x1af4, 0x1042);
        model.add(new PciAddress(0, 5, 0), 0x1af4, 0x1042);
        model.add(new PciAddress(0, 5, 1), 0x1af4, 0x1042);
        model.add(new PciAddress(0, 31, 0), 0x1af4, 0x1042);
        model.add(new PciAddress(0, 7, 0), 0x0000, 0x0000);

        List<PciAddress> present = enumerator.present();

        assertEquals(List.of(new PciAddress(0, 0, 0), new PciAddress(0, 3, 0), new PciAddress(0, 3, 2),
                new PciAddress(0, 5, 0), new PciAddress(0, 31, 0)), present,
                "function 5.1 sits behind a single-function device; a vendor ID of 0 is no function");
    }

    @Test
    void anEndpointIsConfiguredWithItsIdentityAndBars() {
        PciAddress address = new PciAddress(0, 2, 0);
        model.add(address, 0x1af4, 0x1042).set16(PciConfigSpace.SUBSYSTEM_ID, 0x0002)
                .set8(PciConfigSpace.CLASS_REVISION, 0x01).set8(PciConfigSpace.CLASS_REVISION + 1, 0x00)
                .set8(PciConfigSpace.CLASS_REVISION + 2, 0x80).set8(PciConfigSpace.CLASS_REVISION + 3, 0x01)
                .set8(PciConfigSpace.INTERRUPT_PIN, 1).bar64(4, 0x4000, true);

        PciFunction function = enumerator.configure(address);

        assertEquals(new PciFunction(address, 0x1af4, 0x1042, 0x0002, 0x018000, 1,
                List.of(new PciBar(4, 0x1000_0000L, 0x4000, true, true))), function);
        assertEquals("00:02.0 1af4:1042", function.toString());
        assertTrue(function.bar(4).isPresent());
        assertFalse(function.bar(0).isPresent());
    }

    @Test
    void aBridgeIsNoEndpointAndIsNotConfigured() {
        PciAddress address = new PciAddress(0, 4, 0);
        model.add(address, 0x1b36, 0x000c).set8(PciConfigSpace.HEADER_TYPE, 0x81);

        assertFalse(enumerator.isEndpoint(address));
        PciException error = assertThrows(PciException.class, () -> enumerator.configure(address));
        assertTrue(error.getMessage().contains("header type 0x81 is not an endpoint's"), error.getMessage());
        assertTrue(model.writes().isEmpty(), "nothing written to a bridge: " + model.writes());
    }

    @Test
    void configurationAddressesFollowEcamAndStayInTheWindow() {
        assertEquals(0x4000_0000L + (1L << 20) + (31L << 15) + (7L << 12) + 0xffc,
                HOST.configAddress(new PciAddress(1, 31, 7), 0xffc));
        assertThrows(IllegalArgumentException.class, () -> HOST.configAddress(new PciAddress(2, 0, 0), 0));
        assertThrows(IllegalArgumentException.class, () -> HOST.configAddress(new PciAddress(0, 0, 0), 0x1000));
        assertThrows(IllegalArgumentException.class, () -> HOST.configAddress(new PciAddress(0, 0, 0), -1));
    }

    @Test
    void intxPinsAreSwizzledByDevice() {
        assertEquals(3, HOST.intxLine(new PciAddress(0, 0, 0), 1));
        assertEquals(6, HOST.intxLine(new PciAddress(0, 0, 0), 4));
        assertEquals(4, HOST.intxLine(new PciAddress(0, 1, 0), 1));
        assertEquals(3, HOST.intxLine(new PciAddress(0, 1, 0), 4));
        assertEquals(6, HOST.intxLine(new PciAddress(0, 6, 0), 2));
        assertThrows(IllegalArgumentException.class, () -> HOST.intxLine(new PciAddress(0, 1, 0), 0));
        assertThrows(IllegalArgumentException.class, () -> HOST.intxLine(new PciAddress(0, 1, 0), 5));
    }

    @Test
    void aHostBridgeNeedsItsWindows() {
        assertThrows(IllegalArgumentException.class, () -> new PciHostBridge(0, 0, 0x1000, 0x1000, 0));
        assertThrows(IllegalArgumentException.class, () -> new PciHostBridge(0, 257, 0x1000, 0x1000, 0));
        assertThrows(IllegalArgumentException.class, () -> new PciHostBridge(0, 1, 0x1000, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new PciHostBridge(0, 1, 0x1000, 0x1000, -1));
        assertEquals(256, new PciHostBridge(0, 256, 0, 1, 0).busCount());
    }
}
