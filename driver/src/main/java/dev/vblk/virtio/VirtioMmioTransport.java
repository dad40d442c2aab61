package dev.vblk.virtio;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;

/**
 * Typed access to one modern (version 2) virtio-mmio register window, independent of the device
 * type: the {@link VirtioTransport} calls over the virtio-mmio register layout (VirtIO 1.1 section
 * 4.2.2), and the identity check that tells which device sits in the slot.
 *
 * <p>Control registers are always accessed 32 bits wide, as the specification requires.
 */
public final class VirtioMmioTransport implements VirtioTransport {

    private final Platform platform;
    private final MmioSlot slot;
    private final String owner;

    /**
     * @param platform the platform the registers are reached through
     * @param slot where the transport sits
     * @param owner how errors name the device, such as {@code virtio-blk@0x0a003e00}
     */
    public VirtioMmioTransport(Platform platform, MmioSlot slot, String owner) {
        this.platform = platform;
        this.slot = slot;
        this.owner = owner;
    }

    @Override
    public String owner() {
        return owner;
    }

    /**
     * Checks that the slot holds a modern (version 2) virtio-mmio device of {@code deviceType}.
     *
     * @throws VirtioException PROTOCOL_VIOLATION for a wrong magic value, UNSUPPORTED for another
     *     version or device type
     */
    public void checkIdentity(int deviceType) {
        int magic = read(MmioRegister.MAGIC_VALUE);
        if (magic != MmioRegister.MAGIC) {
            throw fail(VirtioException.Kind.PROTOCOL_VIOLATION,
                    String.format("MagicValue reads 0x%08x, not 0x%08x", magic, MmioRegister.MAGIC));
        }
        int version = read(MmioRegister.VERSION);
        if (version != MmioRegister.MODERN_VERSION) {
            throw fail(VirtioException.Kind.UNSUPPORTED,
                    "virtio-mmio version " + version + " (only the modern version 2 is supported)");
        }
        int found = read(MmioRegister.DEVICE_ID);
        if (found != deviceType) {
            throw fail(VirtioException.Kind.UNSUPPORTED, "device type " + found + " is not a block device");
        }
    }

    public MmioSlot slot() {
        return slot;
    }

    /** Reads a 32-bit control register. */
    public int read(MmioRegister register) {
        return (int) platform.readRegister(slot.baseAddress() + register.offset(), AccessWidth.WORD);
    }

    /** Writes a 32-bit control register. */
    public void write(MmioRegister register, long value) {
        platform.writeRegister(slot.baseAddress() + register.offset(), AccessWidth.WORD, value & 0xffff_ffffL);
    }

    /** The device status field. */
    @Override
    public int status() {
        return read(MmioRegister.STATUS);
    }

    /** Writes 0 to the status field, which resets the device. */
    @Override
    public void reset() {
        write(MmioRegister.STATUS, 0);
    }

    /** Sets {@code bits} in the status field, keeping the ones already set. */
    @Override
    public void addStatus(int bits) {
        write(MmioRegister.STATUS, status() | bits);
    }


    @Override
    public long deviceFeatures() {
        write(MmioRegister.DEVICE_FEATURES_SEL, 0);
        long low = read(MmioRegister.DEVICE_FEATURES) & 0xffff_ffffL;
        write(MmioRegister.DEVICE_FEATURES_SEL, 1);
        long high = read(MmioRegister.DEVICE_FEATURES) & 0xffff_ffffL;
        return (high << 32) | low;
    }

    @Override
    public void writeDriverFeatures(long features) {
        write(MmioRegister.DRIVER_FEATURES_SEL, 0);
        write(MmioRegister.DRIVER_FEATURES, features & 0xffff_ffffL);
        write(MmioRegister.DRIVER_FEATURES_SEL, 1);
        write(MmioRegister.DRIVER_FEATURES, features >>> 32);
    }

    @Override
    public int configGeneration() {
        return read(MmioRegister.CONFIG_GENERATION);
    }

    @Override
    public String configGenerationName() {
        return "ConfigGeneration";
    }

    /** Reads an 8-bit configuration field at {@code offset} in configuration space. */
    @Override
    public int configU8(int offset) {
        return (int) platform.readRegister(configAddress(offset), AccessWidth.BYTE) & 0xff;
    }

    /** Reads a 16-bit configuration field. */
    @Override
    public int configU16(int offset) {
        return (int) platform.readRegister(configAddress(offset), AccessWidth.HALF) & 0xffff;
    }

    /** Reads a 32-bit configuration field. */
    @Override
    public long configU32(int offset) {
        return platform.readRegister(configAddress(offset), AccessWidth.WORD) & 0xffff_ffffL;
    }


    /** Writes an 8-bit configuration field. */
    @Override
    public void writeConfigU8(int offset, int value) {
        platform.writeRegister(configAddress(offset), AccessWidth.BYTE, value & 0xff);
    }

    private long configAddress(int offset) {
        return slot.baseAddress() + MmioRegister.CONFIG_SPACE_OFFSET + offset;
    }

    /** The largest size the device allows for queue {@code index}; 0 if the queue does not exist. */
    @Override
    public int queueNumMax(int index) {
        write(MmioRegister.QUEUE_SEL, index);
        return read(MmioRegister.QUEUE_NUM_MAX);
    }

    /**
     * Programs queue {@code index} with its size and the physical addresses of its three parts, then
     * marks it ready. The queue must not be ready already.
     */
    @Override
    public void setupQueue(int index, int size, long descriptorTable, long availableRing, long usedRing) {
        write(MmioRegister.QUEUE_SEL, index);
        if (read(MmioRegister.QUEUE_READY) != 0) {
            throw fail(VirtioException.Kind.PROTOCOL_VIOLATION, "queue " + index + " is ready before it was set up");
        }
        write(MmioRegister.QUEUE_NUM, size);
        write(MmioRegister.QUEUE_DESC_LOW, descriptorTable);
        write(MmioRegister.QUEUE_DESC_HIGH, descriptorTable >>> 32);
        write(MmioRegister.QUEUE_DRIVER_LOW, availableRing);
        write(MmioRegister.QUEUE_DRIVER_HIGH, availableRing >>> 32);
        write(MmioRegister.QUEUE_DEVICE_LOW, usedRing);
        write(MmioRegister.QUEUE_DEVICE_HIGH, usedRing >>> 32);
        write(MmioRegister.QUEUE_READY, 1);
    }

    /** Selects queue {@code index} and writes 1 to QueueReset. */
    @Override
    public void startQueueReset(int index) {
        write(MmioRegister.QUEUE_SEL, index);
        write(MmioRegister.QUEUE_RESET, 1);
    }

    /** Selects queue {@code index}: done when QueueReset and QueueReady both read 0. */
    @Override
    public boolean queueResetDone(int index) {
        write(MmioRegister.QUEUE_SEL, index);
        return read(MmioRegister.QUEUE_RESET) == 0 && read(MmioRegister.QUEUE_READY) == 0;
    }

    /** Tells the device that queue {@code index} has new available buffers. */
    @Override
    public void notifyQueue(int index) {
        write(MmioRegister.QUEUE_NOTIFY, index);
    }

    /** Writes the notification data to QueueNotify (VirtIO 1.1 section 4.2.2). */
    @Override
    public void notifyQueue(int index, long data) {
        write(MmioRegister.QUEUE_NOTIFY, data);
    }

    /** The InterruptStatus register. */
    @Override
    public int interruptStatus() {
        return read(MmioRegister.INTERRUPT_STATUS);
    }

    /** Acknowledges the given interrupt bits. */
    @Override
    public void acknowledgeInterrupt(int bits) {
        write(MmioRegister.INTERRUPT_ACK, bits);
    }

    /** Waits up to {@code timeoutNanos} for this transport's interrupt line. */
    @Override
    public boolean awaitInterrupt(long timeoutNanos) {
        return platform.awaitInterrupt(slot.interruptLine(), timeoutNanos);
    }

    private VirtioException fail(VirtioException.Kind kind, String detail) {
        return new VirtioException(kind, owner, detail);
    }
}
