package dev.vblk.qemu;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The platform interface over a live QEMU {@code virt} machine, driven through qtest: registers by
 * {@code readX}/{@code writeX}, guest RAM by {@code b64read}/{@code b64write}, frames carved from
 * guest RAM and zeroed by {@code memset}, and interrupts from the intercepted GIC inputs.
 *
 * <p>This live platform is the one place where the host clock is the driver's clock:
 * {@link #nanoTime()} is {@link System#nanoTime()}. Memory accesses outside guest RAM are refused,
 * since QEMU would silently drop them. Obtained from {@link QemuMachine#platform()}; closing it
 * closes the machine.
 */
public final class QemuPlatform implements Platform, AutoCloseable {

    /** The largest piece of memory moved by one qtest request. */
    static final int TRANSFER_CHUNK = 64 * 1024;

    private final QtestClient qtest;
    private final long ramBase;
    private final long ramBytes;
    private final GuestFrameAllocator frames;
    private final AutoCloseable owner;

    QemuPlatform(QtestClient qtest, long ramBase, long ramBytes, AutoCloseable owner) {
        this.qtest = qtest;
        this.ramBase = ramBase;
        this.ramBytes = ramBytes;
        this.frames = new GuestFrameAllocator(ramBase, ramBytes);
        this.owner = owner;
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        return qtest.read(width, address);
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        qtest.write(width, address, width.truncate(value));
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, destination.length);
        checkRam(address, length);
        for (int done = 0; done < length; done += TRANSFER_CHUNK) {
            int chunk = Math.min(TRANSFER_CHUNK, length - done);
            byte[] data = qtest.b64read(address + done, chunk);
            System.arraycopy(data, 0, destination, offset + done, chunk);
        }
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, source.length);
        checkRam(address, length);
        for (int done = 0; done < length; done += TRANSFER_CHUNK) {
            qtest.b64write(address + done, source, offset + done, Math.min(TRANSFER_CHUNK, length - done));
        }
    }

    private void checkRam(long address, long length) {
        if (address < ramBase || length > ramBytes || address - ramBase > ramBytes - length) {
            throw new PlatformException("memory access [0x" + Long.toHexString(address) + ", +" + length
                    + ") lies outside guest RAM [0x" + Long.toHexString(ramBase) + ", 0x"
                    + Long.toHexString(ramBase + ramBytes) + ")");
        }
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        OptionalLong address = frames.allocate(frameCount, alignment);
        if (address.isPresent()) {
            qtest.memset(address.getAsLong(), (long) frameCount * FRAME_SIZE, 0);
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
