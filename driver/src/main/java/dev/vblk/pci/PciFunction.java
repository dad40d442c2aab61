package dev.vblk.pci;

import java.util.List;
import java.util.Optional;

/**
 * One function found on the bus, with its identity, interrupt and the memory BARs the driver
 * assigned.
 *
 * @param address where it sits
 * @param vendorId the vendor ID
 * @param deviceId the device ID
 * @param subsystemId the subsystem ID (transitional virtio devices put the device type there)
 * @param classCode the 24-bit class code
 * @param interruptPin 0 for none, 1 to 4 for INTA to INTD
 * @param bars the memory BARs, assigned and enabled; I/O BARs are left unassigned and not listed
 */
public record PciFunction(PciAddress address, int vendorId, int deviceId, int subsystemId, int classCode,
        int interruptPin, List<PciBar> bars) {

    /** Copies the BAR list. */
    public PciFunction {
        bars = List.copyOf(bars);
    }

    /** The memory BAR with this index, if the function has one. */
    public Optional<PciBar> bar(int index) {
        return bars.stream().filter(bar -> bar.index() == index).findFirst();
    }

    @Override
    public String toString() {
        return String.format("%s %04x:%04x", address, vendorId, deviceId);
    }
}
