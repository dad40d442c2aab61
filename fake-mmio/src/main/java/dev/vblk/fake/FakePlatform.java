package dev.vblk.fake;

import dev.vblk.dma.DmaWindows;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.blk.VirtioCore;
import dev.vblk.fake.memory.AllocatorFaults;
import dev.vblk.fake.memory.FrameTable;
import dev.vblk.fake.memory.ReadWatch;
import dev.vblk.fake.memory.GuestMemoryException;
import dev.vblk.fake.memory.SparseRam;
import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.mmio.EmptySlot;
import dev.vblk.fake.mmio.MmioDevice;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.pci.FakePciHost;
import dev.vblk.fake.pci.FakeVirtioBlkPciFunction;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.fake.violation.ViolationLog;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * A fake machine shaped like QEMU's aarch64 {@code virt}: sparse guest RAM at 0x40000000 with a
 * frame allocator, 32 virtio-mmio slots of 0x200 bytes from 0x0a000000 with one level-triggered
 * interrupt line each, and a {@link VirtualClock}. Everything is deterministic. Once a
 * virtio-blk-pci function is attached, a PCIe host bridge ({@link FakePciHost}) answers its ECAM
 * window and the functions' BARs, and its GICv2m frame latches the edges of the functions' MSI-X
 * messages on lines 48 and up ({@link #awaitEdge}).
 *
 * <p>Several threads may use one platform at once, for example a driver with one thread per
 * virtqueue. Like a device model under one big lock, every {@link Platform} call and every public
 * method here runs while holding this platform's monitor, so register accesses, DMA, allocation and
 * device work never interleave; a single thread sees exactly the behaviour and determinism it sees
 * alone. What the methods hand out ({@link #ram()}, an attached device, its faults) is not locked:
 * a thread that uses them while others run holds {@code synchronized (platform)} itself.
 *
 * <p>A wait on an interrupt line ({@link #awaitInterrupt}) is one step in virtual time, taken under
 * the lock: it returns at once if the line is raised, else it advances the one shared clock to the
 * next deferred device work or to its deadline, without letting other threads in. So a waiting
 * thread sees another thread's activity only if it happened before the wait began: a line another
 * thread's notification raises later is seen by the next wait (if no thread acknowledged the
 * interrupt in between: InterruptStatus and the line are one for all of a device's queues). Every
 * thread's waits and {@code nanoTime()} calls move the same clock forward.
 *
 * <p>Misuse by the driver is recorded in {@link #violations()} (and memory accesses outside RAM also
 * throw {@link GuestMemoryException}), so fuzzers can use it as an oracle.
 */
public final class FakePlatform implements Platform {

    /** Physical address of guest RAM. */
    public static final long RAM_BASE = 0x4000_0000L;
    /** Physical address of the first virtio-mmio slot. */
    public static final long MMIO_BASE = 0x0a00_0000L;
    /** Number of virtio-mmio slots. */
    public static final int SLOTS = 32;
    /** How violations name each slot: {@code in slot 31}. */
    private static final String[] SLOT_PLACES = new String[SLOTS];

    static {
        for (int slot = 0; slot < SLOTS; slot++) {
            SLOT_PLACES[slot] = "in slot " + slot;
        }
    }

    private final SparseRam ram;
    private final FrameTable frames;
    private final ViolationLog violations = new ViolationLog();
    /** What drivers have mapped for the DMA of devices that negotiated ACCESS_PLATFORM. */
    private final DmaWindows dmaWindows = new DmaWindows();
    /** What devices do right after the driver reads watched guest memory. */
    private final ReadWatch readWatch = new ReadWatch();
    private final VirtualClock clock;
    private final int interruptBase;
    private final boolean strictDma;
    /** The device in each slot; null for an empty slot not yet accessed (see {@link #slot}). */
    private final MmioDevice[] slots = new MmioDevice[SLOTS];
    private final boolean[] occupied = new boolean[SLOTS];
    /** Whether each occupied slot's device raises its interrupt line, made once when it is attached. */
    private final BooleanSupplier[] lineRaised = new BooleanSupplier[SLOTS];
    /** The devices plugged in, by slot: the only ones that may have work due (an empty slot never has). */
    private MmioDevice[] attached = new MmioDevice[0];
    private FakePciHost pci;

    private FakePlatform(Builder builder) {
        this.ram = new SparseRam(RAM_BASE, builder.ramSize);
        this.frames = new FrameTable(ram, violations);
        this.clock = new VirtualClock(builder.clockStepNanos);
        this.interruptBase = builder.interruptBase;
        this.strictDma = builder.strictDma;
    }

    /** A machine with 64 MiB of RAM, a 1000 ns clock step, interrupt base 16 and strict DMA checks. */
    public static FakePlatform create() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    // ---- devices ----

    /** Physical address of a slot's register window. */
    public static long slotAddress(int slot) {
        checkSlot(slot);
        return MMIO_BASE + (long) slot * ControlRegister.WINDOW_SIZE;
    }

    /** The interrupt line of a slot: the interrupt base plus the slot number. */
    public int interruptLine(int slot) {
        checkSlot(slot);
        return interruptBase + slot;
    }

    /** Plugs a device built by {@code factory} into {@code slot}, which must be empty. */
    public synchronized <D extends MmioDevice> D attach(int slot, Function<DeviceContext, D> factory) {
        checkSlot(slot);
        if (occupied[slot]) {
            throw new IllegalStateException("virtio-mmio slot " + slot + " already holds a device");
        }
        D device = factory.apply(slotContext(slot));
        slots[slot] = device;
        occupied[slot] = true;
        lineRaised[slot] = device::interruptRaised;
        List<MmioDevice> plugged = new ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            if (occupied[i]) {
                plugged.add(slots[i]);
            }
        }
        attached = plugged.toArray(MmioDevice[]::new);
        return device;
    }

    /** Plugs a virtio-blk device into {@code slot}. */
    public synchronized FakeVirtioBlkDevice attachBlockDevice(int slot, FakeBlkConfig config) {
        return attach(slot, context -> new FakeVirtioBlkDevice(config, context));
    }

    /** Plugs a virtio-blk device where QEMU would put the next one: the highest free slot. */
    public synchronized FakeVirtioBlkDevice attachBlockDevice(FakeBlkConfig config) {
        return attachBlockDevice(nextFreeSlot(), config);
    }

    /** The highest empty slot (QEMU fills slot 31 first). */
    public synchronized int nextFreeSlot() {
        for (int slot = SLOTS - 1; slot >= 0; slot--) {
            if (!occupied[slot]) {
                return slot;
            }
        }
        throw new IllegalStateException("all " + SLOTS + " virtio-mmio slots are occupied");
    }

    /**
     * Plugs a virtio-blk-pci function serving a new virtio-blk device into PCI bus 0 at {@code device}
     * (1 to 31); the first one brings up the host bridge.
     */
    public synchronized FakeVirtioBlkPciFunction attachPciBlockDevice(int device, FakeBlkConfig config) {
        if (pci == null) {
            pci = new FakePciHost();
        }
        DeviceContext context = deviceContext(FakePciHost.ECAM_BASE + ((long) device << 15), "at PCI 00:"
                + String.format("%02x", device) + ".0");
        FakeVirtioBlkPciFunction function = new FakeVirtioBlkPciFunction(new VirtioCore(config, context), context,
                pci::message);
        pci.attach(device, function);
        return function;
    }

    // ---- inspection and faults ----

    /** Every violation recorded so far, in order. */
    public synchronized List<Violation> violations() {
        return violations.all();
    }

    /** How many violations are recorded, for a check that looks at {@link #violations()} only when it grew. */
    public synchronized int violationCount() {
        return violations.count();
    }

    /** Forgets the recorded violations. */
    public synchronized void clearViolations() {
        violations.clear();
    }

    /**
     * The machine's DMA mapping: a driver opening a device with VIRTIO_F_ACCESS_PLATFORM maps its
     * rings and buffers here, and a device that negotiated the feature may reach nothing else.
     */
    @Override
    public DmaWindows dmaMapping() {
        return dmaWindows;
    }

    public VirtualClock clock() {
        return clock;
    }

    /** The fault switches of the frame allocator. */
    public AllocatorFaults allocatorFaults() {
        return frames.faults();
    }

    /** Number of frames currently allocated. */
    public synchronized int allocatedFrames() {
        return frames.allocatedFrames();
    }

    /** Guest RAM without checks or violation records: for tests and replays to prepare or inspect memory. */
    public SparseRam ram() {
        return ram;
    }

    // ---- RegisterBus ----

    @Override
    public synchronized long readRegister(long address, AccessWidth width) {
        runDueWork();
        if (pci != null && pci.claims(address)) {
            return width.truncate(pci.read(address, width));
        }
        int slot = slotOf(address, width, false);
        return slot < 0 ? 0 : width.truncate(slot(slot).read(offsetOf(address), width));
    }

    @Override
    public synchronized void writeRegister(long address, AccessWidth width, long value) {
        runDueWork();
        if (pci != null && pci.claims(address)) {
            pci.write(address, width, width.truncate(value));
            return;
        }
        int slot = slotOf(address, width, true);
        if (slot >= 0) {
            slot(slot).write(offsetOf(address), width, width.truncate(value));
        }
    }

    private int slotOf(long address, AccessWidth width, boolean write) {
        long end = MMIO_BASE + (long) SLOTS * ControlRegister.WINDOW_SIZE;
        // Within the window the offset is an int, divided in place (a long division is a call into the VM).
        int offset = address >= MMIO_BASE && address <= end - width.bytes() ? (int) (address - MMIO_BASE) : -1;
        if (offset < 0 || offset / ControlRegister.WINDOW_SIZE != (offset + width.bytes() - 1) / ControlRegister.WINDOW_SIZE) {
            violations.record(ViolationKind.REGISTER_OUTSIDE_WINDOW, address, width.bits() + "-bit register "
                    + (write ? "write" : "read") + " outside the virtio-mmio window or across two slots");
            return -1;
        }
        return offset / ControlRegister.WINDOW_SIZE;
    }

    private static int offsetOf(long address) {
        return (int) (address - MMIO_BASE) % ControlRegister.WINDOW_SIZE;
    }

    // ---- PhysicalMemory ----

    @Override
    public synchronized void readMemory(long address, byte[] destination, int offset, int length) {
        runDueWork();
        requireRam(address, length, "read");
        ram.readMemory(address, destination, offset, length);
        readWatch.afterRead(address, length);
    }

    @Override
    public synchronized void writeMemory(long address, byte[] source, int offset, int length) {
        runDueWork();
        requireRam(address, length, "write");
        if (strictDma && !frames.isAllocated(address, length)) {
            violations.record(ViolationKind.WRITE_OUTSIDE_ALLOCATION, address,
                    "driver write of " + length + " bytes to memory that is not allocated");
        }
        ram.writeMemory(address, source, offset, length);
    }

    private void requireRam(long address, long length, String what) {
        if (!ram.contains(address, length)) {
            GuestMemoryException error = new GuestMemoryException(address, length, ram);
            violations.record(ViolationKind.MEMORY_OUTSIDE_RAM, address, what + ": " + error.getMessage());
            throw error;
        }
    }

    // ---- FrameAllocator ----

    @Override
    public synchronized OptionalLong allocateFrames(int frameCount, long alignment) {
        return frames.allocateFrames(frameCount, alignment);
    }

    @Override
    public synchronized void freeFrames(long address, int frameCount) {
        frames.freeFrames(address, frameCount);
    }

    // ---- InterruptLines ----

    /**
     * Returns at once whether the line is raised. If it is not, virtual time advances to the first
     * deferred device completion inside the timeout (and the check repeats), or else by the whole
     * timeout.
     */
    @Override
    public synchronized boolean awaitInterrupt(int line, long timeoutNanos) {
        int slot = line - interruptBase;
        if (slot >= 0 && slot < SLOTS && occupied[slot]) {
            return await(lineRaised[slot], timeoutNanos);
        }
        if (pci != null && pci.lineRaised(line).isPresent()) {
            return await(() -> pci.lineRaised(line).orElseThrow(), timeoutNanos);
        }
        violations.record(ViolationKind.UNKNOWN_INTERRUPT_LINE, -1,
                "wait on interrupt line " + line + ", which no attached device drives");
        clock.advance(Math.max(0, timeoutNanos));
        return false;
    }

    /**
     * Waits for an edge on a line of the PCI host bridge's MSI frame as {@link #awaitInterrupt} waits
     * for a level, and takes it. A line no frame serves is a violation, and the wait lasts its timeout.
     */
    @Override
    public synchronized boolean awaitEdge(int line, long timeoutNanos) {
        if (pci != null && pci.edgeLatched(line).isPresent()) {
            boolean latched = await(() -> pci.edgeLatched(line).orElseThrow(), timeoutNanos);
            if (latched) {
                pci.takeEdge(line);
            }
            return latched;
        }
        violations.record(ViolationKind.UNKNOWN_INTERRUPT_LINE, -1,
                "wait for an edge on interrupt line " + line + ", which no MSI frame serves");
        clock.advance(Math.max(0, timeoutNanos));
        return false;
    }

    private boolean await(BooleanSupplier raised, long timeoutNanos) {
        long deadline = clock.now() + Math.max(0, timeoutNanos);
        runDueWork();
        while (!raised.getAsBoolean()) {
            long due = nextDueTime();
            if (due > deadline) {
                clock.advanceTo(deadline);
                return false;
            }
            clock.advanceTo(due);
            runDueWork();
        }
        return true;
    }

    // ---- MonotonicClock ----

    @Override
    public synchronized long nanoTime() {
        long now = clock.nanoTime();
        runDueWork();
        return now;
    }

    private long nextDueTime() {
        long due = Long.MAX_VALUE;
        for (MmioDevice device : attached) {
            due = Math.min(due, device.nextDueTime());
        }
        return pci == null ? due : Math.min(due, pci.nextDueTime());
    }

    private void runDueWork() {
        long now = clock.now();
        if (nextDueTime() <= now) {
            for (MmioDevice device : attached) {
                device.runDue(now);
            }
            if (pci != null) {
                pci.runDue(now);
            }
        }
    }

    private static void checkSlot(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("virtio-mmio slot must be 0 to " + (SLOTS - 1) + ": " + slot);
        }
    }

    /** The device in {@code slot}: an {@link EmptySlot}, made at the first access, where none is plugged. */
    private MmioDevice slot(int slot) {
        MmioDevice device = slots[slot];
        if (device == null) {
            device = new EmptySlot(slotContext(slot));
            slots[slot] = device;
        }
        return device;
    }

    private DeviceContext slotContext(int slot) {
        return deviceContext(slotAddress(slot), SLOT_PLACES[slot]);
    }

    private DeviceContext deviceContext(long baseAddress, String place) {
        return new MachineContext(baseAddress, place, ram, frames, strictDma, dmaWindows, violations, clock, readWatch);
    }

    /** Settings of a {@link FakePlatform}. */
    public static final class Builder {
        private long ramSize = 64L << 20;
        private long clockStepNanos = 1000;
        private int interruptBase = 16;
        private boolean strictDma = true;

        private Builder() {}

        /** Guest RAM size in bytes, a multiple of 4 KiB (default 64 MiB). */
        public Builder ramSize(long bytes) {
            this.ramSize = bytes;
            return this;
        }

        /** How far each nanoTime() call advances the clock (default 1000 ns). */
        public Builder clockStepNanos(long nanos) {
            this.clockStepNanos = nanos;
            return this;
        }

        /** Interrupt line of slot 0 (default 16, the GIC SPI base of QEMU's virt machine). */
        public Builder interruptBase(int line) {
            this.interruptBase = line;
            return this;
        }

        /** Whether writes outside allocated frames are recorded as violations (default on). */
        public Builder strictDma(boolean strict) {
            this.strictDma = strict;
            return this;
        }

        public FakePlatform build() {
            return new FakePlatform(this);
        }
    }
}
