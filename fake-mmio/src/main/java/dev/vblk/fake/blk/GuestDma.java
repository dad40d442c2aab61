package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.GuestMemoryReader;
import java.util.List;

/**
 * The device's DMA into guest RAM through its machine context: little-endian ring fields, the
 * descriptor reads of the shared chain decoder, and request data gathered from and scattered over
 * the segments of a chain.
 */
final class GuestDma implements GuestMemoryReader {

    private final DeviceContext context;

    GuestDma(DeviceContext context) {
        this.context = context;
    }

    @Override
    public byte[] read(long address, int length) {
        byte[] bytes = new byte[length];
        context.dmaRead(address, bytes, 0, length);
        return bytes;
    }

    @Override
    public boolean contains(long address, long length) {
        return context.inRam(address, length);
    }

    /** Throws unless {@code [address, address + length)} lies in RAM; {@code what} names the area. */
    void requireRam(long address, long length, String what) {
        if (!context.inRam(address, length)) {
            throw new MalformedQueueException(address, String.format(
                    "%s at 0x%x (%d bytes) is outside guest RAM", what, address, length));
        }
    }

    /** Runs {@code action} once, right after the driver next reads guest memory overlapping the range. */
    void afterDriverRead(long address, long length, Runnable action) {
        context.afterDriverRead(address, length, action);
    }

    int u16(long address) {
        return (int) LittleEndian.get(read(address, 2), 0, 2);
    }

    long u32(long address) {
        return LittleEndian.get(read(address, 4), 0, 4);
    }

    /** Writes the low {@code size} bytes of {@code value}, little-endian. */
    void write(long address, long value, int size) {
        write(address, LittleEndian.bytes(value, size));
    }

    void write(long address, byte[] bytes) {
        context.dmaWrite(address, bytes, 0, bytes.length);
    }

    /** The first {@code length} bytes of {@code segments}. */
    byte[] gather(List<ChainSegment> segments, int length) {
        byte[] out = new byte[length];
        int done = 0;
        for (ChainSegment segment : segments) {
            if (done == length) {
                break;
            }
            int part = (int) Math.min(segment.length(), length - done);
            context.dmaRead(segment.address(), out, done, part);
            done += part;
        }
        return out;
    }

    /** Copies as much of {@code data} as fits into {@code segments}; returns the bytes copied. */
    int scatter(List<ChainSegment> segments, byte[] data) {
        int done = 0;
        for (ChainSegment segment : segments) {
            if (done == data.length) {
                break;
            }
            int part = (int) Math.min(segment.length(), data.length - done);
            context.dmaWrite(segment.address(), data, done, part);
            done += part;
        }
        return done;
    }
}
