package dev.vblk.cli;

import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A trace as a script of QEMU qtest commands, one a line, that QEMU runs itself with
 * {@code -qtest stdio < script}: the driver's side is repeated (register writes as {@code writel}...,
 * memory writes as {@code b64write}, frames zeroed with {@code memset} as the QEMU platform zeroes
 * them) and the device's side is asked again (register reads as {@code readl}..., memory reads as
 * {@code read}) so that the replies can be compared with the trace. qtest cannot assert anything:
 * every command answers {@code OK}, reads with the value now there.
 *
 * <p>Interrupt waits and clock reads have no qtest command and are left out; the device completes
 * requests in its own time, so a read of the used ring may come before the completion the trace
 * saw, and that reply then differs.
 */
final class QtestScript {

    /** One command and the trace event it came from. */
    record Line(int eventIndex, String command) {}

    private QtestScript() {}

    /** The commands for {@code events}, in order. */
    static List<Line> of(List<TraceEvent> events) {
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String command = command(events.get(i));
            if (command != null) {
                lines.add(new Line(i, command));
            }
        }
        return lines;
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
