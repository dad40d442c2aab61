package dev.vblk.pci;

import java.util.Objects;
import java.util.Optional;

/**
 * A PCIe host bridge as the board describes it: where its configuration space is mapped (ECAM,
 * PCIe 4.0 section 7.2.2), the memory window from which BARs are assigned, the interrupt lines
 * its INTx pins are routed to, and the MSI frame the driver may point MSI-X vectors at (none: the
 * functions stay on INTx).
 *
 * @param ecamBase physical address of bus 0, device 0, function 0's configuration space
 * @param busCount how many buses the ECAM window covers (1 MiB each)
 * @param memoryBase physical address of the 32-bit memory window for BARs
 * @param memorySize bytes in that window
 * @param firstIntxLine the platform's interrupt line of INTA at device 0; see {@link #intxLine}
 * @param msi the frame MSI-X vectors are pointed at, if the driver is to use MSI-X
 */
public record PciHostBridge(long ecamBase, int busCount, long memoryBase, long memorySize, int firstIntxLine,
        Optional<MsiFrame> msi) {

    /**
     * QEMU 7.2's aarch64 {@code virt} board with its default {@code highmem=on}: ECAM at
     * 0x4010000000 (256 buses), 32-bit memory window 0x10000000 to 0x3eff0000, INTA to INTD on SPIs
     * 3 to 6 (see {@code docs/pci.md}).
     */
    public static final PciHostBridge QEMU_VIRT = new PciHostBridge(0x40_1000_0000L, 256, 0x1000_0000L,
            0x2eff_0000L, 3);

    /** A host bridge whose functions stay on INTx. */
    public PciHostBridge(long ecamBase, int busCount, long memoryBase, long memorySize, int firstIntxLine) {
        this(ecamBase, busCount, memoryBase, memorySize, firstIntxLine, Optional.empty());
    }

    /** This host bridge with its functions' MSI-X vectors pointed at {@code frame}. */
    public PciHostBridge withMsi(MsiFrame frame) {
        return new PciHostBridge(ecamBase, busCount, memoryBase, memorySize, firstIntxLine, Optional.of(frame));
    }

    /** Bytes of configuration space per function. */
    public static final int FUNCTION_CONFIG_BYTES = 4096;

    /** Checks the window sizes. */
    public PciHostBridge {
        if (ecamBase < 0 || busCount < 1 || busCount > 256 || memoryBase < 0 || memorySize <= 0 || firstIntxLine < 0) {
            throw new IllegalArgumentException("a PCI host bridge needs an ECAM window of 1 to 256 buses and a memory window");
        }
        Objects.requireNonNull(msi, "msi");
    }

    /** The physical address of byte {@code offset} of a function's configuration space. */
    public long configAddress(PciAddress address, int offset) {
        if (address.bus() >= busCount) {
            throw new IllegalArgumentException("bus " + address.bus() + " lies outside an ECAM window of " + busCount + " buses");
        }
        if (offset < 0 || offset >= FUNCTION_CONFIG_BYTES) {
            throw new IllegalArgumentException("configuration offset 0x" + Integer.toHexString(offset) + " out of range");
        }
        return ecamBase + ((long) address.bus() << 20) + ((long) address.device() << 15)
                + ((long) address.function() << 12) + offset;
    }

    /**
     * The interrupt line a device's INTx pin raises, with the standard swizzle of a root bus: pin
     * {@code p} (1 for INTA) of device {@code d} reaches host input {@code (p - 1 + d) mod 4}.
     *
     * @throws IllegalArgumentException for pin 0 (no interrupt) or a pin above 4
     */
    public int intxLine(PciAddress address, int pin) {
        if (pin < 1 || pin > 4) {
            throw new IllegalArgumentException("interrupt pin " + pin + " is not INTA to INTD");
        }
        return firstIntxLine + (pin - 1 + address.device()) % 4;
    }
}
