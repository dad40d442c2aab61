package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.LittleEndian;

/**
 * Drives a fake virtio-blk device by hand at register level: handshake, one queue in allocated
 * frames, and requests built descriptor by descriptor. {@link #onQueue} gives a driver of another
 * queue of the same device. Reads of guest memory hold the platform's lock, so drivers of
 * different queues may run in different threads once their queues are set up. Test support only.
 */
final class RegisterLevelDriver {

    /** A descriptor to place: buffer address, length, device-writable, and flags to force. */
    record Desc(long address, long length, boolean writable) {}

    /** A submitted request: chain head, header, data and status addresses. */
    record Submitted(int head, long data, long status) {}

    static final long DEFAULT_FEATURES = VirtioBlk.bit(VirtioBlk.F_VERSION_1) | VirtioBlk.bit(VirtioBlk.F_FLUSH)
            | VirtioBlk.bit(VirtioBlk.F_BLK_SIZE) | VirtioBlk.bit(VirtioBlk.F_CONFIG_WCE)
            | VirtioBlk.bit(VirtioBlk.F_DISCARD) | VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES);

    final FakePlatform platform;
    final FakeVirtioBlkDevice device;
    final long base;
    final int slot;
    final int queueIndex;
    int num;
    long desc;
    long avail;
    long used;
    int availIdx;
    int nextDesc;
    private long heap;
    private long heapEnd;

    RegisterLevelDriver(FakePlatform platform, FakeBlkConfig config) {
        this.platform = platform;
        this.slot = platform.nextFreeSlot();
        this.device = platform.attachBlockDevice(config);
        this.base = FakePlatform.slotAddress(slot);
        this.queueIndex = 0;
    }

    private RegisterLevelDriver(RegisterLevelDriver device, int queueIndex) {
        this.platform = device.platform;
        this.device = device.device;
        this.slot = device.slot;
        this.base = device.base;
        this.queueIndex = queueIndex;
    }

    /** A driver of queue {@code index} of the same device, its queue set up with {@code size} entries. */
    RegisterLevelDriver onQueue(int index, int size) {
        RegisterLevelDriver queue = new RegisterLevelDriver(this, index);
        queue.setUpQueue(size);
        return queue;
    }

    static RegisterLevelDriver ready(FakeBlkConfig config) {
        return ready(config, 0);
    }

    /** A driver past DRIVER_OK with a 16-entry queue that accepted {@code extraFeatures} as well. */
    static RegisterLevelDriver ready(FakeBlkConfig config, long extraFeatures) {
        RegisterLevelDriver driver = new RegisterLevelDriver(FakePlatform.create(), config);
        driver.negotiate(DEFAULT_FEATURES | extraFeatures);
        driver.setUpQueue(16);
        driver.driverOk();
        return driver;
    }

    long read(ControlRegister register) {
        return platform.readRegister(base + register.offset(), AccessWidth.WORD);
    }

    void write(ControlRegister register, long value) {
        platform.writeRegister(base + register.offset(), AccessWidth.WORD, value);
    }

    long readConfig(int offset, AccessWidth width) {
        return platform.readRegister(base + ControlRegister.CONFIG_OFFSET + offset, width);
    }

    /** Reset, ACKNOWLEDGE, DRIVER, features, FEATURES_OK; returns the Status read back. */
    long negotiate(long features) {
        write(ControlRegister.STATUS, 0);
        write(ControlRegister.STATUS, VirtioBlk.STATUS_ACKNOWLEDGE);
        write(ControlRegister.STATUS, VirtioBlk.STATUS_ACKNOWLEDGE | VirtioBlk.STATUS_DRIVER);
        write(ControlRegister.DRIVER_FEATURES_SEL, 0);
        write(ControlRegister.DRIVER_FEATURES, features & 0xffffffffL);
        write(ControlRegister.DRIVER_FEATURES_SEL, 1);
        write(ControlRegister.DRIVER_FEATURES, features >>> 32);
        write(ControlRegister.STATUS, VirtioBlk.STATUS_ACKNOWLEDGE | VirtioBlk.STATUS_DRIVER
                | VirtioBlk.STATUS_FEATURES_OK);
        return read(ControlRegister.STATUS);
    }

    void setUpQueue(int size) {
        num = size;
        long rings = platform.allocateFrames(2, 4096).orElseThrow();
        desc = rings;
        avail = rings + 16L * size;
        used = rings + 4096;
        write(ControlRegister.QUEUE_SEL, queueIndex);
        write(ControlRegister.QUEUE_NUM, size);
        write(ControlRegister.QUEUE_DESC_LOW, desc);
        write(ControlRegister.QUEUE_DESC_HIGH, desc >>> 32);
        write(ControlRegister.QUEUE_DRIVER_LOW, avail);
        write(ControlRegister.QUEUE_DRIVER_HIGH, avail >>> 32);
        write(ControlRegister.QUEUE_DEVICE_LOW, used);
        write(ControlRegister.QUEUE_DEVICE_HIGH, used >>> 32);
        write(ControlRegister.QUEUE_READY, 1);
        heap = platform.allocateFrames(64, 4096).orElseThrow();
        heapEnd = heap + 64 * 4096;
    }

    void driverOk() {
        write(ControlRegister.STATUS, read(ControlRegister.STATUS) | VirtioBlk.STATUS_DRIVER_OK);
    }

    /** Memory from the driver's allocated heap. */
    long alloc(int bytes) {
        long address = heap;
        heap += (bytes + 15) & ~15L;
        assertEquals(true, heap <= heapEnd, "test heap exhausted");
        return address;
    }

    long header(int type, long sector) {
        long address = alloc(16);
        byte[] header = new byte[16];
        LittleEndian.put(header, 0, 4, type);
        LittleEndian.put(header, 8, 8, sector);
        platform.writeMemory(address, header);
        return address;
    }

    /** Writes a chain into the descriptor table and makes it available; does not notify. */
    int post(Desc... chain) {
        int head = nextDesc;
        for (int i = 0; i < chain.length; i++) {
            int index = (head + i) % num;
            int flags = (chain[i].writable() ? VirtioBlk.DESC_F_WRITE : 0)
                    | (i + 1 < chain.length ? VirtioBlk.DESC_F_NEXT : 0);
            descriptor(desc, index, chain[i].address(), chain[i].length(), flags, (index + 1) % num);
        }
        nextDesc = (head + chain.length) % num;
        makeAvailable(head);
        return head;
    }

    /** Writes descriptor {@code index} of the table at {@code table} (the queue's or an indirect one). */
    void descriptor(long table, int index, long address, long length, int flags, int next) {
        long at = table + 16L * index;
        platform.writeU64(at, address);
        platform.writeU32(at + 8, length);
        platform.writeU16(at + 12, flags);
        platform.writeU16(at + 14, next);
    }

    void makeAvailable(int head) {
        platform.writeU16(avail + 4 + 2L * (availIdx % num), head);
        availIdx = (availIdx + 1) & 0xffff;
        platform.writeU16(avail + 2, availIdx);
    }

    void notifyQueue() {
        write(ControlRegister.QUEUE_NOTIFY, queueIndex);
    }

    /** Posts and notifies a request with a data buffer of {@code dataLength} bytes (0 for none). */
    Submitted request(int type, long sector, int dataLength, boolean dataWritable, byte[] payload) {
        long header = header(type, sector);
        long status = alloc(1);
        platform.writeU8(status, 0xff);
        int head;
        long data = 0;
        if (dataLength > 0) {
            data = alloc(dataLength);
            if (payload != null) {
                platform.writeMemory(data, payload);
            }
            head = post(new Desc(header, 16, false), new Desc(data, dataLength, dataWritable),
                    new Desc(status, 1, true));
        } else {
            head = post(new Desc(header, 16, false), new Desc(status, 1, true));
        }
        notifyQueue();
        return new Submitted(head, data, status);
    }

    Submitted readSectors(long sector, int count) {
        return request(VirtioBlk.T_IN, sector, count * 512, true, null);
    }

    Submitted writeSectors(long sector, byte[] data) {
        return request(VirtioBlk.T_OUT, sector, data.length, false, data);
    }

    Submitted ranged(int type, long sector, long count, int flags) {
        byte[] range = new byte[16];
        LittleEndian.put(range, 0, 8, sector);
        LittleEndian.put(range, 8, 4, count);
        LittleEndian.put(range, 12, 4, flags);
        return request(type, 0, 16, false, range);
    }

    /** The used_event field at the end of the available ring (EVENT_IDX). */
    long usedEventAddress() {
        return avail + 4 + 2L * num;
    }

    /** The avail_event field at the end of the used ring (EVENT_IDX). */
    long availEventAddress() {
        return used + 4 + 8L * num;
    }

    /** Whether the device's interrupt line is raised now, without waiting. */
    boolean lineRaised() {
        return platform.awaitInterrupt(platform.interruptLine(slot), 0);
    }

    int usedIdx() {
        synchronized (platform) {
            return platform.ram().readU16(used + 2);
        }
    }

    long usedId(int position) {
        synchronized (platform) {
            return platform.ram().readU32(used + 4 + 8L * (position % num));
        }
    }

    long usedLen(int position) {
        synchronized (platform) {
            return platform.ram().readU32(used + 4 + 8L * (position % num) + 4);
        }
    }

    int status(Submitted submitted) {
        synchronized (platform) {
            return platform.ram().readU8(submitted.status());
        }
    }

    byte[] data(Submitted submitted, int length) {
        synchronized (platform) {
            return platform.ram().readMemory(submitted.data(), length);
        }
    }
}
