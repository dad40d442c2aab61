package dev.vblk.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Walking a function's capability list, finding its MSI-X table and pending bits in its BARs, and
 * the MSI frame's lines, against a modelled configuration space.
 */
class PciCapabilityTest {

    private static final PciHostBridge HOST = new PciHostBridge(0x4000_0000L, 1, 0x1000_0000L, 0x10_0000L, 3);
    private static final PciAddress ADDRESS = new PciAddress(0, 1, 0);

    private final ConfigSpaceModel model = new ConfigSpaceModel(HOST);
    private final ConfigSpaceModel.Function function = model.add(ADDRESS, 0x1af4, 0x1042);
    private final PciConfigSpace config = new PciConfigSpace(model, HOST, ADDRESS);

    /** Links capabilities at these offsets with these IDs, in order, and sets the status bit. */
    private void chain(int... offsetsAndIds) {
        function.set16(PciConfigSpace.STATUS, PciConfigSpace.STATUS_CAPABILITIES)
                .set8(PciConfigSpace.CAPABILITIES_POINTER, offsetsAndIds[0]);
        for (int i = 0; i < offsetsAndIds.length; i += 2) {
            int next = i + 2 < offsetsAndIds.length ? offsetsAndIds[i + 2] : 0;
            function.set8(offsetsAndIds[i], offsetsAndIds[i + 1]).set8(offsetsAndIds[i] + 1, next);
        }
    }

    @Test
    void theListIsWalkedInOrderWithTheLowTwoBitsOfEachPointerIgnored() {
        chain(0x40, 0x09, 0x98, 0x11, 0xfc, 0x09);
        function.set8(0x41, 0x98 | 0x3);

        assertEquals(List.of(new PciCapability(0x40, 0x09), new PciCapability(0x98, 0x11), new PciCapability(0xfc, 0x09)),
                PciCapability.list(config));
    }

    @Test
    void withoutTheStatusBitThereIsNoList() {
        chain(0x40, 0x09);
        function.set16(PciConfigSpace.STATUS, 0);

        assertEquals(List.of(), PciCapability.list(config));
    }

    @Test
    void pointersIntoTheHeaderOrPastTheFirst256BytesAreRefused() {
        chain(0x3c, 0x09);
        PciException header = assertThrows(PciException.class, () -> PciCapability.list(config));
        assertTrue(header.getMessage().contains("capability pointer 0x3c lies outside [0x40, 0xfe]"), header.getMessage());
    }

    @Test
    void aLoopIsRefused() {
        chain(0x40, 0x09, 0x50, 0x09);
        function.set8(0x51, 0x40);

        PciException error = assertThrows(PciException.class, () -> PciCapability.list(config));

        assertTrue(error.getMessage().contains("the capability list loops (at 0x40 after 2 entries)"), error.getMessage());
    }

    @Test
    void aListOfTheMostEntriesThatFitIsRead() {
        int[] chain = new int[2 * PciCapability.MAX_CAPABILITIES];
        for (int i = 0; i < PciCapability.MAX_CAPABILITIES; i++) {
            chain[2 * i] = 0x40 + 4 * i;
            chain[2 * i + 1] = 0x09;
        }
        chain(chain);

        assertEquals(PciCapability.MAX_CAPABILITIES, PciCapability.list(config).size());
    }

    @Test
    void theMsixTableAndPendingBitsAreFoundInTheirBars() {
        chain(0x40, 0x09, 0x98, MsixCapability.ID);
        function.set16(0x98 + 2, 3 - 1);
        setU32(0x98 + 4, 0x2000 | 1);
        setU32(0x98 + 8, 0x3000 | 1);
        PciFunction configured = new PciFunction(ADDRESS, 0x1af4, 0x1042, 2, 0, 1,
                List.of(new PciBar(1, 0x1000_4000L, 0x4000, false, false)));

        Optional<MsixCapability> msix = MsixCapability.find(config, PciCapability.list(config), configured);

        assertEquals(Optional.of(new MsixCapability(0x98, 3, 0x1000_6000L, 0x1000_7000L)), msix);
        assertEquals(0x9a, msix.get().messageControl());
        assertEquals(0x1000_6020L, msix.get().entry(2));
        assertThrows(IllegalArgumentException.class, () -> msix.get().entry(3));
        assertThrows(IllegalArgumentException.class, () -> msix.get().entry(-1));
    }

    @Test
    void anMsixTableOutsideItsBarIsRefused() {
        chain(0x98, MsixCapability.ID);
        function.set16(0x98 + 2, 0x7ff);
        setU32(0x98 + 4, 0x0000 | 1);
        setU32(0x98 + 8, 0x3ff8 | 1);
        PciFunction configured = new PciFunction(ADDRESS, 0x1af4, 0x1042, 2, 0, 1,
                List.of(new PciBar(1, 0x1000_4000L, 0x4000, false, false)));

        PciException error = assertThrows(PciException.class,
                () -> MsixCapability.find(config, PciCapability.list(config), configured));

        assertTrue(error.getMessage().contains("the MSI-X table (BAR 1 + 0x0, 32768 bytes) lies in no assigned memory BAR"),
                error.getMessage());
    }

    @Test
    void pendingBitsThatEndExactlyAtTheBarsEndFitAndOnePastDoesNot() {
        chain(0x98, MsixCapability.ID);
        function.set16(0x98 + 2, 64);
        setU32(0x98 + 4, 0x0000 | 1);
        setU32(0x98 + 8, 0x4000 - 16 | 1);
        PciFunction configured = new PciFunction(ADDRESS, 0x1af4, 0x1042, 2, 0, 1,
                List.of(new PciBar(1, 0x1000_4000L, 0x4000, false, false)));
        assertEquals(0x1000_8000L - 16, MsixCapability.find(config, PciCapability.list(config), configured).get().pendingBits(),
                "65 vectors take two 8-byte words of pending bits");

        setU32(0x98 + 8, 0x4000 - 8 | 1);
        PciException error = assertThrows(PciException.class,
                () -> MsixCapability.find(config, PciCapability.list(config), configured));
        assertTrue(error.getMessage().contains("the MSI-X pending-bit array (BAR 1 + 0x3ff8, 16 bytes)"), error.getMessage());
    }

    @Test
    void aFunctionWithoutMsixHasNone() {
        chain(0x40, 0x09);
        PciFunction configured = new PciFunction(ADDRESS, 0x1af4, 0x1042, 2, 0, 1, List.of());

        assertEquals(Optional.empty(), MsixCapability.find(config, PciCapability.list(config), configured));
    }

    @Test
    void anMsiFramesLinesAndDataFollowItsFirstOnes() {
        MsiFrame frame = MsiFrame.QEMU_VIRT_V2M;

        assertEquals(80, frame.data(0));
        assertEquals(48 + 63, frame.line(63));
        assertEquals(80 + 63, frame.data(63));
        assertThrows(IllegalArgumentException.class, () -> frame.line(64));
        assertThrows(IllegalArgumentException.class, () -> frame.data(-1));
        assertThrows(IllegalArgumentException.class, () -> new MsiFrame(0x1000, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new MsiFrame(-1, 0, 0, 1));
        assertEquals(1, new MsiFrame(0, 0, 0, 1).lineCount());
    }

    private void setU32(int offset, long value) {
        function.set16(offset, (int) value & 0xffff).set16(offset + 2, (int) (value >>> 16));
    }
}
