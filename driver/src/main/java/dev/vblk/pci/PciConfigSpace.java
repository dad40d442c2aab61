package dev.vblk.pci;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.RegisterBus;

/**
 * One function's configuration space, reached through the host bridge's ECAM window with register
 * accesses of the platform: the type-0 header's fields by offset (PCI 3.0 section 6.1).
 */
public final class PciConfigSpace {

    /** Vendor ID, 16 bits; 0xffff where no function answers. */
    public static final int VENDOR_ID = 0x00;
    /** Device ID, 16 bits. */
    public static final int DEVICE_ID = 0x02;
    /** Command register, 16 bits. */
    public static final int COMMAND = 0x04;
    /** Status register, 16 bits. */
    public static final int STATUS = 0x06;
    /** Revision ID (8 bits) and class code (24 bits). */
    public static final int CLASS_REVISION = 0x08;
    /** Header type, 8 bits; bit 7 marks a multi-function device. */
    public static final int HEADER_TYPE = 0x0e;
    /** Base address register 0; five more follow every 4 bytes. */
    public static final int BAR0 = 0x10;
    /** Subsystem ID, 16 bits. */
    public static final int SUBSYSTEM_ID = 0x2e;
    /** Capabilities pointer, 8 bits. */
    public static final int CAPABILITIES_POINTER = 0x34;
    /** Interrupt pin, 8 bits: 0 for none, 1 to 4 for INTA to INTD. */
    public static final int INTERRUPT_PIN = 0x3d;

    /** Command register bit: the function answers memory-space accesses to its BARs. */
    public static final int COMMAND_MEMORY_SPACE = 1 << 1;
    /** Command register bit: the function may master the bus (DMA). */
    public static final int COMMAND_BUS_MASTER = 1 << 2;
    /** Command register bit: INTx is disabled. */
    public static final int COMMAND_INTX_DISABLE = 1 << 10;
    /** Status register bit: a capability list starts at the capabilities pointer. */
    public static final int STATUS_CAPABILITIES = 1 << 4;

    private final RegisterBus bus;
    private final PciHostBridge host;
    private final PciAddress address;

    public PciConfigSpace(RegisterBus bus, PciHostBridge host, PciAddress address) {
        this.bus = bus;
        this.host = host;
        this.address = address;
    }

    /** The function this space belongs to. */
    public PciAddress address() {
        return address;
    }

    /** Reads an 8-bit field. */
    public int u8(int offset) {
        return (int) read(offset, AccessWidth.BYTE);
    }

    /** Reads a 16-bit field. */
    public int u16(int offset) {
        return (int) read(offset, AccessWidth.HALF);
    }

    /** Reads a 32-bit field as an unsigned value. */
    public long u32(int offset) {
        return read(offset, AccessWidth.WORD);
    }

    /** Writes a 16-bit field. */
    public void writeU16(int offset, int value) {
        bus.writeRegister(host.configAddress(address, offset), AccessWidth.HALF, value & 0xffff);
    }

    /** Writes a 32-bit field. */
    public void writeU32(int offset, long value) {
        bus.writeRegister(host.configAddress(address, offset), AccessWidth.WORD, value & 0xffff_ffffL);
    }

    private long read(int offset, AccessWidth width) {
        return bus.readRegister(host.configAddress(address, offset), width) & ((1L << width.bits()) - 1);
    }
}
