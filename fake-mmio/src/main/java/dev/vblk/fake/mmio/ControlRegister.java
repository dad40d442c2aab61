package dev.vblk.fake.mmio;

import java.util.Optional;

/**
 * The control registers of a virtio-mmio version 2 transport (VirtIO 1.1 section 4.2.2, plus the
 * QueueReset register of VirtIO 1.2), with their offsets and directions. The device-specific config
 * space starts at {@link #CONFIG_OFFSET}.
 */
public enum ControlRegister {
    MAGIC_VALUE(0x000, true, false),
    VERSION(0x004, true, false),
    DEVICE_ID(0x008, true, false),
    VENDOR_ID(0x00c, true, false),
    DEVICE_FEATURES(0x010, true, false),
    DEVICE_FEATURES_SEL(0x014, false, true),
    DRIVER_FEATURES(0x020, false, true),
    DRIVER_FEATURES_SEL(0x024, false, true),
    QUEUE_SEL(0x030, false, true),
    QUEUE_NUM_MAX(0x034, true, false),
    QUEUE_NUM(0x038, false, true),
    QUEUE_READY(0x044, true, true),
    QUEUE_NOTIFY(0x050, false, true),
    INTERRUPT_STATUS(0x060, true, false),
    INTERRUPT_ACK(0x064, false, true),
    STATUS(0x070, true, true),
    QUEUE_DESC_LOW(0x080, false, true),
    QUEUE_DESC_HIGH(0x084, false, true),
    QUEUE_DRIVER_LOW(0x090, false, true),
    QUEUE_DRIVER_HIGH(0x094, false, true),
    QUEUE_DEVICE_LOW(0x0a0, false, true),
    QUEUE_DEVICE_HIGH(0x0a4, false, true),
    SHM_SEL(0x0ac, false, true),
    SHM_LEN_LOW(0x0b0, true, false),
    SHM_LEN_HIGH(0x0b4, true, false),
    SHM_BASE_LOW(0x0b8, true, false),
    SHM_BASE_HIGH(0x0bc, true, false),
    QUEUE_RESET(0x0c0, true, true),
    CONFIG_GENERATION(0x0fc, true, false);

    /** Offset of the device-specific configuration space. */
    public static final int CONFIG_OFFSET = 0x100;
    /** Size of one transport's register window. */
    public static final int WINDOW_SIZE = 0x200;
    /** "virt" in little-endian ASCII. */
    public static final int MAGIC = 0x74726976;
    /** "QEMU" in little-endian ASCII: the vendor ID QEMU's transports report. */
    public static final int QEMU_VENDOR = 0x554d4551;

    /** The register at each offset below {@link #CONFIG_OFFSET}, or null. */
    private static final ControlRegister[] BY_OFFSET = new ControlRegister[CONFIG_OFFSET];

    static {
        for (ControlRegister register : values()) {
            BY_OFFSET[register.offset] = register;
        }
    }

    private final int offset;
    private final boolean readable;
    private final boolean writable;
    /** What {@link #at} answers for this register's offset, made once. */
    private final Optional<ControlRegister> found;

    ControlRegister(int offset, boolean readable, boolean writable) {
        this.offset = offset;
        this.readable = readable;
        this.writable = writable;
        this.found = Optional.of(this);
    }

    public int offset() {
        return offset;
    }

    public boolean readable() {
        return readable;
    }

    public boolean writable() {
        return writable;
    }

    /** The register at a window offset below {@link #CONFIG_OFFSET}, if one is defined there. */
    public static Optional<ControlRegister> at(int offset) {
        ControlRegister register = offset >= 0 && offset < CONFIG_OFFSET ? BY_OFFSET[offset] : null;
        return register == null ? Optional.empty() : register.found;
    }
}
