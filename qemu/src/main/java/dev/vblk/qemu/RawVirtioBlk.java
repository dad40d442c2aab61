package dev.vblk.qemu;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.Platform;

/**
 * A virtio-blk device programmed by hand with raw 32-bit register writes and fixed 3-descriptor
 * read and write requests, following the virtio 1.1 initialisation sequence and nothing else: no checks of what
 * the device writes, no time budget, no interrupt handling unless asked. It checks the QEMU backend
 * without depending on the driver, and it is the upper limit a driver's requests are measured
 * against (one notify per request, completion found by polling the used index in memory).
 */
public final class RawVirtioBlk implements AutoCloseable {

    private static final int FRAME = FrameAllocator.FRAME_SIZE;
    private static final int STATUS = 0x070;
    private static final int ACKNOWLEDGE = 1;
    private static final int DRIVER = 2;
    private static final int DRIVER_OK = 4;
    private static final int FEATURES_OK = 8;
    private static final int QUEUE_SIZE = 8;
    private static final int QUEUE_NOTIFY = 0x050;
    private static final int INTERRUPT_STATUS = 0x060;
    private static final int INTERRUPT_ACK = 0x064;
    private static final long VERSION_1 = 1L << 32;

    /**
     * A completed request as the device left it.
     *
     * @param usedIndex the used ring's index after the request
     * @param usedId the head descriptor id in the used element
     * @param usedLength the byte count in the used element
     * @param status the request's status byte
     * @param data the bytes read
     */
    public record Completion(int usedIndex, int usedId, long usedLength, int status, byte[] data) {}

    private final Platform platform;
    private final long base;
    private final int dataBytes;
    private final int frames;
    private final long descriptors;
    private final long driverArea;
    private final long deviceArea;
    private final long header;
    private final long data;
    private int posted;

    /**
     * Resets the device and drives it to DRIVER_OK with VERSION_1 as the only feature accepted and an
     * 8-entry queue 0, with room for reads of up to {@code maxReadBytes}.
     *
     * @throws QemuException if the device does not offer VERSION_1, refuses the features, or has a
     *     smaller queue
     * @throws IllegalArgumentException if {@code maxReadBytes} is not a positive multiple of 512
     */
    public RawVirtioBlk(Platform platform, long transport, int maxReadBytes) {
        if (maxReadBytes <= 0 || maxReadBytes % 512 != 0) {
            throw new IllegalArgumentException("reads are whole sectors, not " + maxReadBytes + " bytes");
        }
        this.platform = platform;
        this.base = transport;
        this.dataBytes = maxReadBytes;
        writeReg(STATUS, 0);
        writeReg(STATUS, ACKNOWLEDGE);
        writeReg(STATUS, ACKNOWLEDGE | DRIVER);
        if ((deviceFeatures() & VERSION_1) == 0) {
            throw new QemuException("the device at 0x" + Long.toHexString(transport) + " does not offer VERSION_1");
        }
        writeReg(0x024, 0);
        writeReg(0x020, 0);
        writeReg(0x024, 1);
        writeReg(0x020, 1);
        writeReg(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        if ((readReg(STATUS) & FEATURES_OK) == 0) {
            throw new QemuException("the device refused VERSION_1 alone");
        }
        writeReg(0x030, 0);
        if (readReg(0x034) < QUEUE_SIZE) {
            throw new QemuException("queue 0 holds fewer than " + QUEUE_SIZE + " entries");
        }
        writeReg(0x038, QUEUE_SIZE);
        this.frames = 4 + (maxReadBytes + FRAME - 1) / FRAME;
        long memory = platform.allocateFrames(frames, FRAME).orElseThrow(
                () -> new QemuException("no " + frames + " free frames for a hand-built queue"));
        descriptors = memory;
        driverArea = memory + FRAME;
        deviceArea = memory + 2L * FRAME;
        header = memory + 3L * FRAME;
        data = memory + 4L * FRAME;
        writeAddress(0x080, descriptors);
        writeAddress(0x090, driverArea);
        writeAddress(0x0a0, deviceArea);
        writeReg(0x044, 1);
        writeReg(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK | DRIVER_OK);
    }

    /** Resets the device, so it stops using the rings, and frees their frames. */
    @Override
    public void close() {
        writeReg(STATUS, 0);
        platform.freeFrames(descriptors, frames);
    }

    /** The 64 feature bits the device offers. */
    public long deviceFeatures() {
        writeReg(0x014, 0);
        long low = readReg(0x010);
        writeReg(0x014, 1);
        long high = readReg(0x010);
        return low | (high << 32);
    }

    /**
     * Posts a read of {@code bytes} (whole sectors, at most the size given at construction) at
     * {@code sector} and notifies queue 0; does not wait.
     */
    public void postRead(long sector, int bytes) {
        post(0, sector, bytes, 1 | 2);
    }

    /** Copies {@code data} (whole sectors) to the data buffer, posts a write of it at {@code sector} and notifies queue 0. */
    public void postWrite(long sector, byte[] bytes) {
        checkSize(bytes.length);
        platform.writeMemory(data, bytes);
        post(1, sector, bytes.length, 1);
    }

    private void post(int type, long sector, int bytes, int dataFlags) {
        checkSize(bytes);
        long status = header + 16;
        platform.writeU32(header, type);
        platform.writeU32(header + 4, 0);
        platform.writeU64(header + 8, sector);
        platform.writeU8(status, 0xff);
        descriptor(0, header, 16, 1, 1);
        descriptor(1, data, bytes, dataFlags, 2);
        descriptor(2, status, 1, 2, 0);
        platform.writeU16(driverArea + 4 + 2L * (posted % QUEUE_SIZE), 0);
        posted++;
        platform.writeU16(driverArea + 2, posted & 0xffff);
        writeReg(QUEUE_NOTIFY, 0);
    }

    private void checkSize(int bytes) {
        if (bytes <= 0 || bytes % 512 != 0 || bytes > dataBytes) {
            throw new IllegalArgumentException("a transfer of " + bytes + " bytes does not fit " + dataBytes);
        }
    }

    /**
     * Polls the used index in memory until the device has used every posted request.
     *
     * @throws QemuException if it has not within {@code timeoutNanos}
     */
    public void awaitUsed(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (usedIndex() != (posted & 0xffff)) {
            if (System.nanoTime() - deadline > 0) {
                throw new QemuException("request " + posted + " not used within " + timeoutNanos / 1_000_000 + " ms");
            }
            Thread.yield();
        }
    }

    /** The used ring's index: how many requests the device has completed. */
    public int usedIndex() {
        return platform.readU16(deviceArea + 2);
    }

    /** The device's side of the last request, with {@code bytes} of the data buffer, once it is complete. */
    public Completion complete(int bytes) {
        int usedIndex = usedIndex();
        int slot = (usedIndex - 1) % QUEUE_SIZE;
        int usedId = (int) platform.readU32(deviceArea + 4 + 8L * slot);
        long usedLength = platform.readU32(deviceArea + 8 + 8L * slot);
        int status = platform.readU8(header + 16);
        return new Completion(usedIndex, usedId, usedLength, status, platform.readMemory(data, bytes));
    }

    /** Acknowledges every pending interrupt bit, lowering the interrupt line; returns the bits. */
    public long acknowledgeInterrupt() {
        long bits = readReg(INTERRUPT_STATUS);
        writeReg(INTERRUPT_ACK, bits);
        return bits;
    }

    private void descriptor(int index, long address, int length, int flags, int next) {
        long entry = descriptors + 16L * index;
        platform.writeU64(entry, address);
        platform.writeU32(entry + 8, length);
        platform.writeU16(entry + 12, flags);
        platform.writeU16(entry + 14, next);
    }

    private void writeAddress(int lowRegister, long address) {
        writeReg(lowRegister, address & 0xffff_ffffL);
        writeReg(lowRegister + 4, address >>> 32);
    }

    /** Reads the 32-bit transport register at {@code offset}. */
    public long readReg(int offset) {
        return platform.readRegister(base + offset, AccessWidth.WORD);
    }

    /** Writes the 32-bit transport register at {@code offset}. */
    public void writeReg(int offset, long value) {
        platform.writeRegister(base + offset, AccessWidth.WORD, value);
    }
}
