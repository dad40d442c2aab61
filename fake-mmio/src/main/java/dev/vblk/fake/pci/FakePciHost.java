package dev.vblk.fake.pci;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.pci.MsiFrame;
import dev.vblk.platform.AccessWidth;
import java.util.Optional;

/**
 * The fake machine's PCIe host bridge, shaped like QEMU 7.2's {@code virt} one: configuration space
 * through ECAM at 0x4010000000 (bus 0 only holds functions), the host bridge itself at 00:00.0
 * (1b36:0008, class 0x060000), up to 31 fake virtio-blk-pci functions at devices 1 to 31, and INTA of
 * device {@code d} on interrupt line {@code 3 + d mod 4}, and the board's GICv2m frame
 * ({@link MsiFrame#QEMU_VIRT_V2M}): a function's MSI-X message written to its doorbell with data
 * {@code 80 + n} latches an edge on line {@code 48 + n} until the driver takes it. Functions absent
 * from the bus read all ones, as on real hardware.
 */
public final class FakePciHost {

    /** Physical address of the ECAM window. */
    public static final long ECAM_BASE = 0x40_1000_0000L;
    /** Bytes of the ECAM window: 256 buses of 1 MiB. */
    public static final long ECAM_SIZE = 256L << 20;
    /** The interrupt line of INTA at device 0 (SPI 3 on QEMU's board). */
    public static final int FIRST_INTX_LINE = 3;

    private static final int DEVICES = 32;
    private static final long BRIDGE_IDS = 0x0008_1b36L;
    private static final long BRIDGE_CLASS = 0x0600_0000L;

    private final FakeVirtioBlkPciFunction[] functions = new FakeVirtioBlkPciFunction[DEVICES];
    private final MsiFrame frame = MsiFrame.QEMU_VIRT_V2M;
    private final boolean[] edges = new boolean[frame.lineCount()];

    /** Puts a function at bus 0, device {@code device} (1 to 31), which must be free. */
    public void attach(int device, FakeVirtioBlkPciFunction function) {
        if (device < 1 || device >= DEVICES) {
            throw new IllegalArgumentException("PCI device number must be 1 to 31 (0 is the host bridge): " + device);
        }
        if (functions[device] != null) {
            throw new IllegalStateException("PCI device " + device + " is taken already");
        }
        functions[device] = function;
    }

    /** The function at bus 0, device {@code device}, if one is attached. */
    public Optional<FakeVirtioBlkPciFunction> function(int device) {
        return device >= 0 && device < DEVICES ? Optional.ofNullable(functions[device]) : Optional.empty();
    }

    /** Whether a register access at {@code address} is the host bridge's: ECAM or a decoded BAR. */
    public boolean claims(long address) {
        return inEcam(address) || decoder(address).isPresent();
    }

    /** A register read the host bridge {@link #claims}. */
    public long read(long address, AccessWidth width) {
        if (inEcam(address)) {
            return readConfig(address - ECAM_BASE, width);
        }
        return decoder(address).orElseThrow().readBar(address, width);
    }

    /** A register write the host bridge {@link #claims}. */
    public void write(long address, AccessWidth width, long value) {
        if (inEcam(address)) {
            long offset = address - ECAM_BASE;
            if (offset >> 20 == 0 && (offset >> 12 & 7) == 0) {
                function((int) (offset >> 15)).ifPresent(f -> f.writeConfig((int) (offset & 0xfff), width, value));
            }
        } else {
            decoder(address).orElseThrow().writeBar(address, width, value);
        }
    }

    /** Whether some attached function raises interrupt {@code line}; empty if no function is wired to it. */
    public Optional<Boolean> lineRaised(int line) {
        Optional<Boolean> raised = Optional.empty();
        for (int device = 1; device < DEVICES; device++) {
            if (functions[device] != null && FIRST_INTX_LINE + device % 4 == line) {
                raised = Optional.of(raised.orElse(false) || functions[device].interruptRaised());
            }
        }
        return raised;
    }

    /**
     * A function's MSI-X message: at the frame's doorbell with the data of one of its lines, it
     * latches an edge on that line; anywhere else it reaches no interrupt, a violation of the
     * function's driver (which programmed the table).
     */
    public void message(long address, long data, DeviceContext context) {
        long index = data - frame.firstData();
        if (address == frame.doorbell() && index >= 0 && index < frame.lineCount()) {
            edges[(int) index] = true;
        } else {
            context.violation(ViolationKind.UNKNOWN_INTERRUPT_LINE, address, String.format(
                    "MSI-X message with data %d to 0x%x, which raises no line of the MSI frame (doorbell 0x%x, data %d to %d)",
                    data, address, frame.doorbell(), frame.firstData(), frame.firstData() + frame.lineCount() - 1));
        }
    }

    /** Whether an edge is latched on MSI frame line {@code line}; empty if the line is not the frame's. */
    public Optional<Boolean> edgeLatched(int line) {
        int index = line - frame.firstLine();
        return index >= 0 && index < edges.length ? Optional.of(edges[index]) : Optional.empty();
    }

    /** Takes the edge latched on MSI frame line {@code line}. */
    public void takeEdge(int line) {
        edges[line - frame.firstLine()] = false;
    }

    /** The earliest deferred work of any function's device, or Long.MAX_VALUE. */
    public long nextDueTime() {
        long due = Long.MAX_VALUE;
        for (FakeVirtioBlkPciFunction function : functions) {
            if (function != null) {
                due = Math.min(due, function.device().nextDueTime());
            }
        }
        return due;
    }

    /** Runs every function's deferred work due at or before {@code now}. */
    public void runDue(long now) {
        for (FakeVirtioBlkPciFunction function : functions) {
            if (function != null) {
                function.device().runDue(now);
            }
        }
    }

    private static boolean inEcam(long address) {
        return address >= ECAM_BASE && address - ECAM_BASE < ECAM_SIZE;
    }

    private long readConfig(long offset, AccessWidth width) {
        int register = (int) (offset & 0xfff);
        boolean busZeroFunctionZero = offset >> 20 == 0 && (offset >> 12 & 7) == 0;
        int device = (int) (offset >> 15 & 0x1f);
        if (busZeroFunctionZero && device == 0) {
            long word = register < 4 ? BRIDGE_IDS : register >= 8 && register < 12 ? BRIDGE_CLASS : 0;
            return width.truncate(word >>> (8 * (register & 3)));
        }
        Optional<FakeVirtioBlkPciFunction> function = busZeroFunctionZero ? function(device) : Optional.empty();
        return function.map(f -> f.readConfig(register, width)).orElse(width.truncate(-1L));
    }

    private Optional<FakeVirtioBlkPciFunction> decoder(long address) {
        for (FakeVirtioBlkPciFunction function : functions) {
            if (function != null && function.decodes(address)) {
                return Optional.of(function);
            }
        }
        return Optional.empty();
    }
}
