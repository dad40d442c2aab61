package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;

/**
 * Feature negotiation (VirtIO 1.1 section 2.2): the features offered (the configured set minus
 * those {@link DeviceFaults#withholdFeatures} withholds), the pages of features the driver
 * accepts, and whether FEATURES_OK can be accepted: only for offered features including
 * VERSION_1, ZONED from a host-managed device, and ACCESS_PLATFORM when the device requires it (QEMU's
 * virtio_validate_features), unless {@link DeviceFaults#refuseFeaturesOk} refuses it anyway.
 */
final class FeatureNegotiation {

    private final FakeBlkConfig config;
    private final DeviceFaults faults;
    private final DeviceContext context;
    private long accepted;
    private boolean acceptedBeyond64;

    FeatureNegotiation(FakeBlkConfig config, DeviceFaults faults, DeviceContext context) {
        this.config = config;
        this.faults = faults;
        this.context = context;
    }

    long offered() {
        return faults.offered(config.features());
    }

    /** Page {@code page} (0 or 1) of the offered features; 0 for other pages. */
    long offeredPage(int page) {
        return page == 0 ? offered() & 0xffffffffL : page == 1 ? offered() >>> 32 : 0;
    }

    /** The features the driver accepted so far. */
    long accepted() {
        return accepted;
    }

    /** The driver accepts {@code value} as page {@code page}; once {@code featuresOk} is set, a violation. */
    void accept(int page, long value, boolean featuresOk, long at) {
        if (featuresOk) {
            context.violation(ViolationKind.FEATURES_AFTER_FEATURES_OK, at, String.format(
                    "DriverFeatures page %d written with 0x%08x after FEATURES_OK; ignored", page, value));
            return;
        }
        switch (page) {
            case 0 -> accepted = (accepted & 0xffffffff00000000L) | value;
            case 1 -> accepted = (accepted & 0xffffffffL) | (value << 32);
            default -> acceptedBeyond64 |= value != 0;
        }
    }

    /**
     * Whether FEATURES_OK is accepted for what the driver accepted. A host-managed zoned device
     * refuses it when the driver did not accept ZONED (VirtIO 1.2 section 5.2.5.2).
     */
    boolean acceptable() {
        return !faults.refusesFeaturesOk() && !acceptedBeyond64 && (accepted & ~offered()) == 0
                && (accepted & bit(VirtioBlk.F_VERSION_1)) != 0 && !hostManagedWithoutZoned()
                && !(config.requiresAccessPlatform() && (offered() & ~accepted & bit(VirtioBlk.F_ACCESS_PLATFORM)) != 0);
    }

    private boolean hostManagedWithoutZoned() {
        long zoned = bit(VirtioBlk.F_ZONED);
        return config.zoned().model() == 1 && (offered() & zoned) != 0 && (accepted & zoned) == 0;
    }

    /** Forgets what the driver accepted (a device reset). */
    void reset() {
        accepted = 0;
        acceptedBeyond64 = false;
    }
}
