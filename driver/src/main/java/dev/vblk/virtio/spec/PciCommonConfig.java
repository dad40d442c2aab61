package dev.vblk.virtio.spec;

/**
 * The fields of the virtio-pci common configuration structure (VirtIO 1.1 section 4.1.4.3) the
 * driver uses, by offset from the structure's start, and the length it needs. Feature words are
 * 32-bit windows chosen by their select fields; the queue fields are those of the queue
 * {@link #QUEUE_SELECT} names; the three ring addresses are le64.
 */
public final class PciCommonConfig {

    /** le32 device_feature_select. */
    public static final int DEVICE_FEATURE_SELECT = 0x00;
    /** le32 device_feature. */
    public static final int DEVICE_FEATURE = 0x04;
    /** le32 driver_feature_select. */
    public static final int DRIVER_FEATURE_SELECT = 0x08;
    /** le32 driver_feature. */
    public static final int DRIVER_FEATURE = 0x0c;
    /** le16 config_msix_vector: the MSI-X vector of configuration changes. */
    public static final int CONFIG_MSIX_VECTOR = 0x10;
    /** le16 num_queues. */
    public static final int NUM_QUEUES = 0x12;
    /** u8 device_status. */
    public static final int DEVICE_STATUS = 0x14;
    /** u8 config_generation. */
    public static final int CONFIG_GENERATION = 0x15;
    /** le16 queue_select. */
    public static final int QUEUE_SELECT = 0x16;
    /** le16 queue_size. */
    public static final int QUEUE_SIZE = 0x18;
    /** le16 queue_msix_vector: the MSI-X vector of the selected queue's used buffers. */
    public static final int QUEUE_MSIX_VECTOR = 0x1a;
    /** What a vector field holds when no vector is assigned, and reads when the device refused one (section 4.1.4.3). */
    public static final int NO_VECTOR = 0xffff;
    /** le16 queue_enable. */
    public static final int QUEUE_ENABLE = 0x1c;
    /** le16 queue_notify_off. */
    public static final int QUEUE_NOTIFY_OFF = 0x1e;
    /** le64 queue_desc. */
    public static final int QUEUE_DESC = 0x20;
    /** le64 queue_driver. */
    public static final int QUEUE_DRIVER = 0x28;
    /** le64 queue_device. */
    public static final int QUEUE_DEVICE = 0x30;
    /** Bytes of the structure the driver reads (up to queue_device). */
    public static final int LENGTH = 0x38;
    /** le16 queue_reset (VirtIO 1.2, with VIRTIO_F_RING_RESET), after le16 queue_notify_data. */
    public static final int QUEUE_RESET = 0x3a;
    /** Bytes of the structure a device offering VIRTIO_F_RING_RESET has at least (up to queue_reset). */
    public static final int LENGTH_WITH_QUEUE_RESET = 0x3c;

    private PciCommonConfig() {}
}
