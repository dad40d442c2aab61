package dev.vblk.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** Board parameters in trace metadata: written and read back, with and without a PCI host bridge, and old traces read as they were recorded. */
class BoardParametersTest {

    @Test
    void thePackedRingOptionIsStoredAndReadBack() {
        BoardParameters packed = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withPackedRing(true));
        assertEquals("true", packed.toMap().get(BoardParameters.PACKED));
        assertEquals(packed, BoardParameters.fromMap(packed.toMap()));
        assertEquals(BoardParameters.QEMU_VIRT_DEFAULTS, BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()));
    }

    @Test
    void theQueueBoundIsStoredAboveOneAndReadBack() {
        BoardParameters four = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withMaxQueues(4));
        assertEquals("4", four.toMap().get(BoardParameters.QUEUES));
        assertEquals(four, BoardParameters.fromMap(four.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.QUEUES),
                "one queue writes no key, as traces recorded before multi-queue have none");
        assertEquals(1, BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options().maxQueues());
    }

    @Test
    void theTopologyChoiceIsStoredWhenAllowedAndATraceWithoutItDidNotAcceptTopology() {
        BoardParameters topology = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withTopology(true));
        assertEquals("true", topology.toMap().get(BoardParameters.TOPOLOGY));
        assertEquals(topology, BoardParameters.fromMap(topology.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.TOPOLOGY),
                "the default writes no key, as traces recorded before the option have none");
        assertFalse(BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options().topology());
    }

    @Test
    void theRingResetOptionIsStoredWhenOnAndATraceWithoutItDidNotAcceptTheFeature() {
        BoardParameters reset = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withRingReset(true));
        assertEquals("true", reset.toMap().get(BoardParameters.RING_RESET));
        assertEquals(reset, BoardParameters.fromMap(reset.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.RING_RESET),
                "off writes no key, as traces recorded before queue reset have none");
        assertFalse(BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options().ringReset());
    }

    @Test
    void theZonedOptionIsStoredWhenOnAndATraceWithoutItDidNotAcceptTheFeature() {
        BoardParameters mapped = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withZoned(true));
        assertEquals("true", mapped.toMap().get(BoardParameters.ZONED));
        assertEquals(mapped, BoardParameters.fromMap(mapped.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.ZONED),
                "off writes no key, as traces recorded before the feature have none");
        assertFalse(BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options().zoned());
    }

    @Test
    void theAccessPlatformOptionIsStoredWhenOnAndATraceWithoutItDidNotAcceptTheFeature() {
        BoardParameters mapped = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withAccessPlatform(true));
        assertEquals("true", mapped.toMap().get(BoardParameters.ACCESS_PLATFORM));
        assertEquals(mapped, BoardParameters.fromMap(mapped.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.ACCESS_PLATFORM),
                "off writes no key, as traces recorded before the feature have none");
        assertFalse(BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options().accessPlatform());
    }

    @Test
    void theSecureEraseAndLifetimeOptionsAreStoredWhenOnAndATraceWithoutThemDidNotAcceptTheFeatures() {
        BoardParameters both = new BoardParameters(MmioWindow.QEMU_VIRT,
                DriverOptions.DEFAULTS.withSecureErase(true).withLifetime(true));
        assertEquals("true", both.toMap().get(BoardParameters.SECURE_ERASE));
        assertEquals("true", both.toMap().get(BoardParameters.LIFETIME));
        assertEquals(both, BoardParameters.fromMap(both.toMap()));
        BoardParameters lifetimeOnly = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withLifetime(true));
        assertEquals(lifetimeOnly, BoardParameters.fromMap(lifetimeOnly.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.SECURE_ERASE)
                || BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.LIFETIME),
                "off writes no key, as traces recorded before the features have none");
        DriverOptions read = BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options();
        assertFalse(read.secureErase() || read.lifetime());
    }

    @Test
    void theInOrderAndNotificationDataOptionsAreStoredWhenOnAndATraceWithoutThemDidNotAcceptTheFeatures() {
        BoardParameters both = new BoardParameters(MmioWindow.QEMU_VIRT,
                DriverOptions.DEFAULTS.withInOrder(true).withNotificationData(true));
        assertEquals("true", both.toMap().get(BoardParameters.IN_ORDER));
        assertEquals("true", both.toMap().get(BoardParameters.NOTIFICATION_DATA));
        assertEquals(both, BoardParameters.fromMap(both.toMap()));
        BoardParameters inOrderOnly = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withInOrder(true));
        assertEquals(inOrderOnly, BoardParameters.fromMap(inOrderOnly.toMap()));
        assertFalse(BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.IN_ORDER)
                || BoardParameters.QEMU_VIRT_DEFAULTS.toMap().containsKey(BoardParameters.NOTIFICATION_DATA),
                "off writes no key, as traces recorded before the features have none");
        DriverOptions defaults = BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()).options();
        assertFalse(defaults.inOrder() || defaults.notificationData());
    }

    @Test
    void aTraceWithoutThePackedRingKeyUsedTheSplitRing() {
        SortedMap<String, String> map = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withPackedRing(true))
                .toMap();
        map.remove(BoardParameters.PACKED);
        assertFalse(BoardParameters.fromMap(map).options().packedRing());
        assertTrue(BoardParameters.fromMap(Map.of(BoardParameters.BASE, "0xa000000", BoardParameters.SLOT_SIZE, "0x200",
                BoardParameters.SLOTS, "32", BoardParameters.FIRST_LINE, "16", BoardParameters.TIMEOUT, "5000000000",
                BoardParameters.POLLS, "100000", BoardParameters.POLL_INTERVAL, "1000000", BoardParameters.QUEUE_SIZE, "256",
                BoardParameters.REQUEST_BYTES, "131072")).options().equals(DriverOptions.ONE_AT_A_TIME),
                "a version 1 trace's five budget keys give the first driver's options");
    }


    @Test
    void aBoardWithoutPciWritesNoPciKeysAndReadsBackTheSame() {
        SortedMap<String, String> map = BoardParameters.QEMU_VIRT_DEFAULTS.toMap();
        assertFalse(map.keySet().stream().anyMatch(key -> key.startsWith("pci.")), map.toString());
        BoardParameters read = BoardParameters.fromMap(map);
        assertEquals(BoardParameters.QEMU_VIRT_DEFAULTS, read);
        assertEquals(Optional.empty(), read.pci());
    }

    @Test
    void theHostBridgeRoundTripsThroughTheMetadata() {
        BoardParameters board = BoardParameters.QEMU_VIRT_DEFAULTS.withPci(PciHostBridge.QEMU_VIRT);
        SortedMap<String, String> map = board.toMap();
        assertEquals("0x4010000000", map.get("pci.ecamBase"));
        assertEquals("0x10000000", map.get("pci.memoryBase"));
        assertEquals("3", map.get("pci.firstIntxLine"));
        assertEquals(board, BoardParameters.fromMap(map));
        assertEquals(Optional.of(PciHostBridge.QEMU_VIRT), BoardParameters.fromMap(map).pci());
        assertFalse(map.keySet().stream().anyMatch(key -> key.startsWith("pci.msi")), "no MSI frame, no pci.msi* keys");
    }

    @Test
    void theMsiFrameRoundTripsThroughTheMetadata() {
        PciHostBridge host = PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M);
        BoardParameters board = BoardParameters.QEMU_VIRT_DEFAULTS.withPci(host);
        SortedMap<String, String> map = board.toMap();
        assertEquals("0x8020040", map.get("pci.msiDoorbell"));
        assertEquals("80", map.get("pci.msiFirstData"));
        assertEquals("48", map.get("pci.msiFirstLine"));
        assertEquals("64", map.get("pci.msiLines"));
        assertEquals(board, BoardParameters.fromMap(map));
        map.remove("pci.msiLines");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardParameters.fromMap(map)).getMessage()
                .contains("pci.msiLines"));
    }

    @Test
    void incompletePciKeysAreRefusedNamingTheMissingOne() {
        SortedMap<String, String> map = BoardParameters.QEMU_VIRT_DEFAULTS.withPci(PciHostBridge.QEMU_VIRT).toMap();
        map.remove("pci.buses");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> BoardParameters.fromMap(map));
        assertTrue(error.getMessage().contains("pci.buses"), error.getMessage());
        Map<String, String> bad = BoardParameters.QEMU_VIRT_DEFAULTS.withPci(PciHostBridge.QEMU_VIRT).toMap();
        bad.put("pci.buses", "0");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BoardParameters.fromMap(bad)).getMessage()
                .startsWith("board metadata pci.*: "));
    }
}
