package dev.vblk.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * BAR sizing and assignment against a modelled configuration space: the addresses handed out, what
 * is written to the command register around it, and each BAR the assigner refuses.
 */
class BarAssignerTest {

    private static final long WINDOW = 0x1000_0000L;
    private static final long WINDOW_SIZE = 0x10_0000L;
    private static final PciHostBridge HOST = new PciHostBridge(0x4000_0000L, 1, WINDOW, WINDOW_SIZE, 3);
    private static final PciAddress FUNCTION = new PciAddress(0, 1, 0);

    private final ConfigSpaceModel model = new ConfigSpaceModel(HOST);

    private List<PciBar> assign(ConfigSpaceModel.Function function) {
        return new BarAssigner(HOST).assign(new PciConfigSpace(model, HOST, FUNCTION));
    }

    @Test
    void barsAreNaturallyAlignedInOrderFromTheWindowsStart() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042)
                .bar32(0, 0x1000, 0).bar32(1, 0x4000, 0x8).bar32(2, 0x100, 0);

        List<PciBar> bars = assign(function);

        assertEquals(List.of(new PciBar(0, WINDOW, 0x1000, false, false),
                new PciBar(1, WINDOW + 0x4000, 0x4000, false, true),
                new PciBar(2, WINDOW + 0x8000, 0x100, false, false)), bars);
        assertEquals(WINDOW, function.bar(0));
        assertEquals(WINDOW + 0x4000 | 0x8, function.bar(1), "the type bits stay beside the address");
        assertEquals(WINDOW + 0x8000, function.bar(2));
    }

    @Test
    void aWideBarTakesTwoSlotsAndBothHalvesAreWritten() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042)
                .bar32(0, 0x100, 0).bar64(1, 0x4000, true).bar32(3, 0x1000, 0);

        List<PciBar> bars = assign(function);

        assertEquals(List.of(new PciBar(0, WINDOW, 0x100, false, false),
                new PciBar(1, WINDOW + 0x4000, 0x4000, true, true),
                new PciBar(3, WINDOW + 0x8000, 0x1000, false, false)), bars);
        assertEquals(WINDOW + 0x4000 | 0xc, function.bar(1));
        assertEquals(0, function.bar(2), "the high half holds the address's upper 32 bits");
        assertTrue(model.writes().contains(new ConfigSpaceModel.Write(FUNCTION, PciConfigSpace.BAR0 + 8, AccessWidth.WORD, 0)),
                "the high half is written: " + model.writes());
    }

    @Test
    void aWideBarLargerThanFourGibibytesIsSizedFromBothHalves() {
        PciHostBridge high = new PciHostBridge(0x4000_0000L, 1, 0x1_0000_0000L, 0x4_0000_0000L, 3);
        ConfigSpaceModel wide = new ConfigSpaceModel(high);
        ConfigSpaceModel.Function function = wide.add(FUNCTION, 0x1af4, 0x1042).bar64(0, 0x2_0000_0000L, false);

        List<PciBar> bars = new BarAssigner(high).assign(new PciConfigSpace(wide, high, FUNCTION));

        assertEquals(List.of(new PciBar(0, 0x2_0000_0000L, 0x2_0000_0000L, true, false)), bars);
        assertEquals(0x4, function.bar(0));
        assertEquals(0x2, function.bar(1));
    }

    @Test
    void ioAndUnimplementedBarsAreLeftOut() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042)
                .ioBar(0).bar32(1, 0, 0).bar32(2, 0x1000, 0);

        List<PciBar> bars = assign(function);

        assertEquals(List.of(new PciBar(2, WINDOW, 0x1000, false, false)), bars);
        assertEquals(0x1, function.bar(0), "an I/O BAR is not written");
        assertTrue(model.writes().stream().noneMatch(write -> write.offset() == PciConfigSpace.BAR0),
                "nothing is written to the I/O BAR: " + model.writes());
    }

    @Test
    void memoryDecodingIsOffWhileBarsChangeThenOnWithBusMasteringAndInterruptsAllowed() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042).bar32(0, 0x1000, 0)
                .set16(PciConfigSpace.COMMAND, PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER
                        | PciConfigSpace.COMMAND_INTX_DISABLE | 0x40);

        assign(function);

        List<ConfigSpaceModel.Write> commands = model.writes().stream()
                .filter(write -> write.offset() == PciConfigSpace.COMMAND).toList();
        assertEquals(2, commands.size(), commands::toString);
        assertEquals(PciConfigSpace.COMMAND_INTX_DISABLE | 0x40, commands.get(0).value(), "decoding and mastering off first");
        assertEquals(AccessWidth.HALF, commands.get(0).width());
        assertEquals(0, model.writes().indexOf(commands.get(0)), "before any BAR is written");
        assertEquals(model.writes().size() - 1, model.writes().indexOf(commands.get(1)), "after the last BAR");
        assertEquals(PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER | 0x40, function.command());
    }

    @Test
    void aBarThatExactlyFillsWhatIsLeftOfTheWindowFits() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042)
                .bar32(0, WINDOW_SIZE / 2, 0).bar32(1, WINDOW_SIZE / 2, 0);

        List<PciBar> bars = assign(function);

        assertEquals(WINDOW + WINDOW_SIZE / 2, bars.get(1).address());
    }

    @Test
    void aBarPastTheWindowsEndIsRefused() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042)
                .bar32(0, 0x1000, 0).bar32(1, WINDOW_SIZE, 0);

        PciException error = assertThrows(PciException.class, () -> assign(function));

        assertTrue(error.getMessage().contains("BAR1 of 0x100000 bytes does not fit the memory window [0x10000000, 0x10100000) above 0x10001000"),
                error.getMessage());
    }

    @Test
    void aReservedMemoryTypeIsRefused() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042).bar32(0, 0x1000, 0x2);

        PciException error = assertThrows(PciException.class, () -> assign(function));

        assertTrue(error.getMessage().contains("BAR0 has the reserved memory type 2"), error.getMessage());
    }

    @Test
    void aWideBarInTheLastSlotIsRefused() {
        ConfigSpaceModel.Function function = model.add(FUNCTION, 0x1af4, 0x1042).bar64(5, 0x1000, false);

        PciException error = assertThrows(PciException.class, () -> assign(function));

        assertTrue(error.getMessage().contains("BAR5 claims to be the low half of a 64-bit BAR"), error.getMessage());
    }

    @Test
    void aSizeMaskThatIsNoPowerOfTwoIsRefused() {
        // Address bits 12 and 14 writable, 13 not: no size decodes like that.
        ConfigSpaceModel odd = new ConfigSpaceModel(HOST) {
            @Override
            public long readRegister(long address, AccessWidth width) {
                long value = super.readRegister(address, width);
                return address == HOST.configAddress(FUNCTION, PciConfigSpace.BAR0) ? value & ~0x2000L : value;
            }
        };
        odd.add(FUNCTION, 0x1af4, 0x1042).bar32(0, 0x1000, 0);

        PciException error = assertThrows(PciException.class,
                () -> new BarAssigner(HOST).assign(new PciConfigSpace(odd, HOST, FUNCTION)));

        assertTrue(error.getMessage().contains("BAR at 0x10 reads back size mask 0xffffffffffffd000, which is not a power-of-two size"),
                error.getMessage());
    }

    @Test
    void aBarThatDoesNotKeepItsAddressIsRefused() {
        ConfigSpaceModel stuck = new ConfigSpaceModel(HOST) {
            @Override
            public void writeRegister(long address, AccessWidth width, long value) {
                super.writeRegister(address, width, value == WINDOW ? WINDOW + 0x1000 : value);
            }
        };
        stuck.add(FUNCTION, 0x1af4, 0x1042).bar32(0, 0x1000, 0);

        PciException error = assertThrows(PciException.class,
                () -> new BarAssigner(HOST).assign(new PciConfigSpace(stuck, HOST, FUNCTION)));

        assertTrue(error.getMessage().contains("BAR0 reads back 0x10001000 after 0x10000000 was written to it"), error.getMessage());
    }

    @Test
    void functionsConfiguredOneAfterAnotherShareTheWindowWithoutOverlap() {
        PciAddress second = new PciAddress(0, 2, 0);
        model.add(FUNCTION, 0x1af4, 0x1042).bar32(0, 0x1000, 0);
        model.add(second, 0x1af4, 0x1042).bar32(0, 0x1000, 0);
        BarAssigner assigner = new BarAssigner(HOST);

        PciBar first = assigner.assign(new PciConfigSpace(model, HOST, FUNCTION)).get(0);
        PciBar next = assigner.assign(new PciConfigSpace(model, HOST, second)).get(0);

        assertEquals(WINDOW, first.address());
        assertEquals(WINDOW + 0x1000, next.address());
    }
}
