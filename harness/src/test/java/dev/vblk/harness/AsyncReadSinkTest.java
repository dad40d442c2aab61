package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vblk.workload.Step;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The read sink that writes from a thread of its own: order, copies, bounded waiting, failures. */
class AsyncReadSinkTest {

    @Test
    void readsReachTheTargetInOrderAsTheyWereWhenSaved() {
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        List<Boolean> firsts = new ArrayList<>();
        byte[] reused = new byte[1024];
        try (AsyncReadSink sink = new AsyncReadSink((step, first, data) -> {
            written.write(data, 0, data.length);
            firsts.add(first);
        })) {
            for (int i = 0; i < 100; i++) {
                java.util.Arrays.fill(reused, (byte) i);
                sink.save(new Step.Read(i, 2), i == 0, i == 99 ? new byte[] {(byte) 99} : reused);
            }
        }
        byte[] expected = new byte[99 * 1024 + 1];
        for (int i = 0; i < 99; i++) {
            java.util.Arrays.fill(expected, i * 1024, (i + 1) * 1024, (byte) i);
        }
        expected[99 * 1024] = 99;
        assertArrayEquals(expected, written.toByteArray(), "each read as it was when saved, in order");
        assertEquals(100, firsts.size());
        assertEquals(List.of(true, false), List.of(firsts.get(0), firsts.get(1)));
    }

    @Test
    void aSlowTargetHoldsTheSaverBackAfterAFewReads() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Integer> saved = new ArrayList<>();
        AsyncReadSink sink = new AsyncReadSink((step, first, data) -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread saver = new Thread(() -> {
            for (int i = 0; i < 3 * AsyncReadSink.BUFFERS; i++) {
                sink.save(new Step.Read(i, 1), true, new byte[512]);
                synchronized (saved) {
                    saved.add(i);
                }
            }
        });
        saver.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (size(saved) < AsyncReadSink.BUFFERS && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        saver.join(200);
        assertEquals(AsyncReadSink.BUFFERS, size(saved), "the buffers taken (one of them being written), then waiting");
        release.countDown();
        saver.join();
        sink.close();
    }

    private static int size(List<Integer> saved) {
        synchronized (saved) {
            return saved.size();
        }
    }

    @Test
    void aFailureOfTheTargetIsThrownByALaterSaveOrByClose() {
        OutputFileException failure = new OutputFileException("cannot write out.bin: disk full", new java.io.IOException());
        AsyncReadSink sink = new AsyncReadSink((step, first, data) -> {
            throw failure;
        });
        sink.save(new Step.Read(0, 1), true, new byte[512]);
        assertSame(failure, assertThrows(OutputFileException.class, sink::close));

        AsyncReadSink again = new AsyncReadSink((step, first, data) -> {
            throw failure;
        });
        assertSame(failure, assertThrows(OutputFileException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                again.save(new Step.Read(i, 1), true, new byte[512]);
                Thread.sleep(1);
            }
        }));
        assertSame(failure, assertThrows(OutputFileException.class, again::close));
    }
}
