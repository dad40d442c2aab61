package dev.vblk.virtio.pci;

import dev.vblk.pci.PciBar;
import dev.vblk.pci.PciFunction;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.spec.PciCommonConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a virtio-pci function's structures are in physical memory, resolved from its virtio
 * capabilities and assigned BARs. For each structure the first capability the driver can use is
 * taken (VirtIO 1.1 section 4.1.4.1): one that names an assigned memory BAR and lies inside it.
 *
 * @param common the common configuration structure
 * @param notifications the notifications structure
 * @param notifyOffMultiplier bytes between the notify addresses of consecutive queue_notify_off values
 * @param isr the ISR status byte
 * @param device the device-specific configuration, if the function has one
 */
public record VirtioPciLayout(Region common, Region notifications, long notifyOffMultiplier, Region isr,
        Optional<Region> device) {

    /**
     * A structure's place.
     *
     * @param address its physical address
     * @param length its length in bytes
     */
    public record Region(long address, long length) {

        /** Whether {@code [start, start + bytes)} shares a byte with the region. */
        boolean overlaps(long start, long bytes) {
            return start < address + length && address < start + bytes;
        }
    }

    /**
     * The name of the first structure {@code [start, start + bytes)} overlaps: {@code common
     * configuration}, {@code notify}, {@code ISR} or {@code device configuration}; empty if none.
     */
    public Optional<String> structureOverlapping(long start, long bytes) {
        if (common.overlaps(start, bytes)) {
            return Optional.of("common configuration");
        }
        if (notifications.overlaps(start, bytes)) {
            return Optional.of("notify");
        }
        if (isr.overlaps(start, bytes)) {
            return Optional.of("ISR");
        }
        return device.filter(region -> region.overlaps(start, bytes)).map(region -> "device configuration");
    }

    /**
     * Resolves the capabilities of a function.
     *
     * @param owner how errors name the device
     * @throws VirtioException PROTOCOL_VIOLATION when the common configuration, notify or ISR
     *     structure has no usable capability; the message says why each candidate was not
     */
    public static VirtioPciLayout resolve(PciFunction function, List<VirtioPciCapability> capabilities, String owner) {
        List<String> refused = new ArrayList<>();
        Optional<VirtioPciCapability> notifyCapability = first(function, capabilities, VirtioPciCapability.NOTIFY, 2, refused);
        Region common = region(function, first(function, capabilities, VirtioPciCapability.COMMON, PciCommonConfig.LENGTH, refused),
                "common configuration", refused, owner);
        Region notifications = region(function, notifyCapability, "notify", refused, owner);
        Region isr = region(function, first(function, capabilities, VirtioPciCapability.ISR, 1, refused), "ISR",
                refused, owner);
        Optional<Region> device = first(function, capabilities, VirtioPciCapability.DEVICE, 1, refused)
                .map(found -> place(function, found));
        return new VirtioPciLayout(common, notifications, notifyCapability.get().notifyOffMultiplier(), isr, device);
    }

    private static Optional<VirtioPciCapability> first(PciFunction function, List<VirtioPciCapability> capabilities,
            int type, long minimumLength, List<String> refused) {
        for (VirtioPciCapability capability : capabilities) {
            if (capability.type() != type) {
                continue;
            }
            Optional<PciBar> bar = function.bar(capability.bar());
            if (bar.isEmpty()) {
                refused.add(String.format("cfg_type %d at 0x%02x names BAR %d, which is no assigned memory BAR", type,
                        capability.capabilityOffset(), capability.bar()));
            } else if (capability.length() < minimumLength) {
                refused.add(String.format("cfg_type %d at 0x%02x is %d bytes long, less than %d", type,
                        capability.capabilityOffset(), capability.length(), minimumLength));
            } else if (!bar.get().contains(capability.offset(), capability.length())) {
                refused.add(String.format("cfg_type %d at 0x%02x covers 0x%x+0x%x, outside %s", type,
                        capability.capabilityOffset(), capability.offset(), capability.length(), bar.get()));
            } else {
                return Optional.of(capability);
            }
        }
        return Optional.empty();
    }

    private static Region region(PciFunction function, Optional<VirtioPciCapability> capability, String name,
            List<String> refused, String owner) {
        return capability.map(found -> place(function, found)).orElseThrow(() -> new VirtioException(
                VirtioException.Kind.PROTOCOL_VIOLATION, owner, "no usable " + name + " capability"
                        + (refused.isEmpty() ? "" : " (" + String.join("; ", refused) + ")")));
    }

    private static Region place(PciFunction function, VirtioPciCapability capability) {
        return new Region(function.bar(capability.bar()).orElseThrow().address() + capability.offset(), capability.length());
    }
}
