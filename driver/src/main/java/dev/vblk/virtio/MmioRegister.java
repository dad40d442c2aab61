package dev.vblk.virtio;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The registers of a modern (version 2) virtio-mmio transport, VirtIO 1.1 section 4.2.2, by offset
 * from the transport's base address. Control registers are 32 bits wide; device configuration
 * space starts at {@link #CONFIG_SPACE_OFFSET}.
 */
public enum MmioRegister {
    MAGIC_VALUE(0x000, "MagicValue"),
    VERSION(0x004, "Version"),
    DEVICE_ID(0x008, "DeviceID"),
    VENDOR_ID(0x00c, "VendorID"),
    DEVICE_FEATURES(0x010, "DeviceFeatures"),
    DEVICE_FEATURES_SEL(0x014, "DeviceFeaturesSel"),
    DRIVER_FEATURES(0x020, "DriverFeatures"),
    DRIVER_FEATURES_SEL(0x024, "DriverFeaturesSel"),
    QUEUE_SEL(0x030, "QueueSel"),
    QUEUE_NUM_MAX(0x034, "QueueNumMax"),
    QUEUE_NUM(0x038, "QueueNum"),
    QUEUE_READY(0x044, "QueueReady"),
    QUEUE_NOTIFY(0x050, "QueueNotify"),
    INTERRUPT_STATUS(0x060, "InterruptStatus"),
    INTERRUPT_ACK(0x064, "InterruptACK"),
    STATUS(0x070, "Status"),
    QUEUE_DESC_LOW(0x080, "QueueDescLow"),
    QUEUE_DESC_HIGH(0x084, "QueueDescHigh"),
    QUEUE_DRIVER_LOW(0x090, "QueueDriverLow"),
    QUEUE_DRIVER_HIGH(0x094, "QueueDriverHigh"),
    QUEUE_DEVICE_LOW(0x0a0, "QueueDeviceLow"),
    QUEUE_DEVICE_HIGH(0x0a4, "QueueDeviceHigh"),
    QUEUE_RESET(0x0c0, "QueueReset"),
    CONFIG_GENERATION(0x0fc, "ConfigGeneration");

    /** Offset of the device-specific configuration space. */
    public static final int CONFIG_SPACE_OFFSET = 0x100;

    /** The value of {@link #MAGIC_VALUE}: the bytes "virt" read little-endian. */
    public static final int MAGIC = 0x74726976;

    /** The {@link #VERSION} of a modern transport. */
    public static final int MODERN_VERSION = 2;

    private final int offset;
    private final String specName;

    MmioRegister(int offset, String specName) {
        this.offset = offset;
        this.specName = specName;
    }

    /** Offset from the transport's base address. */
    public int offset() {
        return offset;
    }

    /** The register's name as the VirtIO specification writes it, such as {@code QueueNumMax}. */
    public String specName() {
        return specName;
    }

    /** The register at each 4-byte-aligned offset below {@link #CONFIG_SPACE_OFFSET}, by offset / 4 (empty where none is). */
    private static final List<Optional<MmioRegister>> BY_WORD;

    static {
        List<Optional<MmioRegister>> byWord = new ArrayList<>(Collections.nCopies(CONFIG_SPACE_OFFSET / 4, Optional.empty()));
        for (MmioRegister register : values()) {
            byWord.set(register.offset / 4, Optional.of(register));
        }
        BY_WORD = List.copyOf(byWord);
    }

    /** The register at an offset, if one is defined there (configuration space is not). */
    public static Optional<MmioRegister> at(int offset) {
        return offset >= 0 && offset < CONFIG_SPACE_OFFSET && (offset & 3) == 0 ? BY_WORD.get(offset / 4) : Optional.empty();
    }

    /**
     * Names an offset for people: {@code Status}, {@code config+0x20}, or {@code +0x1f0} where no
     * register is defined.
     */
    public static String describeOffset(int offset) {
        if (offset >= CONFIG_SPACE_OFFSET) {
            return String.format("config+0x%x", offset - CONFIG_SPACE_OFFSET);
        }
        return at(offset).map(MmioRegister::specName).orElseGet(() -> String.format("+0x%03x", offset));
    }
}
