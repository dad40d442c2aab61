package dev.vblk.fake.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadWatchTest {

    @Test
    void aWatchFiresOnceOnTheFirstOverlappingRead() {
        ReadWatch watch = new ReadWatch();
        List<String> fired = new ArrayList<>();
        watch.add(0x1002, 2, () -> fired.add("index"));
        watch.add(0x2000, 4, () -> fired.add("other"));
        watch.afterRead(0x1000, 2);
        assertEquals(List.of(), fired, "a read beside the range");
        watch.afterRead(0x1003, 8);
        assertEquals(List.of("index"), fired, "a read overlapping the range's last byte");
        watch.afterRead(0x1002, 2);
        assertEquals(List.of("index"), fired, "gone once fired");
        watch.afterRead(0x1f00, 0x101);
        assertEquals(List.of("index", "other"), fired);
    }
}
