package dev.vblk.pci;

import dev.vblk.platform.RegisterBus;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the functions on bus 0 of a host bridge and prepares them for a driver: their identity,
 * interrupt pin and assigned memory BARs. No firmware is assumed to have run; BARs are assigned
 * here, in bus order, from the bridge's memory window.
 */
public final class PciEnumerator {

    private static final int ABSENT = 0xffff;
    private static final int MULTI_FUNCTION = 0x80;
    private static final int HEADER_LAYOUT = 0x7f;
    private static final int DEVICES_PER_BUS = 32;
    private static final int FUNCTIONS_PER_DEVICE = 8;

    private final RegisterBus bus;
    private final PciHostBridge host;
    private final BarAssigner bars;

    public PciEnumerator(RegisterBus bus, PciHostBridge host) {
        this.bus = bus;
        this.host = host;
        this.bars = new BarAssigner(host);
    }

    /** The configuration space of one function. */
    public PciConfigSpace config(PciAddress address) {
        return new PciConfigSpace(bus, host, address);
    }

    /**
     * The functions that answer on bus 0, lowest address first: a vendor ID of 0xffff (or 0, as an
     * unbacked window reads) means none; function 0's header type says whether functions 1 to 7
     * are worth probing.
     */
    public List<PciAddress> present() {
        List<PciAddress> found = new ArrayList<>();
        for (int device = 0; device < DEVICES_PER_BUS; device++) {
            PciAddress first = new PciAddress(0, device, 0);
            if (!answers(first)) {
                continue;
            }
            found.add(first);
            if ((config(first).u8(PciConfigSpace.HEADER_TYPE) & MULTI_FUNCTION) != 0) {
                for (int function = 1; function < FUNCTIONS_PER_DEVICE; function++) {
                    PciAddress other = new PciAddress(0, device, function);
                    if (answers(other)) {
                        found.add(other);
                    }
                }
            }
        }
        return found;
    }

    /** Whether the function's header is an endpoint's (type 0), which {@link #configure} handles. */
    public boolean isEndpoint(PciAddress address) {
        return (config(address).u8(PciConfigSpace.HEADER_TYPE) & HEADER_LAYOUT) == 0;
    }

    /**
     * Reads an endpoint's identity, assigns its memory BARs and enables memory space and bus
     * mastering.
     *
     * @throws PciException if its BARs cannot be assigned
     */
    public PciFunction configure(PciAddress address) {
        PciConfigSpace config = config(address);
        if (!isEndpoint(address)) {
            throw new PciException(address, "header type 0x" + Integer.toHexString(config.u8(PciConfigSpace.HEADER_TYPE))
                    + " is not an endpoint's");
        }
        List<PciBar> assigned = bars.assign(config);
        return new PciFunction(address, config.u16(PciConfigSpace.VENDOR_ID), config.u16(PciConfigSpace.DEVICE_ID),
                config.u16(PciConfigSpace.SUBSYSTEM_ID), (int) (config.u32(PciConfigSpace.CLASS_REVISION) >>> 8),
                config.u8(PciConfigSpace.INTERRUPT_PIN), assigned);
    }

    private boolean answers(PciAddress address) {
        int vendor = config(address).u16(PciConfigSpace.VENDOR_ID);
        return vendor != ABSENT && vendor != 0;
    }
}
