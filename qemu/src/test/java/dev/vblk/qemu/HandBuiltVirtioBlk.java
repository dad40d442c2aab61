package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.Platform;

/**
 * A virtio-blk device programmed by hand with raw 32-bit register writes, following the virtio 1.1
 * initialisation sequence: it checks the QEMU backend without depending on the driver.
 */
final class HandBuiltVirtioBlk implements AutoCloseable {

    static final int STATUS = 0x070;
    static final int ACKNOWLEDGE = 1;
    static final int DRIVER = 2;
    static final int DRIVER_OK = 4;
    static final int FEATURES_OK = 8;
    static final int QUEUE_SIZE = 8;

    /** A completed request as the device left it. */
    record Completion(int usedIndex, int usedId, long usedLength, int status, byte[] data) {}

    private final Platform platform;
    private final long base;
    private final long descriptors;
    private final long driverArea;
    private final long deviceArea;
    private final long buffers;
    private int nextAvail;

    /** Resets the device and drives it to DRIVER_OK with VERSION_1 as the only feature accepted. */
    HandBuiltVirtioBlk(Platform platform, long transport) {
        this.platform = platform;
        this.base = transport;
        writeReg(STATUS, 0);
        writeReg(STATUS, ACKNOWLEDGE);
        writeReg(STATUS, ACKNOWLEDGE | DRIVER);
        long offered = deviceFeatures();
        assertTrue((offered & (1L << 32)) != 0, "device offers VERSION_1");
        writeReg(0x024, 0);
        writeReg(0x020, 0);
        writeReg(0x024, 1);
        writeReg(0x020, 1);
        writeReg(STATUS, ACKNOWLEDGE | DRIVER | FEATURES_OK);
        assertEquals(FEATURES_OK, readReg(STATUS) & FEATURES_OK, "device accepted the features");
        writeReg(0x030, 0);
        assertTrue(readReg(0x034) >= QUEUE_SIZE, "queue 0 holds " + QUEUE_SIZE + " entries");
        writeReg(0x038, QUEUE_SIZE);
        long frames = platform.allocateFrames(4, FrameAllocator.FRAME_SIZE).orElseThrow();
        descriptors = frames;
        driverArea = frames + FrameAllocator.FRAME_SIZE;
        deviceArea = frames + 2L * FrameAllocator.FRAME_SIZE;
        buffers = frames + 3L * FrameAllocator.FRAME_SIZE;
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
        platform.freeFrames(descriptors, 4);
    }

    /** The 64 feature bits the device offers. */
    long deviceFeatures() {
        writeReg(0x014, 0);
        long low = readReg(0x010);
        writeReg(0x014, 1);
        long high = readReg(0x010);
        return low | (high << 32);
    }

    /** Posts a 3-descriptor read of one sector and notifies queue 0; does not wait. */
    void postRead(long sector) {
        long header = buffers;
        long data = buffers + 512;
        long status = buffers + 1024;
        platform.writeU32(header, 0);
        platform.writeU32(header + 4, 0);
        platform.writeU64(header + 8, sector);
        platform.writeMemory(data, new byte[512]);
        platform.writeU8(status, 0xff);
        descriptor(0, header, 16, 1, 1);
        descriptor(1, data, 512, 1 | 2, 2);
        descriptor(2, status, 1, 2, 0);
        platform.writeU16(driverArea + 4 + 2L * (nextAvail % QUEUE_SIZE), 0);
        nextAvail++;
        platform.writeU16(driverArea + 2, nextAvail);
        writeReg(0x050, 0);
    }

    /** The device's side of the last request, once it is complete; acknowledges the interrupt. */
    Completion complete() {
        int usedIndex = platform.readU16(deviceArea + 2);
        int slot = (usedIndex - 1) % QUEUE_SIZE;
        int usedId = (int) platform.readU32(deviceArea + 4 + 8L * slot);
        long usedLength = platform.readU32(deviceArea + 8 + 8L * slot);
        int status = platform.readU8(buffers + 1024);
        byte[] data = platform.readMemory(buffers + 512, 512);
        writeReg(0x064, readReg(0x060));
        return new Completion(usedIndex, usedId, usedLength, status, data);
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

    long readReg(int offset) {
        return platform.readRegister(base + offset, AccessWidth.WORD);
    }

    void writeReg(int offset, long value) {
        platform.writeRegister(base + offset, AccessWidth.WORD, value);
    }
}
