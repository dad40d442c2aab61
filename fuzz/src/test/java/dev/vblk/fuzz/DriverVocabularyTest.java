package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.queue.BufferSegment;
import dev.vblk.virtio.queue.SplitVirtqueueLayout;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The driver's small vocabulary types that findings and error messages are made of (status,
 * interrupt and feature names, register offsets), its options' validation and the split-queue
 * layout, checked against the numbers of VirtIO 1.1: the mutants the fuzzer cannot see through a
 * device.
 */
class DriverVocabularyTest {

    @Test
    void statusBitsAreNamedInSpecOrderWithTheRestInHex() {
        assertEquals("0 (reset)", DeviceStatus.describe(0));
        assertEquals("ACKNOWLEDGE|DRIVER", DeviceStatus.describe(DeviceStatus.ACKNOWLEDGE | DeviceStatus.DRIVER));
        assertEquals("ACKNOWLEDGE|DRIVER|FEATURES_OK|DRIVER_OK|DEVICE_NEEDS_RESET|FAILED", DeviceStatus.describe(0xcf));
        assertEquals("FEATURES_OK|0x130", DeviceStatus.describe(0x138));
    }

    @Test
    void interruptBitsAreNamedWithTheRestInHex() {
        assertEquals("0", InterruptStatus.describe(0));
        assertEquals("USED_BUFFER", InterruptStatus.describe(1));
        assertEquals("CONFIG_CHANGE", InterruptStatus.describe(2));
        assertEquals("USED_BUFFER|CONFIG_CHANGE", InterruptStatus.describe(3));
        assertEquals("CONFIG_CHANGE|0xfc", InterruptStatus.describe(0xfe));
        assertEquals("0x80000000", InterruptStatus.describe(0x8000_0000L));
    }

    @Test
    void registerOffsetsFollowTheMmioRegisterMap() {
        assertEquals(Optional.of(MmioRegister.STATUS), MmioRegister.at(0x070));
        assertEquals(Optional.of(MmioRegister.QUEUE_NUM_MAX), MmioRegister.at(0x034));
        assertEquals(Optional.empty(), MmioRegister.at(0x0a8));
        assertEquals("Status", MmioRegister.describeOffset(0x070));
        assertEquals("config+0x20", MmioRegister.describeOffset(0x120));
        assertEquals("config+0x0", MmioRegister.describeOffset(0x100));
        assertEquals("+0x0a8", MmioRegister.describeOffset(0x0a8));
        assertEquals("ConfigGeneration", MmioRegister.CONFIG_GENERATION.specName());
    }

    @Test
    void featureWordsAreNamedDeviceBitsFirst() {
        assertEquals("none", FeatureBits.describe(0, Map.of()));
        assertEquals("FLUSH|VERSION_1|bit41",
                BlkFeatures.describe(FeatureBits.bit(BlkFeatures.FLUSH) | FeatureBits.bit(FeatureBits.VERSION_1) | FeatureBits.bit(41)));
        assertEquals("bit0|RING_RESET|bit63", FeatureBits.describe(1L | FeatureBits.bit(40) | Long.MIN_VALUE, Map.of()));
        assertTrue(FeatureBits.has(FeatureBits.bit(63), 63));
        assertEquals(0, BlkFeatures.WANTED & FeatureBits.bit(FeatureBits.RING_PACKED), "the driver has no packed ring");
        assertTrue(FeatureBits.has(BlkFeatures.WANTED, FeatureBits.VERSION_1));
    }

    @Test
    void optionsRefuseWhatTheDriverCannotHonour() {
        DriverOptions d = DriverOptions.DEFAULTS;
        assertEquals(5_000_000_000L, d.requestTimeoutNanos());
        assertEquals(256, d.maxQueueSize());
        assertEquals(128 * 1024, d.maxRequestBytes());
        assertEquals(7, d.withRequestTimeoutNanos(7).requestTimeoutNanos());
        assertEquals(4096, d.withMaxRequestBytes(4096).maxRequestBytes());
        assertEquals(d.maxPollsPerRequest(), d.withMaxRequestBytes(4096).maxPollsPerRequest());
        DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 4, 512);
        DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 256, 1 << 20);
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(0, 1, 0, 4, 512));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 0, 0, 4, 512));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, -1, 4, 512));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 2, 512));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 512, 512));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 12, 512));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 4, 511));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 4, 0));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 4, 700));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withBudgets(1, 1, 0, 4, (1 << 20) + 512));
    }

    @Test
    void splitQueueLayoutMatchesSection2_6() {
        SplitVirtqueueLayout layout = new SplitVirtqueueLayout(256);
        assertEquals(4096, layout.descriptorTableBytes());
        assertEquals(6 + 2 * 256, layout.availableRingBytes());
        assertEquals(6 + 8 * 256, layout.usedRingBytes());
        assertEquals(4096, layout.availableOffset());
        assertEquals(4616, layout.usedOffset(), "4096 + 518 rounded up to 4 bytes");
        assertEquals(4616 + 2054, layout.totalBytes());
        assertEquals(48, SplitVirtqueueLayout.descriptorOffset(3));
        assertEquals(2, SplitVirtqueueLayout.availableIndexOffset());
        assertEquals(14, SplitVirtqueueLayout.availableSlotOffset(5));
        assertEquals(2, SplitVirtqueueLayout.usedIndexOffset());
        assertEquals(44, SplitVirtqueueLayout.usedSlotOffset(5));
        assertEquals(32768, new SplitVirtqueueLayout(32768).size());
        assertEquals(1, new SplitVirtqueueLayout(1).size());
        assertThrows(IllegalArgumentException.class, () -> new SplitVirtqueueLayout(0));
        assertThrows(IllegalArgumentException.class, () -> new SplitVirtqueueLayout(3));
        assertThrows(IllegalArgumentException.class, () -> new SplitVirtqueueLayout(65536));
    }

    @Test
    void segmentsHaveAtLeastOneByte() {
        assertEquals(1, new BufferSegment(0x4000_0000L, 1, true).length());
        assertThrows(IllegalArgumentException.class, () -> new BufferSegment(0x4000_0000L, 0, false));
    }
}
