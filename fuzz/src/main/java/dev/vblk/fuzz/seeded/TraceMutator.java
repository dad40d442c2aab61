package dev.vblk.fuzz.seeded;

import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.MmioRegister;
import java.util.SplittableRandom;

/**
 * Draws a {@link TraceMutation} for a seed trace from a random source: an event the device answered,
 * and a hostile answer for it chosen by what the event is (Status, InterruptStatus, QueueNumMax,
 * feature and configuration values, status bytes and other bytes the device wrote, interrupts), or
 * completions reordered from there on. The same random state gives the same mutation.
 */
public final class TraceMutator {

    private static final int[] STATUS_BYTES = {1, 2, 3, 0xff, 0x80};
    private static final long[] INTERRUPT_STATUS = {0, 1, 2, 3, 0xffff_ffffL, 0x4};
    private static final long[] QUEUE_NUM_MAX = {0, 1, 3, 5, 257, 32768, 65535, 0xffff_ffffL};
    private static final int[] BYTES = {0, 1, 0x7f, 0x80, 0xff};

    private TraceMutator() {}

    /** One mutation of {@code seed}, drawn from {@code random}. */
    public static TraceMutation draw(SeedTrace seed, SplittableRandom random) {
        int index = seed.sites().get(random.nextInt(seed.sites().size()));
        if (random.nextInt(10) == 0) {
            CompletionBatching.Order[] orders = CompletionBatching.Order.values();
            return new TraceMutation.CompletionOrder(index, 2 + random.nextInt(3), orders[random.nextInt(orders.length)]);
        }
        TraceEvent event = seed.trace().events().get(index);
        if (event instanceof TraceEvent.RegisterRead read) {
            int offset = (int) ((read.address() - seed.window().baseAddress()) % seed.window().slotSize());
            return new TraceMutation.RegisterValue(index, MmioRegister.describeOffset(offset),
                    read.width().truncate(registerValue(offset, read.value(), random)));
        }
        if (event instanceof TraceEvent.MemoryRead read) {
            if (read.length() == 1) {
                return new TraceMutation.MemoryByte(index, "a status byte", 0, STATUS_BYTES[random.nextInt(STATUS_BYTES.length)]);
            }
            int offset = random.nextInt(read.length());
            int original = read.data()[offset] & 0xff;
            int value = random.nextBoolean() ? BYTES[random.nextInt(BYTES.length)] : original ^ (1 << random.nextInt(8));
            return new TraceMutation.MemoryByte(index, read.length() + "-byte memory read", offset, value);
        }
        return new TraceMutation.InterruptFlip(index);
    }

    private static long registerValue(int offset, long recorded, SplittableRandom random) {
        if (offset == MmioRegister.INTERRUPT_STATUS.offset()) {
            return INTERRUPT_STATUS[random.nextInt(INTERRUPT_STATUS.length)];
        }
        if (offset == MmioRegister.STATUS.offset()) {
            long[] values = {0, recorded | DeviceStatus.DEVICE_NEEDS_RESET, DeviceStatus.FAILED, 0xff,
                recorded & ~DeviceStatus.FEATURES_OK};
            return values[random.nextInt(values.length)];
        }
        if (offset == MmioRegister.QUEUE_NUM_MAX.offset()) {
            return QUEUE_NUM_MAX[random.nextInt(QUEUE_NUM_MAX.length)];
        }
        if (offset == MmioRegister.CONFIG_GENERATION.offset()) {
            return recorded + 1 + random.nextInt(3);
        }
        return switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> -1L;
            case 2 -> recorded + (random.nextBoolean() ? 1 : -1);
            default -> recorded ^ (1L << random.nextInt(32));
        };
    }
}
