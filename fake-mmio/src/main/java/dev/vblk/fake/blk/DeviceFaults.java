package dev.vblk.fake.blk;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Device-level fault switches of one {@link FakeVirtioBlkDevice}: things a misbehaving device does
 * outside any single request. They survive device resets; each method returns this for chaining.
 * Actions that happen at once (breaking the device, resizing) are on the device itself.
 */
public final class DeviceFaults {

    private boolean refuseFeaturesOk;
    private long withheldFeatures;
    private int unstableConfigReads;
    private int extraInterruptBits;
    private final Map<Integer, Long> registerOverrides = new HashMap<>();

    /** Whether FEATURES_OK is refused (reads back cleared) whatever the driver accepted. */
    public DeviceFaults refuseFeaturesOk(boolean refuse) {
        this.refuseFeaturesOk = refuse;
        return this;
    }

    /** Feature bits removed from the offered set, from the next DeviceFeatures read on. */
    public DeviceFaults withholdFeatures(long mask) {
        this.withheldFeatures = mask;
        return this;
    }

    /** Each of the next {@code reads} device-config reads increments ConfigGeneration first. */
    public DeviceFaults unstableConfigGeneration(int reads) {
        if (reads < 0) {
            throw new IllegalArgumentException("read count must not be negative: " + reads);
        }
        this.unstableConfigReads = reads;
        return this;
    }

    /** Bits ORed into every InterruptStatus read (for example reserved bits 0xfc); ACK leaves them. */
    public DeviceFaults extraInterruptBits(int bits) {
        this.extraInterruptBits = bits;
        return this;
    }

    /**
     * Every 32-bit read of the control register at {@code offset} returns {@code value} instead
     * (for example MagicValue, Version, DeviceID, VendorID or QueueNumMax); QueueNum writes are then
     * checked against an overridden QueueNumMax.
     */
    public DeviceFaults overrideRegister(int offset, long value) {
        registerOverrides.put(offset, value & 0xffffffffL);
        return this;
    }

    /** Removes a register override. */
    public DeviceFaults clearRegisterOverride(int offset) {
        registerOverrides.remove(offset);
        return this;
    }

    boolean refusesFeaturesOk() {
        return refuseFeaturesOk;
    }

    long withheldFeatures() {
        return withheldFeatures;
    }

    int extraInterruptBits() {
        return extraInterruptBits;
    }

    OptionalLong registerOverride(int offset) {
        Long value = registerOverrides.get(offset);
        return value == null ? OptionalLong.empty() : OptionalLong.of(value);
    }

    /** Consumes one unstable read; true if the generation must change. */
    boolean takeUnstableConfigRead() {
        if (unstableConfigReads == 0) {
            return false;
        }
        unstableConfigReads--;
        return true;
    }
}
