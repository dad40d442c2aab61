package dev.vblk.pci;

/**
 * Where one PCI function sits: bus, device and function, written {@code 00:01.0} as {@code lspci}
 * does.
 *
 * @param bus the bus number, 0 to 255
 * @param device the device (slot) number on the bus, 0 to 31
 * @param function the function number, 0 to 7
 */
public record PciAddress(int bus, int device, int function) {

    /** Checks the three numbers' ranges. */
    public PciAddress {
        if (bus < 0 || bus > 255 || device < 0 || device > 31 || function < 0 || function > 7) {
            throw new IllegalArgumentException("no PCI address " + bus + ":" + device + "." + function
                    + " (bus 0-255, device 0-31, function 0-7)");
        }
    }

    @Override
    public String toString() {
        return String.format("%02x:%02x.%x", bus, device, function);
    }
}
