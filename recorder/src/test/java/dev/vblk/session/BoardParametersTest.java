package dev.vblk.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.pci.PciHostBridge;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** Board parameters as trace board metadata, with and without a PCI host bridge. */
class BoardParametersTest {

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
