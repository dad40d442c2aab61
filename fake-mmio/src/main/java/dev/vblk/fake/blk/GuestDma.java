package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.GuestMemoryReader;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The device's DMA into guest RAM through its machine context: little-endian ring fields, the
 * descriptor reads of the shared chain decoder, and request data gathered from and scattered over
 * the segments of a chain. Once VIRTIO_F_ACCESS_PLATFORM is negotiated, an access outside what the
 * driver mapped is a {@link ViolationKind#DMA_OUTSIDE_MAPPING} and is refused, as an IOMMU would:
 * a read sees zeros, a write is dropped.
 */
final class GuestDma implements GuestMemoryReader {

    private final DeviceContext context;
    private final BooleanSupplier accessPlatform;

    /** @param accessPlatform whether ACCESS_PLATFORM is negotiated now */
    GuestDma(DeviceContext context, BooleanSupplier accessPlatform) {
        this.context = context;
        this.accessPlatform = accessPlatform;
    }

    @Override
    public byte[] read(long address, int length) {
        byte[] bytes = new byte[length];
        dmaRead(address, bytes, 0, length);
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
        dmaWrite(address, bytes, 0, bytes.length);
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
            dmaRead(segment.address(), out, done, part);
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
            dmaWrite(segment.address(), data, done, part);
            done += part;
        }
        return done;
    }

    private void dmaRead(long address, byte[] destination, int offset, int length) {
        if (reachable(address, length, "read")) {
            context.dmaRead(address, destination, offset, length);
        }
    }

    private void dmaWrite(long address, byte[] source, int offset, int length) {
        if (reachable(address, length, "write")) {
            context.dmaWrite(address, source, offset, length);
        }
    }

    /** Whether the device may reach the range; if not, the violation is recorded. */
    private boolean reachable(long address, int length, String access) {
        if (!accessPlatform.getAsBoolean() || context.mapped(address, length)) {
            return true;
        }
        context.violation(ViolationKind.DMA_OUTSIDE_MAPPING, address, String.format(
                "device DMA %s of %d bytes at 0x%x, which the driver has not mapped (ACCESS_PLATFORM)", access, length,
                address));
        return false;
    }
}
