package dev.vblk.virtio.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.pci.ConfigSpaceModel;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciBar;
import dev.vblk.pci.PciCapability;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.pci.PciFunction;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.spec.PciCommonConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The virtio structures of a virtio-pci function: its vendor-specific capabilities read from a
 * modelled configuration space, and where each structure lies once its BAR is known, with every
 * capability that cannot be used named in the error.
 */
class VirtioPciLayoutTest {

    private static final PciHostBridge HOST = new PciHostBridge(0x4000_0000L, 1, 0x1000_0000L, 0x10_0000L, 3);
    private static final PciAddress ADDRESS = new PciAddress(0, 1, 0);
    private static final long BAR4 = 0x1000_4000L;
    private static final PciFunction FUNCTION = new PciFunction(ADDRESS, 0x1af4, 0x1042, 2, 0x018000, 1,
            List.of(new PciBar(4, BAR4, 0x4000, true, true)));

    private static VirtioPciCapability capability(int at, int type, long offset, long length) {
        return new VirtioPciCapability(at, type, 4, offset, length, type == VirtioPciCapability.NOTIFY ? 4 : 0);
    }

    private static final List<VirtioPciCapability> QEMU_LIKE = List.of(
            capability(0x84, VirtioPciCapability.COMMON, 0x0000, 0x1000),
            capability(0x70, VirtioPciCapability.ISR, 0x1000, 0x1000),
            capability(0x60, VirtioPciCapability.DEVICE, 0x2000, 0x1000),
            capability(0x50, VirtioPciCapability.NOTIFY, 0x3000, 0x1000));

    @Test
    void eachStructureLiesAtItsOffsetInItsBar() {
        VirtioPciLayout layout = VirtioPciLayout.resolve(FUNCTION, QEMU_LIKE, "dev");

        assertEquals(new VirtioPciLayout.Region(BAR4, 0x1000), layout.common());
        assertEquals(new VirtioPciLayout.Region(BAR4 + 0x1000, 0x1000), layout.isr());
        assertEquals(Optional.of(new VirtioPciLayout.Region(BAR4 + 0x2000, 0x1000)), layout.device());
        assertEquals(new VirtioPciLayout.Region(BAR4 + 0x3000, 0x1000), layout.notifications());
        assertEquals(4, layout.notifyOffMultiplier());
    }

    @Test
    void aStructureIsNamedByTheBytesItCovers() {
        VirtioPciLayout layout = VirtioPciLayout.resolve(FUNCTION, QEMU_LIKE, "dev");

        assertEquals(Optional.of("common configuration"), layout.structureOverlapping(BAR4 + 0xfff, 1));
        assertEquals(Optional.of("ISR"), layout.structureOverlapping(BAR4 + 0x1000, 1));
        assertEquals(Optional.of("device configuration"), layout.structureOverlapping(BAR4 + 0x2ff8, 8), "up to the notify region, not into it");
        assertEquals(Optional.of("notify"), layout.structureOverlapping(BAR4 + 0x3ff0, 16));
        assertEquals(Optional.empty(), layout.structureOverlapping(BAR4 + 0x4000, 16), "the first byte past the BAR");
        assertEquals(Optional.empty(), layout.structureOverlapping(BAR4 - 16, 16), "the 16 bytes before it");
    }

    @Test
    void theFirstUsableCapabilityOfATypeIsTakenAndTheDeviceConfigurationIsOptional() {
        List<VirtioPciCapability> capabilities = List.of(
                capability(0x40, VirtioPciCapability.COMMON, 0x3800, 0x1000),
                capability(0x84, VirtioPciCapability.COMMON, 0x0000, PciCommonConfig.LENGTH),
                capability(0x70, VirtioPciCapability.ISR, 0x1000, 1),
                capability(0x50, VirtioPciCapability.NOTIFY, 0x3000, 2));

        VirtioPciLayout layout = VirtioPciLayout.resolve(FUNCTION, capabilities, "dev");

        assertEquals(new VirtioPciLayout.Region(BAR4, PciCommonConfig.LENGTH), layout.common(),
                "the one past the BAR's end is passed over");
        assertEquals(Optional.empty(), layout.device());
    }

    @Test
    void everyRefusedCapabilityIsNamedWhenNoneOfATypeIsUsable() {
        List<VirtioPciCapability> capabilities = List.of(
                new VirtioPciCapability(0x40, VirtioPciCapability.COMMON, 2, 0, 0x1000, 0),
                capability(0x50, VirtioPciCapability.COMMON, 0, PciCommonConfig.LENGTH - 1),
                capability(0x60, VirtioPciCapability.COMMON, 0x3ff0, 0x100),
                capability(0x70, VirtioPciCapability.ISR, 0x1000, 1),
                capability(0x80, VirtioPciCapability.NOTIFY, 0x3000, 2));

        VirtioException error = assertThrows(VirtioException.class, () -> VirtioPciLayout.resolve(FUNCTION, capabilities, "dev"));

        assertEquals(VirtioException.Kind.PROTOCOL_VIOLATION, error.kind());
        assertTrue(error.getMessage().contains("no usable common configuration capability ("
                + "cfg_type 1 at 0x40 names BAR 2, which is no assigned memory BAR; "
                + "cfg_type 1 at 0x50 is 55 bytes long, less than 56; "
                + "cfg_type 1 at 0x60 covers 0x3ff0+0x100, outside BAR4 0x10004000+0x4000 64-bit prefetchable)"), error.getMessage());
    }

    @Test
    void aMissingNotifyOrIsrCapabilityIsAnError() {
        VirtioException noNotify = assertThrows(VirtioException.class, () -> VirtioPciLayout.resolve(FUNCTION,
                List.of(QEMU_LIKE.get(0), QEMU_LIKE.get(1)), "dev"));
        assertTrue(noNotify.getMessage().contains("no usable notify capability"), noNotify.getMessage());

        VirtioException noIsr = assertThrows(VirtioException.class, () -> VirtioPciLayout.resolve(FUNCTION,
                List.of(QEMU_LIKE.get(0), QEMU_LIKE.get(3)), "dev"));
        assertTrue(noIsr.getMessage().contains("no usable ISR capability"), noIsr.getMessage());
        assertTrue(noIsr.getMessage().endsWith("capability"), "nothing refused, nothing listed: " + noIsr.getMessage());
    }

    @Test
    void capabilitiesAreReadFromTheVendorSpecificEntries() {
        ConfigSpaceModel model = new ConfigSpaceModel(HOST);
        ConfigSpaceModel.Function function = model.add(ADDRESS, 0x1af4, 0x1042)
                .set16(PciConfigSpace.STATUS, PciConfigSpace.STATUS_CAPABILITIES).set8(PciConfigSpace.CAPABILITIES_POINTER, 0x40);
        // 0x40: MSI-X (skipped); 0x50: common configuration; 0x60: notify, 20 bytes with its multiplier.
        function.set8(0x40, 0x11).set8(0x41, 0x50);
        vendor(function, 0x50, 0x60, 16, VirtioPciCapability.COMMON, 4, 0x0000, 0x1000, -1);
        vendor(function, 0x60, 0x00, 20, VirtioPciCapability.NOTIFY, 4, 0x3000, 0x1000, 4);
        PciConfigSpace config = new PciConfigSpace(model, HOST, ADDRESS);

        List<VirtioPciCapability> read = VirtioPciCapability.read(config, PciCapability.list(config), "dev");

        assertEquals(List.of(new VirtioPciCapability(0x50, VirtioPciCapability.COMMON, 4, 0, 0x1000, 0),
                new VirtioPciCapability(0x60, VirtioPciCapability.NOTIFY, 4, 0x3000, 0x1000, 4)), read);
    }

    @Test
    void aVirtioCapabilityShorterThanItsFieldsIsRefused() {
        ConfigSpaceModel model = new ConfigSpaceModel(HOST);
        ConfigSpaceModel.Function function = model.add(ADDRESS, 0x1af4, 0x1042)
                .set16(PciConfigSpace.STATUS, PciConfigSpace.STATUS_CAPABILITIES).set8(PciConfigSpace.CAPABILITIES_POINTER, 0x60);
        vendor(function, 0x60, 0x00, 19, VirtioPciCapability.NOTIFY, 4, 0x3000, 0x1000, 4);
        PciConfigSpace config = new PciConfigSpace(model, HOST, ADDRESS);

        VirtioException error = assertThrows(VirtioException.class,
                () -> VirtioPciCapability.read(config, PciCapability.list(config), "dev"));

        assertTrue(error.getMessage().contains("virtio capability at 0x60 (cfg_type 2) has cap_len 19, less than the 20 its fields need"),
                error.getMessage());
    }

    @Test
    void aVirtioCapabilityRunningPastTheFirst256BytesIsRefused() {
        ConfigSpaceModel model = new ConfigSpaceModel(HOST);
        ConfigSpaceModel.Function function = model.add(ADDRESS, 0x1af4, 0x1042)
                .set16(PciConfigSpace.STATUS, PciConfigSpace.STATUS_CAPABILITIES).set8(PciConfigSpace.CAPABILITIES_POINTER, 0xf0);
        vendor(function, 0xf0, 0x00, 16, VirtioPciCapability.COMMON, 4, 0, 0x1000, -1);
        PciConfigSpace config = new PciConfigSpace(model, HOST, ADDRESS);
        assertEquals(1, VirtioPciCapability.read(config, PciCapability.list(config), "dev").size(), "16 bytes at 0xf0 end at 0x100");

        function.set8(PciConfigSpace.CAPABILITIES_POINTER, 0xf4);
        vendor(function, 0xf4, 0x00, 16, VirtioPciCapability.COMMON, 4, 0, 0x1000, -1);
        assertThrows(VirtioException.class, () -> VirtioPciCapability.read(config, PciCapability.list(config), "dev"));
    }

    /** A virtio vendor-specific capability; {@code multiplier} only when not negative. */
    private static void vendor(ConfigSpaceModel.Function function, int at, int next, int length, int type, int bar,
            long offset, long bytes, long multiplier) {
        function.set8(at, PciCapability.VENDOR_SPECIFIC).set8(at + 1, next).set8(at + 2, length).set8(at + 3, type)
                .set8(at + 4, bar);
        setU32(function, at + 8, offset);
        setU32(function, at + 12, bytes);
        if (multiplier >= 0 && at + 20 <= 0x100) {
            setU32(function, at + 16, multiplier);
        }
    }

    private static void setU32(ConfigSpaceModel.Function function, int offset, long value) {
        if (offset + 4 <= 0x100) {
            function.set16(offset, (int) value & 0xffff).set16(offset + 2, (int) (value >>> 16));
        }
    }
}
