package dev.vblk.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.testing.MemoryOnlyPlatform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The virtio-mmio transport's register writes, seen one by one: the values a device finds in its
 * registers, including the halves of 64-bit values that a device below 4 GiB of RAM never needs.
 */
class VirtioMmioTransportRegistersTest {

    private static final MmioSlot SLOT = new MmioSlot(0, 0x0a00_0000L, 16);

    private final RegisterFile registers = new RegisterFile();
    private final VirtioMmioTransport transport = new VirtioMmioTransport(registers, SLOT, "virtio-blk@test");

    @Test
    void queueAddressesAboveFourGibibytesAreWrittenInBothHalves() {
        transport.setupQueue(0, 128, 0x1_2345_6000L, 0x2_0000_7000L, 0xff_8000_9000L);

        assertEquals(0x2345_6000L, registers.value(MmioRegister.QUEUE_DESC_LOW));
        assertEquals(0x1L, registers.value(MmioRegister.QUEUE_DESC_HIGH));
        assertEquals(0x0000_7000L, registers.value(MmioRegister.QUEUE_DRIVER_LOW));
        assertEquals(0x2L, registers.value(MmioRegister.QUEUE_DRIVER_HIGH));
        assertEquals(0x8000_9000L, registers.value(MmioRegister.QUEUE_DEVICE_LOW));
        assertEquals(0xffL, registers.value(MmioRegister.QUEUE_DEVICE_HIGH));
        assertEquals(128, registers.value(MmioRegister.QUEUE_NUM));
        assertEquals(1, registers.value(MmioRegister.QUEUE_READY));
    }

    @Test
    void aMissingRequiredFeatureIsNamedAndTheDeviceMarkedFailed() {
        long versionOne = FeatureBits.bit(FeatureBits.VERSION_1);
        registers.offer(versionOne | 0b0101);

        VirtioException error = assertThrows(VirtioException.class, () -> transport.negotiate(-1L, 0b0110));

        assertEquals(VirtioException.Kind.FEATURE_NEGOTIATION_FAILED, error.kind());
        assertTrue(error.getMessage().contains("lack required 0x0000000000000002"), error.getMessage());
        assertTrue(error.getMessage().contains("virtio-blk@test"), "the error names the transport's owner");
        assertEquals(DeviceStatus.FAILED, registers.value(MmioRegister.STATUS) & DeviceStatus.FAILED);
    }

    @Test
    void aRefusedFeatureWordMarksTheDeviceFailed() {
        registers.offer(FeatureBits.bit(FeatureBits.VERSION_1));
        registers.refuseFeaturesOk();

        VirtioException error = assertThrows(VirtioException.class, () -> transport.negotiate(-1L, 0));

        assertEquals(VirtioException.Kind.FEATURE_NEGOTIATION_FAILED, error.kind());
        assertEquals(DeviceStatus.FAILED, registers.value(MmioRegister.STATUS) & DeviceStatus.FAILED);
    }

    @Test
    void negotiationWritesTheAcceptedWordPageByPage() {
        long versionOne = FeatureBits.bit(FeatureBits.VERSION_1);
        registers.offer(versionOne | 0b1011);

        long accepted = transport.negotiate(versionOne | 0b0011, 0);

        assertEquals(versionOne | 0b0011, accepted);
        assertEquals(List.of(0b0011L, versionOne >>> 32), registers.driverFeaturePages());
        assertEquals("virtio-blk@test", transport.owner());
    }

    /**
     * Registers as plain storage, except the feature pages (DeviceFeatures shows the page
     * DeviceFeaturesSel selects; DriverFeatures writes are kept in order) and a Status register that
     * can refuse FEATURES_OK.
     */
    private static final class RegisterFile extends ForwardingPlatform {

        private final Map<Long, Long> values = new HashMap<>();
        private final List<Long> driverFeaturePages = new ArrayList<>();
        private long offered;
        private boolean refuseFeaturesOk;

        RegisterFile() {
            super(new MemoryOnlyPlatform());
        }

        void offer(long features) {
            offered = features;
        }

        void refuseFeaturesOk() {
            refuseFeaturesOk = true;
        }

        long value(MmioRegister register) {
            return values.getOrDefault(SLOT.baseAddress() + register.offset(), 0L);
        }

        List<Long> driverFeaturePages() {
            return driverFeaturePages;
        }

        @Override
        public long readRegister(long address, AccessWidth width) {
            if (address == SLOT.baseAddress() + MmioRegister.DEVICE_FEATURES.offset()) {
                return value(MmioRegister.DEVICE_FEATURES_SEL) == 0 ? offered & 0xffff_ffffL : offered >>> 32;
            }
            return values.getOrDefault(address, 0L);
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            assertEquals(AccessWidth.WORD, width, "control registers are 32 bits wide");
            long stored = value;
            if (address == SLOT.baseAddress() + MmioRegister.STATUS.offset() && refuseFeaturesOk) {
                stored &= ~DeviceStatus.FEATURES_OK;
            }
            if (address == SLOT.baseAddress() + MmioRegister.DRIVER_FEATURES.offset()) {
                driverFeaturePages.add(value);
            }
            values.put(address, stored);
        }
    }
}
