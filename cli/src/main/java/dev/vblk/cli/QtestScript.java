package dev.vblk.cli;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * A trace as a script of QEMU qtest commands, one a line, that QEMU runs itself with
 * {@code -qtest stdio < script}: the driver's side is repeated (register writes as {@code writel}...,
 * memory writes as {@code b64write}, frames zeroed with {@code memset} as the QEMU platform zeroes
 * them) and the device's side is asked again (register reads as {@code readl}..., memory reads as
 * {@code read}) so that the replies can be compared with the trace. qtest cannot assert anything:
 * every command answers {@code OK}, reads with the value now there.
 *
 * <p>Interrupt waits and clock reads have no qtest command and are left out. QEMU completes a request
 * on its I/O thread while it goes on reading the script, so after each QueueNotify write the script
 * repeats the driver's next memory read (its first poll of the used ring) {@code settle} times: these
 * settle reads give the device time to finish, so that the driver's own polls then see what the
 * trace saw. Their replies are not part of the comparison. The driver's memory writes between a
 * QueueNotify write and that poll (the used ring's {@code used_event} index) go before the
 * QueueNotify write: the device reads that index when it completes the request, to decide whether
 * to interrupt, and a script line arrives too late for a request QEMU completes at once.
 */
final class QtestScript {

    /**
     * One command and the trace event it came from.
     *
     * @param eventIndex the event's index in the trace
     * @param settle whether this is a settle read added after a QueueNotify write, not the event itself
     */
    record Line(int eventIndex, String command, boolean settle) {}

    /** Settle reads after each QueueNotify write unless told otherwise. */
    static final int DEFAULT_SETTLE = 500;

    private final MmioWindow window;
    private final int settle;
    private final Consumer<Line> sink;
    /** QueueNotify writes since the last memory read: each gets its settle reads before the next one. */
    private int notifies;
    /** QueueNotify writes held until the driver's memory writes after them are out (see the class comment). */
    private final List<Line> heldNotifies = new ArrayList<>();
    private int eventIndex;

    /**
     * A script written line by line to {@code sink} as the trace's events arrive.
     *
     * @param window the MMIO window, to know QueueNotify registers
     * @param settle settle reads after each QueueNotify write
     */
    QtestScript(MmioWindow window, int settle, Consumer<Line> sink) {
        this.window = window;
        this.settle = settle;
        this.sink = sink;
    }

    /** The commands for {@code events}, in order. */
    static List<Line> of(List<TraceEvent> events, MmioWindow window, int settle) {
        List<Line> lines = new ArrayList<>();
        QtestScript script = new QtestScript(window, settle, lines::add);
        events.forEach(script::accept);
        script.finish();
        return lines;
    }

    /** Takes the trace's next event. */
    void accept(TraceEvent event) {
        int index = eventIndex++;
        String command = command(event);
        if (!(event instanceof TraceEvent.MemoryWrite) && command != null) {
            heldNotifies.forEach(sink);
            heldNotifies.clear();
        }
        if (event instanceof TraceEvent.MemoryRead) {
            for (long k = 0; k < (long) settle * notifies; k++) {
                sink.accept(new Line(index, command, true));
            }
            notifies = 0;
        }
        if (command == null) {
            return;
        }
        Line line = new Line(index, command, false);
        if (isQueueNotify(event, window)) {
            notifies++;
            heldNotifies.add(line);
        } else {
            sink.accept(line);
        }
    }

    /** Ends the trace: a QueueNotify write still held is written. */
    void finish() {
        heldNotifies.forEach(sink);
        heldNotifies.clear();
    }

    private static boolean isQueueNotify(TraceEvent event, MmioWindow window) {
        return event instanceof TraceEvent.RegisterWrite write && write.address() >= window.baseAddress()
                && write.address() < window.endAddress()
                && (write.address() - window.baseAddress()) % window.slotSize()
                        == dev.vblk.virtio.MmioRegister.QUEUE_NOTIFY.offset();
    }

    private static String command(TraceEvent event) {
        if (event instanceof TraceEvent.RegisterRead read) {
            return String.format("read%s 0x%x", suffix(read.width()), read.address());
        } else if (event instanceof TraceEvent.RegisterWrite write) {
            return String.format("write%s 0x%x 0x%x", suffix(write.width()), write.address(), write.value());
        } else if (event instanceof TraceEvent.MemoryRead read) {
            return String.format("read 0x%x 0x%x", read.address(), read.length());
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            return String.format("b64write 0x%x 0x%x %s", write.address(), write.length(),
                    Base64.getEncoder().encodeToString(write.data()));
        } else if (event instanceof TraceEvent.FrameAllocation alloc && alloc.address().isPresent()) {
            return String.format("memset 0x%x 0x%x 0x00", alloc.address().getAsLong(), (long) alloc.frameCount() * dev.vblk.platform.FrameAllocator.FRAME_SIZE);
        }
        return null;
    }

    private static String suffix(AccessWidth width) {
        return switch (width.bits()) {
            case 8 -> "b";
            case 16 -> "w";
            case 32 -> "l";
            default -> "q";
        };
    }
}
