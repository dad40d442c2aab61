package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.DeviceFaults;
import java.util.List;
import java.util.StringJoiner;

/**
 * Device-level faults switched on before the driver first opens the device; all of them can be
 * switched off again, which the oracle does before checking that a reset recovers the device.
 *
 * @param overrides control registers that read a fixed value (MagicValue, Version, DeviceID,
 *     QueueNumMax, Status, ...)
 * @param withheldFeatures feature bits taken out of the offered word
 * @param refuseFeaturesOk FEATURES_OK is refused whatever the driver accepts
 * @param unstableConfigReads how many config reads first bump ConfigGeneration
 * @param extraInterruptBits bits ORed into every InterruptStatus read
 */
public record DeviceFaultSpec(
        List<RegisterOverride> overrides,
        long withheldFeatures,
        boolean refuseFeaturesOk,
        int unstableConfigReads,
        int extraInterruptBits) {

    /** No faults. */
    public static final DeviceFaultSpec NONE = new DeviceFaultSpec(List.of(), 0, false, 0, 0);

    public DeviceFaultSpec {
        overrides = List.copyOf(overrides);
    }

    /** Switches these faults on. */
    public void applyTo(DeviceFaults faults) {
        for (RegisterOverride override : overrides) {
            faults.overrideRegister(override.offset(), override.value());
        }
        faults.withholdFeatures(withheldFeatures)
                .refuseFeaturesOk(refuseFeaturesOk)
                .unstableConfigGeneration(unstableConfigReads)
                .extraInterruptBits(extraInterruptBits);
    }

    @Override
    public String toString() {
        if (equals(NONE)) {
            return "none";
        }
        StringJoiner text = new StringJoiner(", ");
        overrides.forEach(o -> text.add(o.toString()));
        if (withheldFeatures != 0) {
            text.add(String.format("withholds features 0x%x", withheldFeatures));
        }
        if (refuseFeaturesOk) {
            text.add("refuses FEATURES_OK");
        }
        if (unstableConfigReads > 0) {
            text.add(unstableConfigReads + " unstable config reads");
        }
        if (extraInterruptBits != 0) {
            text.add(String.format("InterruptStatus extra bits 0x%x", extraInterruptBits));
        }
        return text.toString();
    }
}
