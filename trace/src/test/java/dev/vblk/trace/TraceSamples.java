package dev.vblk.trace;

import dev.vblk.block.ErrorKind;
import dev.vblk.platform.AccessWidth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Metadata and event generators shared by the trace tests. */
final class TraceSamples {

    private TraceSamples() {}

    static TraceMetadata metadata() {
        return TraceMetadata.of(
                Instant.parse("2026-11-25T10:15:30Z"),
                Map.of("kind", "qemu", "qemu.version", "7.2.0", "qemu.command", "qemu-system-aarch64 -M virt -qtest stdio"),
                List.of(new TraceMetadata.DiskImage("disk0.qcow2", 1 << 20, "ab".repeat(32))),
                "write then read back 8 sectors",
                OptionalLong.of(42),
                Map.of("mmio.base", "0x0a000000", "mmio.stride", "0x200", "mmio.count", "32"));
    }

    static Arbitrary<TraceEvent> events() {
        Arbitrary<Long> longs = Arbitraries.longs();
        Arbitrary<Integer> ints = Arbitraries.integers();
        Arbitrary<AccessWidth> widths = Arbitraries.of(AccessWidth.class);
        Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40);
        Arbitrary<OperationOutcome> outcomes = Arbitraries.oneOf(
                bytes.map(OperationOutcome.Succeeded::ofData),
                Combinators.combine(Arbitraries.of(ErrorKind.class).map(Enum::name), text)
                        .as(OperationOutcome.Failed::new));
        return Arbitraries.oneOf(
                Combinators.combine(longs, widths, longs).as(TraceEvent.RegisterRead::new),
                Combinators.combine(longs, widths, longs).as(TraceEvent.RegisterWrite::new),
                Combinators.combine(longs, bytes).as(TraceEvent.MemoryRead::new),
                Combinators.combine(longs, bytes).as(TraceEvent.MemoryWrite::new),
                Combinators.combine(ints, longs, longs.injectNull(0.3))
                        .as((count, alignment, address) -> new TraceEvent.FrameAllocation(count, alignment,
                                address == null ? OptionalLong.empty() : OptionalLong.of(address))),
                Combinators.combine(longs, ints).as(TraceEvent.FrameFree::new),
                Combinators.combine(ints, longs, Arbitraries.of(true, false)).as(TraceEvent.InterruptWait::new),
                longs.map(TraceEvent.ClockRead::new),
                Combinators.combine(longs, Arbitraries.of(OperationKind.class), text, longs, longs, ints, bytes)
                        .as(TraceEvent.OperationBegin::new),
                Combinators.combine(longs, outcomes).as(TraceEvent.OperationEnd::new));
    }

    /** A small deterministic workload: register polls, ring traffic and a few operations. */
    static List<TraceEvent> smallWorkload(int operations) {
        java.util.ArrayList<TraceEvent> events = new java.util.ArrayList<>();
        long clock = 1_000;
        for (int op = 1; op <= operations; op++) {
            byte[] payload = new byte[512];
            java.util.Arrays.fill(payload, (byte) op);
            events.add(new TraceEvent.OperationBegin(op, OperationKind.WRITE, "virtio-blk@0x0a003e00", op * 8L, 1, 0, payload));
            events.add(new TraceEvent.RegisterRead(0x0a003e70, AccessWidth.WORD, 0xf));
            events.add(new TraceEvent.MemoryWrite(0x4000_0000L + op * 16, new byte[] {1, 2, 3, (byte) op}));
            events.add(new TraceEvent.RegisterWrite(0x0a003e50, AccessWidth.WORD, 0));
            events.add(new TraceEvent.ClockRead(clock += 250));
            events.add(new TraceEvent.InterruptWait(48, 1_000_000, true));
            events.add(new TraceEvent.MemoryRead(0x4000_2000L, new byte[] {0, 0, (byte) op, 0}));
            events.add(new TraceEvent.OperationEnd(op, OperationOutcome.Succeeded.ofNothing()));
        }
        return events;
    }
}
