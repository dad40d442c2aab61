package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.virtio.blk.DriverOptions;

/**
 * VIRTIO_F_ACCESS_PLATFORM in a scenario: whether the device offers and requires it (it then reaches
 * only the memory the driver maps for it, and refuses FEATURES_OK to a driver that declines it) and
 * whether the driver's options allow it.
 *
 * @param deviceRequires the device offers VIRTIO_F_ACCESS_PLATFORM and refuses FEATURES_OK without it
 * @param driverAllowed the driver's options allow VIRTIO_F_ACCESS_PLATFORM
 */
public record AccessPlatformSpec(boolean deviceRequires, boolean driverAllowed) {

    /** Neither required nor allowed: every scenario made before the family. */
    public static final AccessPlatformSpec NONE = new AccessPlatformSpec(false, false);

    /** Whether the device requires the feature of a driver not allowed it: every initialisation must fail. */
    public boolean declined() {
        return deviceRequires && !driverAllowed;
    }

    /** The fake device's configuration {@code config}, offering and requiring the feature if the scenario says so. */
    public FakeBlkConfig applyTo(FakeBlkConfig config) {
        return deviceRequires ? config.toBuilder().offerAccessPlatform(true).build() : config;
    }

    /** {@code options} with the feature allowed as the scenario says. */
    public DriverOptions applyTo(DriverOptions options) {
        return options.withAccessPlatform(driverAllowed);
    }

    @Override
    public String toString() {
        return String.format("device %s, driver %s", deviceRequires ? "requires it" : "does not require it",
                driverAllowed ? "allowed it" : "not allowed it");
    }
}
