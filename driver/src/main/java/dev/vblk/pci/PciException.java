package dev.vblk.pci;

/**
 * A PCI function whose configuration space the driver cannot use: a broken capability list, a BAR
 * that does not take its address, a window too small for the BARs.
 */
public final class PciException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param address the function the error is about
     * @param detail what is wrong, for people
     */
    public PciException(PciAddress address, String detail) {
        super("PCI " + address + ": " + detail);
    }
}
