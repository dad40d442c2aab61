package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VIRTIO_F_NOTIFICATION_DATA on the fake device, on the split and the packed ring: every QueueNotify
 * write carries the queue's index and where its next chain goes (the available index, or the ring
 * position and wrap counter), which the device checks against its ring; without the option the
 * value is the queue's index alone; a wrong value is the device's NOTIFICATION_DATA violation.
 */
class NotificationDataDriverTest {

    private static final int SECTORS = 256;
    private static final int RING = 8;
    /** One read without indirect tables: header, data and status descriptors. */
    private static final int DESCRIPTORS_PER_READ = 3;

    /** Keeps the values written to QueueNotify, after {@code change} has been applied to them. */
    private static final class Notifications extends ForwardingPlatform {
        private final long address;
        private final LongUnaryOperator change;
        final List<Long> values = new ArrayList<>();

        Notifications(Platform platform, long base, LongUnaryOperator change) {
            super(platform);
            this.address = base + MmioRegister.QUEUE_NOTIFY.offset();
            this.change = change;
        }

        @Override
        public void writeRegister(long at, AccessWidth width, long value) {
            long written = at == address ? change.applyAsLong(value) : value;
            if (at == address) {
                values.add(written);
            }
            super.writeRegister(at, width, written);
        }
    }

    private static FakeRig rig() {
        return FakeRig.of(FakeBlkConfig.builder().disk(PatternedDisk.of(SECTORS)).queueNumMax(RING)
                .offerNotificationData(true).offerPackedRing(true).build());
    }

    private static DriverOptions options(boolean packed) {
        return FakeRig.TEST_OPTIONS.withPackedRing(packed).withIndirectDescriptors(false);
    }

    /** Reads {@code count} single sectors one at a time, each checked. */
    private static void readOneByOne(VirtioBlkDevice device, int count) {
        for (int sector = 0; sector < count; sector++) {
            byte[] buffer = new byte[512];
            device.readAt(sector, buffer);
            assertArrayEquals(PatternedDisk.expected(sector, 1), buffer);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyNotificationCarriesTheQueueAndItsNextAvailablePosition(boolean packed) {
        FakeRig rig = rig();
        Notifications notifications = new Notifications(rig.platform(), rig.slot().baseAddress(), value -> value);
        VirtioBlkDevice device = VirtioBlkDevice.open(notifications, rig.slot(), options(packed).withNotificationData(true));
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.NOTIFICATION_DATA));
        int reads = 20;

        readOneByOne(device, reads);

        assertEquals(List.of(), rig.platform().violations(), "the device found every notification's data right");
        List<Long> values = notifications.values;
        assertEquals(reads, values.size(), values.toString());
        for (int n = 1; n <= reads; n++) {
            long value = values.get(n - 1);
            assertEquals(0, value & 0xffff, "queue 0 in bits 0 to 15");
            long expected;
            if (packed) {
                // Each read takes three ring descriptors; the wrap counter starts at 1 and flips each lap.
                int made = n * DESCRIPTORS_PER_READ;
                expected = made % RING | ((made / RING) % 2 == 0 ? 0x8000 : 0);
            } else {
                expected = n;
            }
            assertEquals(expected, value >>> 16, "notification " + n + ": 0x" + Long.toHexString(value));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void withoutTheOptionANotificationIsTheQueueIndexAlone(boolean packed) {
        FakeRig rig = rig();
        Notifications notifications = new Notifications(rig.platform(), rig.slot().baseAddress(), value -> value);
        VirtioBlkDevice device = VirtioBlkDevice.open(notifications, rig.slot(), options(packed));
        assertFalse(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.NOTIFICATION_DATA));
        readOneByOne(device, 5);
        assertEquals(List.of(0L, 0L, 0L, 0L, 0L), notifications.values);
        assertEquals(List.of(), rig.platform().violations());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void notificationDataThatDoesNotMatchTheRingIsAViolation(boolean packed) {
        FakeRig rig = rig();
        Notifications notifications = new Notifications(rig.platform(), rig.slot().baseAddress(),
                value -> value + (1L << 16));
        VirtioBlkDevice device = VirtioBlkDevice.open(notifications, rig.slot(), options(packed).withNotificationData(true));
        readOneByOne(device, 2);
        List<ViolationKind> kinds = rig.platform().violations().stream().map(Violation::kind).toList();
        assertEquals(List.of(ViolationKind.NOTIFICATION_DATA, ViolationKind.NOTIFICATION_DATA), kinds);
    }
}
