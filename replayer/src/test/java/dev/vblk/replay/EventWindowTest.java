package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The window of a pass's events a replay may still look at: read on demand, dropped behind the replay. */
class EventWindowTest {

    private static List<TraceEvent> clockReads(int count) {
        List<TraceEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(new TraceEvent.ClockRead(i));
        }
        return events;
    }

    @Test
    void aWindowLargerThanItsFirstRingKeepsEveryEventInPlace() {
        List<TraceEvent> events = clockReads(5_000);
        try (EventWindow window = new EventWindow(TraceSource.Pass.over(events, true), MmioWindow.QEMU_VIRT)) {
            window.dropBefore(700);
            assertTrue(window.has(4_999), "the ring grows past its first size while events before 700 are dropped");
            for (int i = 700; i < 5_000; i++) {
                assertSame(events.get(i), window.get(i));
            }
            assertEquals(700, window.ordinal(700), "a pass over the whole trace numbers events by their index");
            assertFalse(window.has(5_000));
            assertEquals(5_000, window.end());
            assertTrue(window.complete());
        }
    }

    @Test
    void droppedEventsAreGoneAndLaterOnesStay() {
        List<TraceEvent> events = clockReads(3_000);
        try (EventWindow window = new EventWindow(TraceSource.Pass.over(events, false), MmioWindow.QEMU_VIRT)) {
            for (int at = 0; at < 3_000; at += 100) {
                assertSame(events.get(at + 99), window.get(at + 99));
                window.dropBefore(at + 50);
                assertSame(events.get(at + 50), window.get(at + 50));
                int dropped = at + 49;
                assertThrows(IndexOutOfBoundsException.class, () -> window.get(dropped));
            }
            window.dropBefore(10_000);
            assertThrows(IndexOutOfBoundsException.class, () -> window.get(2_999), "dropping past the end forgets every event read");
            assertTrue(window.has(2_999), "the trace still has the event, though the window no longer holds it");
            assertTrue(window.cutShortAt(3_000), "a pass that is not complete was cut short at its end");
        }
    }

    @Test
    void theLimitEndsTheTraceEarly() {
        List<TraceEvent> events = clockReads(2_000);
        try (EventWindow window = new EventWindow(TraceSource.Pass.over(events, true), MmioWindow.QEMU_VIRT)) {
            window.endAt(1_500);
            assertTrue(window.has(1_499));
            assertFalse(window.has(1_500));
            assertEquals(1_500, window.end());
        }
    }
}
