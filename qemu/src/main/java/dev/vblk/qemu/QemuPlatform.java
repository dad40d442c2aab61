package dev.vblk.qemu;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The platform interface over a live QEMU {@code virt} machine: registers by qtest
 * {@code readX}/{@code writeX}, interrupts from the intercepted GIC inputs, and guest RAM either
 * through a mapping of the file QEMU's RAM lives in ({@link SharedGuestRam}, the default) or by
 * qtest memory commands ({@link QtestGuestMemory}). Frames are carved from guest RAM and zeroed the
 * same way. Which one is used changes no call across the interface, only how fast it is answered.
 *
 * <p>A full fence precedes every register access, so the descriptors and ring entries written to
 * shared memory are visible to QEMU's threads before the QueueNotify write that tells the device
 * to look at them.
 *
 * <p>This live platform is the one place where the host clock is the driver's clock:
 * {@link #nanoTime()} is {@link System#nanoTime()}. Memory accesses outside guest RAM are refused,
 * since QEMU would silently drop them. Obtained from {@link QemuMachine#platform()}; closing it
 * closes the machine.
 */
public final class QemuPlatform implements Platform, AutoCloseable {

    private final QtestClient qtest;
    private final GuestMemory memory;
    private final long ramBase;
    private final long ramBytes;
    private final GuestFrameAllocator frames;
    private final AutoCloseable owner;

    QemuPlatform(QtestClient qtest, GuestMemory memory, long ramBase, long ramBytes, AutoCloseable owner) {
        this.qtest = qtest;
        this.memory = memory;
        this.ramBase = ramBase;
        this.ramBytes = ramBytes;
        this.frames = new GuestFrameAllocator(ramBase, ramBytes);
        this.owner = owner;
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        VarHandle.fullFence();
        return qtest.read(width, address);
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        VarHandle.fullFence();
        qtest.write(width, address, width.truncate(value));
    }

    /** @throws QemuException if QEMU has exited, even when the bytes could still be read from shared memory */
    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRam(address, length);
        if (length > 0) {
            memory.read(address, destination, offset, length);
        }
    }

    /** @throws QemuException if QEMU has exited, even when the bytes could still be written to shared memory */
    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRam(address, length);
        if (length > 0) {
            memory.write(address, source, offset, length);
        }
    }

    /** Refuses ranges outside guest RAM, which QEMU would silently drop, and any access once QEMU has gone. */
    private void checkRam(long address, long length) {
        if (address < ramBase || length > ramBytes || address - ramBase > ramBytes - length) {
            throw new PlatformException("memory access [0x" + Long.toHexString(address) + ", +" + length
                    + ") lies outside guest RAM [0x" + Long.toHexString(ramBase) + ", 0x"
                    + Long.toHexString(ramBase + ramBytes) + ")");
        }
        qtest.checkConnected();
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        OptionalLong address = frames.allocate(frameCount, alignment);
        if (address.isPresent()) {
            memory.zero(address.getAsLong(), (long) frameCount * FRAME_SIZE);
        }
        return address;
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        frames.free(address, frameCount);
    }

    /**
     * Waits for an intercepted GIC input; a transport in slot {@code s} raises line {@code 16 + s}
     * (see {@link AttachedDrive#interruptLine()}).
     *
     * @throws QemuException if QEMU has exited
     */
    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        return qtest.awaitIrq(line, timeoutNanos);
    }

    /**
     * Waits for an edge on an intercepted GIC input: a message-signalled interrupt written to the
     * board's GICv2m frame pulses SPI {@code 48 + n} (see {@link dev.vblk.pci.MsiFrame#QEMU_VIRT_V2M}).
     *
     * @throws QemuException if QEMU has exited
     */
    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        return qtest.awaitEdge(line, timeoutNanos);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    /** The first byte of guest RAM. */
    public long ramBase() {
        return ramBase;
    }

    /** The size of guest RAM in bytes. */
    public long ramBytes() {
        return ramBytes;
    }

    /** The number of frames not allocated. */
    public int freeFrameCount() {
        return frames.freeFrames();
    }

    /** Closes the machine this platform belongs to, ending QEMU. */
    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw e instanceof RuntimeException runtime ? runtime : new QemuException("closing QEMU failed", e);
        }
    }
}
