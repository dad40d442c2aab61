package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.pci.VirtioPciLayout;
import dev.vblk.virtio.spec.PciCommonConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A trace's virtio-pci functions seen as virtio-mmio devices, so that {@link DeviceProfile} and
 * {@link RequestReconstructor} read them unchanged: each access to a function's common configuration,
 * notify, ISR or device configuration structure becomes the virtio-mmio register access it stands
 * for, in a window of its own ({@link #WINDOW}) whose slot {@code d} is bus 0's device {@code d}. The
 * structures are found as the driver found them: from the configuration space the trace read through
 * ECAM (capabilities resolved by the driver's own {@link VirtioPciLayout}) and the BAR addresses it
 * wrote. Memory, frame and operation events are kept; every other register access is dropped.
 *
 * <p>The structures are found in one pass over the trace ({@link #of}); the translation itself is
 * made as the events of a later pass go by ({@link #translate}), so no translated trace is kept.
 */
final class PciTraceTranslation {

    /** Offset of the high half of a le64 ring address in the common configuration. */
    private static final int HIGH_HALF = 4;

    /** The window the translated devices sit in: slot {@code d} for PCI device {@code d}. */
    static final MmioWindow WINDOW = new MmioWindow(0, MmioRegister.CONFIG_SPACE_OFFSET * 2, 32, 0);

    private final SortedMap<Integer, PciAddress> functions = new TreeMap<>();
    private final Map<Integer, Structures> layouts = new HashMap<>();

    private PciTraceTranslation() {}

    /** The translation of the trace of {@code events}, recorded on a board whose PCI bus 0 behind {@code host} was scanned. */
    static PciTraceTranslation of(Iterable<TraceEvent> events, PciHostBridge host) {
        PciTraceTranslation translation = new PciTraceTranslation();
        for (Map.Entry<PciAddress, RecordedPciFunction> entry : RecordedPciFunction.fromTrace(events, host).entrySet()) {
            entry.getValue().layout(entry.getKey(), host).ifPresent(layout -> {
                translation.layouts.put(entry.getKey().device(), new Structures(layout));
                translation.functions.put(entry.getKey().device(), entry.getKey());
            });
        }
        return translation;
    }

    /**
     * The translated events of a pass over the same trace, as they are read: first the identity reads
     * of each function, then each event translated (register accesses) or kept (the others).
     */
    Iterator<TraceEvent> translate(Iterator<TraceEvent> events) {
        List<TraceEvent> identities = new ArrayList<>();
        layouts.keySet().forEach(device -> identities.addAll(identity(device)));
        return new Iterator<>() {
            private final ArrayDeque<TraceEvent> ready = new ArrayDeque<>(identities);

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && events.hasNext()) {
                    TraceEvent event = events.next();
                    if (event instanceof TraceEvent.RegisterRead || event instanceof TraceEvent.RegisterWrite) {
                        layouts.forEach((device, layout) -> layout.translate(event, slotBase(device)).ifPresent(ready::add));
                    } else {
                        ready.add(event);
                    }
                }
                return !ready.isEmpty();
            }

            @Override
            public TraceEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /** The virtio block functions found, by device number (their slot in {@link #WINDOW}). */
    SortedMap<Integer, PciAddress> functions() {
        return functions;
    }

    /** What a virtio-mmio identity check would have read from the function: a modern block device. */
    private static List<TraceEvent> identity(int device) {
        long base = slotBase(device);
        return List.of(new TraceEvent.RegisterRead(base + MmioRegister.MAGIC_VALUE.offset(), AccessWidth.WORD, MmioRegister.MAGIC),
                new TraceEvent.RegisterRead(base + MmioRegister.VERSION.offset(), AccessWidth.WORD,
                        MmioRegister.MODERN_VERSION),
                new TraceEvent.RegisterRead(base + MmioRegister.DEVICE_ID.offset(), AccessWidth.WORD,
                        VirtioBlkDevice.DEVICE_TYPE));
    }

    private static long slotBase(int device) {
        return WINDOW.slot(device).baseAddress();
    }

    /** A virtio-mmio register offset and the width of the access to it. */
    private record Register(int offset, AccessWidth width) {}

    /** A function's structures in physical memory, and how their accesses map to virtio-mmio registers. */
    private record Structures(VirtioPciLayout layout) {

        Optional<TraceEvent> translate(TraceEvent event, long base) {
            if (event instanceof TraceEvent.RegisterWrite write) {
                return register(write.address(), write.width(), true)
                        .map(to -> new TraceEvent.RegisterWrite(base + to.offset(), to.width(), write.value()));
            }
            if (event instanceof TraceEvent.RegisterRead read) {
                return register(read.address(), read.width(), false)
                        .map(to -> new TraceEvent.RegisterRead(base + to.offset(), to.width(), read.value()));
            }
            return Optional.empty();
        }

        /** The virtio-mmio register an access at {@code address} stands for, if it reaches a structure field. */
        private Optional<Register> register(long address, AccessWidth width, boolean write) {
            if (inside(layout.common(), address)) {
                return common((int) (address - layout.common().address()), write)
                        .map(offset -> new Register(offset, AccessWidth.WORD));
            }
            if (inside(layout.notifications(), address) && write) {
                return Optional.of(new Register(MmioRegister.QUEUE_NOTIFY.offset(), AccessWidth.WORD));
            }
            if (inside(layout.isr(), address) && !write) {
                return Optional.of(new Register(MmioRegister.INTERRUPT_STATUS.offset(), AccessWidth.WORD));
            }
            return layout.device().filter(device -> inside(device, address)).map(device -> new Register(
                    MmioRegister.CONFIG_SPACE_OFFSET + (int) (address - device.address()), width));
        }

        private static boolean inside(VirtioPciLayout.Region region, long address) {
            return address >= region.address() && address - region.address() < region.length();
        }

        /**
         * The virtio-mmio register (section 4.2.2) a common configuration field stands for, the fields
         * at the driver's offsets ({@link PciCommonConfig}, section 4.1.4.3).
         */
        private static Optional<Integer> common(int offset, boolean write) {
            MmioRegister register = switch (offset) {
                case PciCommonConfig.DEVICE_FEATURE_SELECT -> MmioRegister.DEVICE_FEATURES_SEL;
                case PciCommonConfig.DEVICE_FEATURE -> MmioRegister.DEVICE_FEATURES;
                case PciCommonConfig.DRIVER_FEATURE_SELECT -> MmioRegister.DRIVER_FEATURES_SEL;
                case PciCommonConfig.DRIVER_FEATURE -> MmioRegister.DRIVER_FEATURES;
                case PciCommonConfig.DEVICE_STATUS -> MmioRegister.STATUS;
                case PciCommonConfig.CONFIG_GENERATION -> MmioRegister.CONFIG_GENERATION;
                case PciCommonConfig.QUEUE_SELECT -> MmioRegister.QUEUE_SEL;
                case PciCommonConfig.QUEUE_SIZE -> write ? MmioRegister.QUEUE_NUM : MmioRegister.QUEUE_NUM_MAX;
                case PciCommonConfig.QUEUE_ENABLE -> MmioRegister.QUEUE_READY;
                case PciCommonConfig.QUEUE_DESC -> MmioRegister.QUEUE_DESC_LOW;
                case PciCommonConfig.QUEUE_DESC + HIGH_HALF -> MmioRegister.QUEUE_DESC_HIGH;
                case PciCommonConfig.QUEUE_DRIVER -> MmioRegister.QUEUE_DRIVER_LOW;
                case PciCommonConfig.QUEUE_DRIVER + HIGH_HALF -> MmioRegister.QUEUE_DRIVER_HIGH;
                case PciCommonConfig.QUEUE_DEVICE -> MmioRegister.QUEUE_DEVICE_LOW;
                case PciCommonConfig.QUEUE_DEVICE + HIGH_HALF -> MmioRegister.QUEUE_DEVICE_HIGH;
                case PciCommonConfig.QUEUE_RESET -> MmioRegister.QUEUE_RESET;
                default -> null;
            };
            return Optional.ofNullable(register).map(MmioRegister::offset);
        }
    }
}
