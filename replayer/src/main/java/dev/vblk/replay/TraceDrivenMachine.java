package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A fake machine whose devices answer as a trace's devices did: each slot the trace shows a
 * virtio-blk device in gets a {@link FakeVirtioBlkDevice} with the recorded identity, offered
 * features, QueueNumMax and configuration values, whose requests are answered from the trace's
 * {@link RequestReconstructor reconstructed requests}; other occupied slots answer their recorded
 * identity only; each virtio-blk-pci function the trace shows (on a board with a PCI host bridge) gets
 * a fake virtio-blk-pci function at the same device number, built the same way. The driver runs on it freely (it may poll, order its setup or split its work
 * differently) and diverges only where it asks for a request the trace cannot answer. The devices
 * complete requests in the order the recorded devices completed them ({@link RecordedAnswers}).
 *
 * <p>The trace is read in passes: one for the device profiles (and one for the PCI functions), then
 * one per window of devices that feeds them the recorded requests as the driver's requests need them
 * ({@link RequestFeed}). Close the machine to end those passes.
 */
public final class TraceDrivenMachine implements AutoCloseable {

    /** Guest RAM of the machine when the trace needs no more. */
    static final long DEFAULT_RAM_BYTES = 64L << 20;

    private final FakePlatform platform;
    private final SortedMap<Integer, FakeVirtioBlkDevice> devices = new TreeMap<>();
    private final List<RecordedAnswers> answers = new ArrayList<>();
    private final List<RequestFeed> feeds = new ArrayList<>();
    private ReplayDivergence divergence;
    private Supplier<String> operation = () -> "";
    private Supplier<List<String>> context = List::of;

    /**
     * @param ramBytes the least guest RAM the machine has
     * @param memoryPerDevice guest RAM each device's driver may take; the machine has at least this
     *     much for every block device and PCI function the trace shows
     */
    private TraceDrivenMachine(Supplier<TraceSource.Pass> source, MmioWindow window, Optional<PciHostBridge> pci, long ramBytes,
            long memoryPerDevice, boolean strictDma) {
        if (window.baseAddress() != FakePlatform.MMIO_BASE || window.slotSize() != ControlRegister.WINDOW_SIZE
                || window.slotCount() > FakePlatform.SLOTS) {
            throw new UnreplayableTraceException(String.format(
                    "the trace's MMIO window (0x%x, %d slots of 0x%x) is not the fake machine's (0x%x, %d slots of 0x%x)",
                    window.baseAddress(), window.slotCount(), window.slotSize(), FakePlatform.MMIO_BASE,
                    FakePlatform.SLOTS, ControlRegister.WINDOW_SIZE));
        }
        SortedMap<Integer, DeviceProfile> profiles;
        try (TraceSource.Pass pass = source.get()) {
            profiles = DeviceProfile.fromTrace(() -> pass, window);
        }
        Optional<PciTraceTranslation> translation = pci.map(host -> {
            try (TraceSource.Pass pass = source.get()) {
                return PciTraceTranslation.of(() -> pass, host);
            }
        });
        long deviceCount = profiles.values().stream().filter(DeviceProfile::isBlockDevice).count()
                + translation.map(functions -> functions.functions().size()).orElse(0);
        long ram = dev.vblk.virtio.blk.GuestRam.bytes(ramBytes, deviceCount, memoryPerDevice);
        this.platform = FakePlatform.builder().ramSize(ram).interruptBase(window.firstInterruptLine())
                .strictDma(strictDma).build();
        RequestFeed mmio = new RequestFeed(source, UnaryOperator.identity(), window);
        feeds.add(mmio);
        for (DeviceProfile profile : profiles.values()) {
            int slot = profile.slot();
            if (profile.isBlockDevice()) {
                RecordedAnswers hook = new RecordedAnswers(slot, mmio, platform.clock()::now, this::diverge);
                answers.add(hook);
                FakeVirtioBlkDevice device;
                try {
                    device = platform.attachBlockDevice(slot, profile.toFakeConfig(hook));
                } catch (IllegalArgumentException e) {
                    throw new UnreplayableTraceException("the device in slot " + slot + " cannot be rebuilt: "
                            + e.getMessage(), e);
                }
                long vendor = profile.identity().getOrDefault(ControlRegister.VENDOR_ID.offset(), (long) ControlRegister.QEMU_VENDOR);
                if (vendor != ControlRegister.QEMU_VENDOR) {
                    device.faults().overrideRegister(ControlRegister.VENDOR_ID.offset(), vendor);
                }
                devices.put(slot, device);
            } else if (profile.isOccupied()) {
                platform.attach(slot, context -> new IdentityOnlyDevice(profile.identity()));
            }
        }
        translation.ifPresent(functions -> attachPciFunctions(source, functions));
    }

    /**
     * Gives each virtio-blk-pci function the trace shows a fake function at the same device number,
     * answering from the requests made through it (found in the trace translated to virtio-mmio terms).
     */
    private void attachPciFunctions(Supplier<TraceSource.Pass> source, PciTraceTranslation translation) {
        SortedMap<Integer, DeviceProfile> profiles;
        try (TraceSource.Pass pass = source.get()) {
            Iterator<TraceEvent> translated = translation.translate(pass);
            profiles = DeviceProfile.fromTrace(() -> translated, PciTraceTranslation.WINDOW);
        }
        RequestFeed functions = new RequestFeed(source, translation::translate, PciTraceTranslation.WINDOW);
        feeds.add(functions);
        for (Map.Entry<Integer, PciAddress> function : translation.functions().entrySet()) {
            int device = function.getKey();
            RecordedAnswers hook = new RecordedAnswers(device, functions, platform.clock()::now, this::diverge);
            answers.add(hook);
            try {
                platform.attachPciBlockDevice(device, profiles.get(device).toFakeConfig(hook));
            } catch (IllegalArgumentException e) {
                throw new UnreplayableTraceException("the virtio-pci function at " + function.getValue()
                        + " cannot be rebuilt: " + e.getMessage(), e);
            }
        }
    }

    /** A machine for {@code events}, recorded on a board with {@code window}. */
    public static TraceDrivenMachine fromTrace(List<TraceEvent> events, MmioWindow window) {
        List<TraceEvent> copy = List.copyOf(events);
        return new TraceDrivenMachine(() -> TraceSource.Pass.over(copy, true), window, Optional.empty(), DEFAULT_RAM_BYTES, 0,
                true);
    }

    /**
     * A machine for the trace {@code source}, recorded on a board with {@code window} and PCI bus 0
     * behind {@code pci}, with guest RAM for every device's driver to take {@code memoryPerDevice}
     * ({@link dev.vblk.virtio.blk.DriverOptions#guestMemoryPerDevice()}).
     */
    static TraceDrivenMachine fromTrace(TraceSource source, MmioWindow window, Optional<PciHostBridge> pci,
            long memoryPerDevice) {
        return new TraceDrivenMachine(source::open, window, pci, DEFAULT_RAM_BYTES, memoryPerDevice, true);
    }

    /**
     * A machine whose RAM also holds every frame the trace allocated, so recorded addresses can be
     * used on it, and whose DMA checks are off (its own allocator does not know those frames).
     */
    static TraceDrivenMachine forBranching(TraceSource source, MmioWindow window) {
        long end = FakePlatform.RAM_BASE + DEFAULT_RAM_BYTES;
        try (TraceSource.Pass pass = source.open()) {
            while (pass.hasNext()) {
                if (pass.next() instanceof TraceEvent.FrameAllocation allocation && allocation.address().isPresent()) {
                    long address = allocation.address().getAsLong();
                    if (address < FakePlatform.RAM_BASE) {
                        throw new UnreplayableTraceException(String.format(
                                "the trace allocated frames at 0x%x, below the fake machine's RAM at 0x%x",
                                address, FakePlatform.RAM_BASE));
                    }
                    end = Math.max(end, address + (long) allocation.frameCount() * FrameAllocator.FRAME_SIZE);
                }
            }
        }
        long bytes = (end - FakePlatform.RAM_BASE + 0xfff) & ~0xfffL;
        return new TraceDrivenMachine(source::open, window, Optional.empty(), bytes, 0, false);
    }

    /** The fake machine. */
    public FakePlatform platform() {
        return platform;
    }

    /** The trace-driven block devices, by slot. */
    public SortedMap<Integer, FakeVirtioBlkDevice> devices() {
        return Collections.unmodifiableSortedMap(devices);
    }

    /** How many requests the trace records: the rest of the trace is read for it (without keeping them). */
    public int requestsInTrace() {
        return feeds.stream().mapToInt(RequestFeed::total).sum();
    }

    /** Requests answered from the trace so far. */
    public int requestsAnswered() {
        return answers.stream().mapToInt(RecordedAnswers::answered).sum();
    }

    /** A replay's note of the requests answered from the trace so far, and how many out of the recorded order. */
    String answeredNote() {
        int outOfOrder = requestsOutOfOrder();
        return "answered " + requestsAnswered() + " of " + requestsInTrace() + " recorded request(s) from the trace"
                + (outOfOrder > 0 ? ", " + outOfOrder + " out of the recorded completion order" : "");
    }

    /** Requests answered out of the recorded completion order: the driver had not handed over earlier ones. */
    public int requestsOutOfOrder() {
        return answers.stream().mapToInt(RecordedAnswers::outOfOrder).sum();
    }

    /** Ends the passes over the trace that feed the devices. */
    @Override
    public void close() {
        feeds.forEach(RequestFeed::close);
    }

    /** The first request the trace could not answer, if there was one. */
    public Optional<ReplayDivergence> divergence() {
        return Optional.ofNullable(divergence);
    }

    /** Where reports get the operation in flight and the calls before a divergence. */
    void describeWith(Supplier<String> operationInFlight, Supplier<List<String>> recentCalls) {
        this.operation = operationInFlight;
        this.context = recentCalls;
    }

    private ReplayDivergence diverge(String[] parts) {
        if (divergence == null) {
            divergence = new ReplayDivergence(new DivergenceReport("", "relaxed", OptionalLong.empty(), parts[0],
                    parts[1], parts[2], operation.get(), context.get()));
        }
        return divergence;
    }
}
