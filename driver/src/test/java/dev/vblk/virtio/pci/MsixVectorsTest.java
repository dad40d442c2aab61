package dev.vblk.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.pci.ConfigSpaceModel;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.MsixCapability;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.testing.MemoryOnlyPlatform;
import dev.vblk.virtio.InterruptStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Programming a function's MSI-X table and enabling it: each entry points at the MSI frame's
 * doorbell with its own line's data and is unmasked, MSI-X Enable is set and the function mask
 * cleared; each vector then reports its own cause once an edge came on its line.
 */
class MsixVectorsTest {

    private static final PciHostBridge HOST = new PciHostBridge(0x4000_0000L, 1, 0x1000_0000L, 0x10_0000L, 3);
    private static final PciAddress ADDRESS = new PciAddress(0, 1, 0);
    private static final long TABLE = 0x1000_6000L;
    private static final MsiFrame FRAME = new MsiFrame(0x1_0802_0040L, 80, 48, 64);
    private static final int CONTROL = 0x98 + 2;

    /** Register accesses: configuration space to the model, the rest logged; edges come on {@link #edges}. */
    private static final class Machine extends ForwardingPlatform {
        final ConfigSpaceModel config = new ConfigSpaceModel(HOST);
        final List<String> tableWrites = new ArrayList<>();
        final Set<Integer> edges = new HashSet<>();

        Machine() {
            super(new MemoryOnlyPlatform());
        }

        @Override
        public long readRegister(long address, AccessWidth width) {
            return config.readRegister(address, width);
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            if (address >= HOST.ecamBase()) {
                config.writeRegister(address, width, value);
            } else {
                tableWrites.add(String.format("0x%x %s 0x%x", address, width, value));
            }
        }

        @Override
        public boolean awaitEdge(int line, long timeoutNanos) {
            return edges.remove(line);
        }
    }

    private final Machine machine = new Machine();
    private final ConfigSpaceModel.Function function = machine.config.add(ADDRESS, 0x1af4, 0x1042)
            .set16(CONTROL, MsixCapability.FUNCTION_MASK | 0x7);
    private final PciConfigSpace config = new PciConfigSpace(machine.config, HOST, ADDRESS);
    private final MsixCapability capability = new MsixCapability(0x98, 8, TABLE, 0x1000_7000L);

    @Test
    void eachEntryPointsAtTheDoorbellWithItsLinesDataUnmasked() {
        MsixVectors vectors = MsixVectors.program(machine, config, capability, FRAME, 2, 3);

        assertEquals(List.of(
                "0x10006000 WORD 0x8020040", "0x10006004 WORD 0x1", "0x10006008 WORD 0x52", "0x1000600c WORD 0x0",
                "0x10006010 WORD 0x8020040", "0x10006014 WORD 0x1", "0x10006018 WORD 0x53", "0x1000601c WORD 0x0",
                "0x10006020 WORD 0x8020040", "0x10006024 WORD 0x1", "0x10006028 WORD 0x54", "0x1000602c WORD 0x0"),
                machine.tableWrites);
        assertEquals(List.of(50, 51, 52), vectors.lines());
        assertEquals(3, vectors.count());
    }

    @Test
    void msixIsEnabledWithTheFunctionUnmaskedAndDisabledAgainAlone() {
        MsixVectors vectors = MsixVectors.program(machine, config, capability, FRAME, 0, 2);
        assertEquals(MsixCapability.ENABLE | 0x7, config.u16(CONTROL), "Enable set, Function Mask cleared, the rest kept");

        vectors.disable();

        assertEquals(0x7, config.u16(CONTROL));
    }

    @Test
    void theConfigurationVectorAndEachQueuesVectorReportTheirOwnCause() {
        MsixVectors vectors = MsixVectors.program(machine, config, capability, FRAME, 0, 3);
        assertEquals(0, MsixVectors.configVector());
        assertEquals(2, MsixVectors.queueVector(1));

        assertFalse(vectors.queue(1).awaitInterrupt(0), "no edge yet");
        assertEquals(0, vectors.queue(1).interruptStatus());

        machine.edges.add(50);
        assertTrue(vectors.queue(1).awaitInterrupt(0));
        assertEquals(InterruptStatus.USED_BUFFER, vectors.queue(1).interruptStatus());
        assertTrue(vectors.queue(1).awaitInterrupt(0), "still pending until acknowledged");
        vectors.queue(1).acknowledgeInterrupt(InterruptStatus.CONFIG_CHANGE);
        assertEquals(InterruptStatus.USED_BUFFER, vectors.queue(1).interruptStatus(), "another cause acknowledges nothing");
        vectors.queue(1).acknowledgeInterrupt(InterruptStatus.USED_BUFFER);
        assertEquals(0, vectors.queue(1).interruptStatus());
        assertEquals(0, vectors.queue(0).interruptStatus(), "queue 0's vector saw nothing");

        machine.edges.add(48);
        assertTrue(vectors.config().awaitInterrupt(0));
        assertEquals(InterruptStatus.CONFIG_CHANGE, vectors.config().interruptStatus());
    }
}
