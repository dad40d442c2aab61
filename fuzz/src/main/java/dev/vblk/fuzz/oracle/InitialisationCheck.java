package dev.vblk.fuzz.oracle;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link Invariant#INIT_DECISION}: {@code open()} and {@code reset()} refuse exactly the devices that
 * are not usable modern block devices, a failed initialisation past ACKNOWLEDGE sets FAILED, and a
 * device that requires ACCESS_PLATFORM of a driver not allowed it, and nothing else, fails it with
 * FEATURE_NEGOTIATION_FAILED; and
 * {@link Invariant#FEATURES_OFFERED}: a successful one accepted only features the device offered.
 */
final class InitialisationCheck {

    /** The must-fail reason of a device requiring ACCESS_PLATFORM of a driver not allowed it. */
    private static final String ACCESS_PLATFORM_DECLINED = "ACCESS_PLATFORM is required and the driver is not allowed it";

    private final RunState run;

    InitialisationCheck(RunState run) {
        this.run = run;
    }

    /** Why the initialisation about to run must fail (the identity checks only for {@code open()}); empty if nothing. */
    List<String> mustFailReasons(boolean open) {
        List<String> reasons = new ArrayList<>();
        if (open) {
            long magic = run.overrides.getOrDefault(MmioRegister.MAGIC_VALUE.offset(), (long) MmioRegister.MAGIC);
            if (magic != MmioRegister.MAGIC) {
                reasons.add(String.format("MagicValue reads 0x%x", magic));
            }
            long version = run.overrides.getOrDefault(MmioRegister.VERSION.offset(), 2L);
            if (version != MmioRegister.MODERN_VERSION) {
                reasons.add("Version reads " + version);
            }
            long deviceId = run.overrides.getOrDefault(MmioRegister.DEVICE_ID.offset(), 2L);
            if (deviceId != VirtioBlkDevice.DEVICE_TYPE) {
                reasons.add("DeviceID reads " + deviceId);
            }
        }
        if (!FeatureBits.has(run.fake.offeredFeatures(), FeatureBits.VERSION_1)) {
            reasons.add("VERSION_1 is not offered");
        }
        if (run.scenario.accessPlatform().declined()
                && FeatureBits.has(run.fake.offeredFeatures(), FeatureBits.ACCESS_PLATFORM)) {
            reasons.add(ACCESS_PLATFORM_DECLINED);
        }
        if (run.scenario.faults().refuseFeaturesOk()) {
            reasons.add("FEATURES_OK is refused");
        }
        long queueNumMax = run.overrides.getOrDefault(MmioRegister.QUEUE_NUM_MAX.offset(), 256L);
        if (queueNumMax < 4) {
            reasons.add("QueueNumMax reads " + queueNumMax);
        }
        return reasons;
    }

    /** What may legitimately stop the initialisation about to run; empty if nothing. */
    List<String> mayFailReasons() {
        List<String> reasons = new ArrayList<>();
        if (run.overrides.containsKey(MmioRegister.STATUS.offset())) {
            reasons.add("Status is overridden");
        }
        if (run.overrides.getOrDefault(MmioRegister.QUEUE_NUM_MAX.offset(), 256L) > 0x8000) {
            reasons.add("QueueNumMax is beyond the split-queue maximum");
        }
        if (run.unstableHigh) {
            reasons.add("ConfigGeneration is unstable for " + ScenarioRunner.TOLERATED_UNSTABLE_READS + " reads or more");
        }
        if (run.refuseAll || run.scenario.allocator().refuseAfter() >= 0) {
            reasons.add("the allocator refuses frames");
        }
        if (!run.spec.canCarryOneSector(run.queueSize())) {
            reasons.add("SIZE_MAX x SEG_MAX is under one sector");
        }
        return reasons;
    }

    /** An initialisation succeeded although {@code mustFail} says it must not. */
    void succeeded(Where where, List<String> mustFail) {
        if (!mustFail.isEmpty()) {
            run.findings.add(Invariant.INIT_DECISION, where, "initialisation succeeded although " + String.join(", ", mustFail));
        }
    }

    /**
     * An initialisation failed with {@code error}: it must have had a reason, must have set FAILED, and
     * failed with FEATURE_NEGOTIATION_FAILED when the only reason is ACCESS_PLATFORM declined.
     */
    void failed(Where where, BlockDeviceException error, List<String> mustFail, List<String> mayFail) {
        int status = run.fake.status();
        if (error.kind() != ErrorKind.PLATFORM_ERROR && (status & DeviceStatus.ACKNOWLEDGE) != 0
                && (status & DeviceStatus.FAILED) == 0) {
            run.findings.add(Invariant.INIT_DECISION, where, "gave up on initialisation (" + error.kind()
                    + ") without setting FAILED; status " + DeviceStatus.describe(status));
        }
        if (mustFail.equals(List.of(ACCESS_PLATFORM_DECLINED)) && mayFail.isEmpty()
                && error.kind() != ErrorKind.FEATURE_NEGOTIATION_FAILED) {
            run.findings.add(Invariant.INIT_DECISION, where, "failed with " + error.kind() + " although only "
                    + ACCESS_PLATFORM_DECLINED + ": " + error.getMessage());
        }
        if (mustFail.isEmpty() && mayFail.isEmpty()) {
            run.findings.add(Invariant.INIT_DECISION, where, "initialisation failed although nothing prevents it: "
                    + error.getMessage());
        }
    }

    /** After a successful initialisation: neither side holds a feature the device did not offer. */
    void checkFeatures(Where where) {
        long offered = run.fake.offeredFeatures();
        long accepted = run.driver.negotiatedFeatures();
        if ((accepted & ~offered) != 0 || (run.fake.negotiatedFeatures() & ~offered) != 0) {
            run.findings.add(Invariant.FEATURES_OFFERED, where, String.format("accepted 0x%x (device holds 0x%x), offered 0x%x",
                    accepted, run.fake.negotiatedFeatures(), offered));
        }
    }
}
