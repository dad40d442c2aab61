package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.platform.AccessWidth;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The register history that compact register entries are written against, kept alike by writer and reader. */
class RegisterHistoryTest {

    private record Register(long address, AccessWidth width) {}

    @Test
    void aReaderFollowingTheWriterGetsBackEveryAccessAndEachRegisterKeepsItsOwnLastValue() {
        long[] extremes = {0, 1, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x3fff_ffff_ffff_ffffL, 0xc000_0000_0000_0000L,
            0x0a00_0000L, 0x0a00_0070L};
        List<AccessWidth> widths = List.of(AccessWidth.values());
        Random random = new Random(26);
        RegisterHistory writer = new RegisterHistory();
        RegisterHistory reader = new RegisterHistory();
        Map<Register, Long> last = new HashMap<>();
        for (int i = 0; i < 20_000; i++) {
            long address = random.nextInt(4) == 0 ? extremes[random.nextInt(extremes.length)]
                    : 0x0a00_0000L + 0x200L * random.nextInt(32) + 4L * random.nextInt(64);
            AccessWidth width = widths.get(random.nextInt(widths.size()));
            long value = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(8);
            Register register = new Register(address, width);
            long expectedBefore = last.getOrDefault(register, 0L);
            last.put(register, value);
            if (writer.compact(address)) {
                long[] entry = writer.write(address, width, value);
                assertEquals(expectedBefore, value ^ entry[1], "the stored value is the exclusive-or with the last one");
                boolean write = random.nextBoolean();
                TraceEvent expected = write ? new TraceEvent.RegisterWrite(address, width, value)
                        : new TraceEvent.RegisterRead(address, width, value);
                assertEquals(expected, reader.read(entry[0], entry[1], write), "access " + i);
            } else {
                assertEquals(expectedBefore, writer.note(address, width, value), "access " + i);
                assertEquals(expectedBefore, reader.note(address, width, value), "access " + i);
            }
        }
    }
}
