package dev.vblk.bench;

import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A synthetic virtio-blk event stream for the trace codec benchmarks: seeded, so every run writes
 * the same events.
 */
public final class SyntheticEvents {

    private static final int QUEUE = 0x4000_0000;
    private static final long MMIO = 0x0a003e00L;

    private SyntheticEvents() {}

    /**
     * One 4 KiB read or write per operation, as the driver issues it: descriptor writes, an
     * available-ring update, a notify, interrupt and clock polls, used-ring reads and the data. Sector
     * contents are a mix of zeros, text-like data and random bytes.
     */
    public static List<TraceEvent> workload(int operations, Random random) {
        List<TraceEvent> events = new ArrayList<>();
        long clock = 1_000_000;
        for (int op = 1; op <= operations; op++) {
            boolean write = random.nextBoolean();
            long sector = random.nextInt(1 << 20) & ~7;
            byte[] data = sectorData(random);
            events.add(new TraceEvent.OperationBegin(op, write ? OperationKind.WRITE : OperationKind.READ,
                    "virtio-blk@0x0a003e00", sector, 8, write ? 0 : data.length, write ? data : new byte[0]));
            int head = (op * 3) % 256;
            for (int d = 0; d < 3; d++) {
                byte[] descriptor = new byte[16];
                long address = d == 1 ? 0x4100_0000L : QUEUE + 0x8000 + head * 16L;
                for (int i = 0; i < 8; i++) {
                    descriptor[i] = (byte) (address >>> (8 * i));
                }
                descriptor[8] = (byte) (d == 1 ? 0x00 : d == 0 ? 16 : 1);
                descriptor[9] = (byte) (d == 1 ? 0x10 : 0);
                descriptor[12] = (byte) (d < 2 ? 1 : 2);
                descriptor[14] = (byte) (head + d + 1);
                events.add(new TraceEvent.MemoryWrite(QUEUE + (head + d) * 16L, descriptor));
            }
            events.add(new TraceEvent.MemoryWrite(QUEUE + 0x1004 + (op % 256) * 2L, new byte[] {(byte) head, 0}));
            events.add(new TraceEvent.MemoryWrite(QUEUE + 0x1002, new byte[] {(byte) op, (byte) (op >> 8)}));
            events.add(new TraceEvent.RegisterWrite(MMIO + 0x50, AccessWidth.WORD, 0));
            int polls = 1 + random.nextInt(3);
            for (int p = 0; p < polls; p++) {
                events.add(new TraceEvent.ClockRead(clock += 2_000 + random.nextInt(500)));
                events.add(new TraceEvent.InterruptWait(48, 1_000_000, p == polls - 1));
            }
            events.add(new TraceEvent.RegisterRead(MMIO + 0x60, AccessWidth.WORD, 1));
            events.add(new TraceEvent.RegisterWrite(MMIO + 0x64, AccessWidth.WORD, 1));
            events.add(new TraceEvent.MemoryRead(QUEUE + 0x2002, new byte[] {(byte) op, (byte) (op >> 8)}));
            events.add(new TraceEvent.MemoryRead(QUEUE + 0x2004 + (op % 256) * 8L,
                    new byte[] {(byte) head, 0, 0, 0, (byte) (write ? 0 : 0x01), (byte) (write ? 0 : 0x10), 0, 0}));
            events.add(new TraceEvent.MemoryRead(QUEUE + 0x9000, new byte[] {0}));
            if (!write) {
                events.add(new TraceEvent.MemoryRead(0x4100_0000L, data));
            }
            events.add(new TraceEvent.OperationEnd(op, OperationOutcome.Succeeded.ofData(write ? new byte[0] : data)));
        }
        return events;
    }

    private static byte[] sectorData(Random random) {
        byte[] data = new byte[4096];
        int kind = random.nextInt(4);
        if (kind == 1 || kind == 2) {
            byte[] words = "the quick brown fox jumps over the lazy dog; virtio-blk sector data 0123456789\n"
                    .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < data.length; i++) {
                data[i] = random.nextInt(16) == 0 ? (byte) ('a' + random.nextInt(26)) : words[(i * 7 + kind) % words.length];
            }
        } else if (kind == 3) {
            random.nextBytes(data);
        } else {
            Arrays.fill(data, (byte) 0);
        }
        return data;
    }
}
