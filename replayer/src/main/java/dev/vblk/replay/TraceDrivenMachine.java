package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.mmio.MmioRegister;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A fake machine whose devices answer as a trace's devices did: each slot the trace shows a
 * virtio-blk device in gets a {@link FakeVirtioBlkDevice} with the recorded identity, offered
 * features, QueueNumMax and configuration values, whose requests are answered from the trace's
 * {@link RequestReconstructor reconstructed requests}; other occupied slots answer their recorded
 * identity only; each virtio-blk-pci function the trace shows (on a board with a PCI host bridge) gets
 * a fake virtio-blk-pci function at the same device number, built the same way. The driver runs on it freely (it may poll, order its setup or split its work
 * differently) and diverges only where it asks for a request the trace cannot answer.
 */
public final class TraceDrivenMachine {

    /** Guest RAM of the machine when the trace needs no more. */
    static final long DEFAULT_RAM_BYTES = 64L << 20;

    private final FakePlatform platform;
    private final SortedMap<Integer, FakeVirtioBlkDevice> devices = new TreeMap<>();
    private final List<RecordedAnswers> answers = new ArrayList<>();
    private final List<ReconstructedRequest> requests;
    private ReplayDivergence divergence;
    private Supplier<String> operation = () -> "";
    private Supplier<List<String>> context = List::of;

    private TraceDrivenMachine(List<TraceEvent> events, MmioWindow window, Optional<PciHostBridge> pci, long ramBytes,
            boolean strictDma) {
        if (window.baseAddress() != FakePlatform.MMIO_BASE || window.slotSize() != MmioRegister.WINDOW_SIZE
                || window.slotCount() > FakePlatform.SLOTS) {
            throw new UnreplayableTraceException(String.format(
                    "the trace's MMIO window (0x%x, %d slots of 0x%x) is not the fake machine's (0x%x, %d slots of 0x%x)",
                    window.baseAddress(), window.slotCount(), window.slotSize(), FakePlatform.MMIO_BASE,
                    FakePlatform.SLOTS, MmioRegister.WINDOW_SIZE));
        }
        this.platform = FakePlatform.builder().ramSize(ramBytes).interruptBase(window.firstInterruptLine())
                .strictDma(strictDma).build();
        List<ReconstructedRequest> reconstructed = new ArrayList<>(RequestReconstructor.reconstruct(events, window));
        for (DeviceProfile profile : DeviceProfile.fromTrace(events, window).values()) {
            int slot = profile.slot();
            if (profile.isBlockDevice()) {
                List<ReconstructedRequest> mine = reconstructed.stream().filter(r -> r.slot() == slot).toList();
                RecordedAnswers hook = new RecordedAnswers(slot, mine, this::diverge);
                answers.add(hook);
                FakeVirtioBlkDevice device;
                try {
                    device = platform.attachBlockDevice(slot, profile.toFakeConfig(hook));
                } catch (IllegalArgumentException e) {
                    throw new UnreplayableTraceException("the device in slot " + slot + " cannot be rebuilt: "
                            + e.getMessage(), e);
                }
                long vendor = profile.identity().getOrDefault(MmioRegister.VENDOR_ID.offset(), (long) MmioRegister.QEMU_VENDOR);
                if (vendor != MmioRegister.QEMU_VENDOR) {
                    device.faults().overrideRegister(MmioRegister.VENDOR_ID.offset(), vendor);
                }
                devices.put(slot, device);
            } else if (profile.isOccupied()) {
                platform.attach(slot, context -> new IdentityOnlyDevice(profile.identity()));
            }
        }
        pci.ifPresent(host -> reconstructed.addAll(attachPciFunctions(events, host)));
        this.requests = List.copyOf(reconstructed);
    }

    /**
     * Gives each virtio-blk-pci function the trace shows a fake function at the same device number,
     * answering from the requests made through it (found in the trace translated to virtio-mmio terms).
     *
     * @return those requests
     */
    private List<ReconstructedRequest> attachPciFunctions(List<TraceEvent> events, PciHostBridge host) {
        PciTraceTranslation translation = PciTraceTranslation.of(events, host);
        List<ReconstructedRequest> pciRequests = RequestReconstructor.reconstruct(translation.events(),
                PciTraceTranslation.WINDOW);
        SortedMap<Integer, DeviceProfile> profiles = DeviceProfile.fromTrace(translation.events(), PciTraceTranslation.WINDOW);
        for (Map.Entry<Integer, PciAddress> function : translation.functions().entrySet()) {
            int device = function.getKey();
            List<ReconstructedRequest> mine = pciRequests.stream().filter(r -> r.slot() == device).toList();
            RecordedAnswers hook = new RecordedAnswers(device, mine, this::diverge);
            answers.add(hook);
            try {
                platform.attachPciBlockDevice(device, profiles.get(device).toFakeConfig(hook));
            } catch (IllegalArgumentException e) {
                throw new UnreplayableTraceException("the virtio-pci function at " + function.getValue()
                        + " cannot be rebuilt: " + e.getMessage(), e);
            }
        }
        return pciRequests;
    }

    /** A machine for {@code events}, recorded on a board with {@code window}. */
    public static TraceDrivenMachine fromTrace(List<TraceEvent> events, MmioWindow window) {
        return fromTrace(events, window, Optional.empty());
    }

    /** A machine for {@code events}, recorded on a board with {@code window} and PCI bus 0 behind {@code pci}. */
    public static TraceDrivenMachine fromTrace(List<TraceEvent> events, MmioWindow window, Optional<PciHostBridge> pci) {
        return new TraceDrivenMachine(events, window, pci, DEFAULT_RAM_BYTES, true);
    }

    /**
     * A machine whose RAM also holds every frame the trace allocated, so recorded addresses can be
     * used on it, and whose DMA checks are off (its own allocator does not know those frames).
     */
    static TraceDrivenMachine forBranching(List<TraceEvent> events, MmioWindow window) {
        long end = FakePlatform.RAM_BASE + DEFAULT_RAM_BYTES;
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.FrameAllocation allocation && allocation.address().isPresent()) {
                long address = allocation.address().getAsLong();
                if (address < FakePlatform.RAM_BASE) {
                    throw new UnreplayableTraceException(String.format(
                            "the trace allocated frames at 0x%x, below the fake machine's RAM at 0x%x",
                            address, FakePlatform.RAM_BASE));
                }
                end = Math.max(end, address + (long) allocation.frameCount() * FrameAllocator.FRAME_SIZE);
            }
        }
        long bytes = (end - FakePlatform.RAM_BASE + 0xfff) & ~0xfffL;
        return new TraceDrivenMachine(events, window, Optional.empty(), bytes, false);
    }

    /** The fake machine. */
    public FakePlatform platform() {
        return platform;
    }

    /** The trace-driven block devices, by slot. */
    public SortedMap<Integer, FakeVirtioBlkDevice> devices() {
        return Collections.unmodifiableSortedMap(devices);
    }

    /** The requests the devices answer from. */
    public List<ReconstructedRequest> requests() {
        return requests;
    }

    /** Requests answered from the trace so far. */
    public int requestsAnswered() {
        return answers.stream().mapToInt(RecordedAnswers::answered).sum();
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
