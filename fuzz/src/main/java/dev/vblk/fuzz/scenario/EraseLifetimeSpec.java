package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.virtio.blk.DriverOptions;

/**
 * VirtIO 1.2's secure erase and lifetime report in a scenario: whether the device offers each and the
 * driver is allowed it, the device's secure-erase limits (zeroes included, which leave no secure
 * erase possible) and the wear report it gives (reserved values included).
 *
 * @param offerSecureErase the device offers VIRTIO_BLK_F_SECURE_ERASE
 * @param allowSecureErase the driver's options allow it
 * @param maxSecureEraseSectors config max_secure_erase_sectors
 * @param maxSecureEraseSegments config max_secure_erase_seg
 * @param secureEraseAlignment config secure_erase_sector_alignment
 * @param offerLifetime the device offers VIRTIO_BLK_F_LIFETIME
 * @param allowLifetime the driver's options allow it
 * @param lifetime the device's GET_LIFETIME answer
 */
public record EraseLifetimeSpec(
        boolean offerSecureErase,
        boolean allowSecureErase,
        long maxSecureEraseSectors,
        long maxSecureEraseSegments,
        long secureEraseAlignment,
        boolean offerLifetime,
        boolean allowLifetime,
        FakeBlkConfig.Lifetime lifetime) {

    /** Neither offered nor allowed: every scenario made before the features. */
    public static final EraseLifetimeSpec NONE = new EraseLifetimeSpec(false, false, 0x3f_ffffL, 1, 1, false, false,
            new FakeBlkConfig.Lifetime(1, 1, 1));

    /**
     * The fake device's configuration {@code config} with these limits and wear report, offering what
     * this says besides what it offered (with {@link #NONE}, {@code config} as it was).
     */
    public FakeBlkConfig applyTo(FakeBlkConfig config) {
        FakeBlkConfig.Builder builder = config.toBuilder()
                .secureErase(new FakeBlkConfig.SecureEraseLimits(maxSecureEraseSectors, maxSecureEraseSegments,
                        secureEraseAlignment))
                .lifetime(lifetime);
        if (offerSecureErase) {
            builder.offerSecureErase(true);
        }
        if (offerLifetime) {
            builder.offerLifetime(true);
        }
        return builder.build();
    }

    /** Whether the secure-erase limits leave a secure erase possible: none of them 0. */
    public boolean secureEraseLimitsUsable() {
        return maxSecureEraseSectors != 0 && maxSecureEraseSegments != 0 && secureEraseAlignment != 0;
    }

    /** {@code options} with the features allowed as the scenario says. */
    public DriverOptions applyTo(DriverOptions options) {
        return options.withSecureErase(allowSecureErase).withLifetime(allowLifetime);
    }

    @Override
    public String toString() {
        return String.format("secure erase %s%s (max %d sectors, %d segments, alignment %d), lifetime %s%s (%d, %d, %d)",
                offerSecureErase ? "offered" : "not offered", allowSecureErase ? ", allowed" : "", maxSecureEraseSectors,
                maxSecureEraseSegments, secureEraseAlignment, offerLifetime ? "offered" : "not offered",
                allowLifetime ? ", allowed" : "", lifetime.preEolInfo(), lifetime.lifetimeEstimateA(),
                lifetime.lifetimeEstimateB());
    }
}
