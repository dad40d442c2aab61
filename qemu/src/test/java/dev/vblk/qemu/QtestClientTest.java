package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The qtest client against a scripted peer: reply matching, interrupt events, limits and validation. */
class QtestClientTest {

    private static final String NO_REPLY = "";
    private static final String HANG_UP = "<hang up>";

    private final List<String> received = new CopyOnWriteArrayList<>();
    private PipedOutputStream toClient;
    private Thread peer;

    /** A client whose peer answers each request line with {@code responder}'s text. */
    private QtestClient client(Function<String, String> responder) throws IOException {
        PipedInputStream requests = new PipedInputStream(1 << 20);
        OutputStream requestSink = new PipedOutputStream(requests);
        PipedInputStream replies = new PipedInputStream(1 << 20);
        toClient = new PipedOutputStream(replies);
        peer = new Thread(() -> serve(requests, responder), "fake-qtest-peer");
        peer.setDaemon(true);
        peer.start();
        return new QtestClient(requestSink, replies, Duration.ofMillis(300),
                (what, ended) -> new QemuException(what + (ended ? " [ended]" : " [running]")));
    }

    private void serve(PipedInputStream requests, Function<String, String> responder) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(requests, StandardCharsets.US_ASCII))) {
            String line;
            while ((line = reader.readLine()) != null) {
                received.add(line);
                String reply = responder.apply(line);
                if (reply.equals(HANG_UP)) {
                    toClient.close();
                    return;
                }
                send(reply);
            }
        } catch (IOException e) {
            // The test is over.
        }
    }

    private synchronized void send(String text) throws IOException {
        toClient.write(text.getBytes(StandardCharsets.US_ASCII));
        toClient.flush();
    }

    @AfterEach
    void stopPeer() throws IOException {
        if (toClient != null) {
            toClient.close();
        }
        if (peer != null) {
            peer.interrupt();
        }
    }

    @Test
    void interruptLinesInterleavedWithRepliesAreEvents() throws IOException {
        QtestClient client = client(line -> line.startsWith("writel")
                ? "IRQ raise 47\nOK\n"
                : "IRQ lower 47\nOK 0x0000000074726976\n");
        assertFalse(client.irqLevel(47));
        client.write(AccessWidth.WORD, 0x0a003e50L, 0);
        assertTrue(client.irqLevel(47), "raised before the reply to the write");
        assertEquals(1, client.irqRaiseCount(47));
        assertEquals(0x74726976L, client.read(AccessWidth.WORD, 0x0a003e00L));
        assertFalse(client.irqLevel(47));
        assertEquals(List.of("writel 0xa003e50 0x0", "readl 0xa003e00"), received);
    }

    @Test
    void awaitIrqSeesALaterRaiseAndPollsWithZeroTimeout() throws IOException {
        QtestClient client = client(line -> "OK\n");
        assertFalse(client.awaitIrq(47, 0));
        assertFalse(client.awaitIrq(47, TimeUnit.MILLISECONDS.toNanos(20)));
        CountDownLatch done = new CountDownLatch(1);
        Thread raiser = new Thread(() -> {
            try {
                Thread.sleep(50);
                send("IRQ raise 47\n");
                done.await();
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        raiser.start();
        // A piped stream reports a broken pipe once its writing thread has ended, so the raiser
        // waits until the event has been seen.
        try {
            assertTrue(client.awaitIrq(47, TimeUnit.SECONDS.toNanos(2)));
        } finally {
            done.countDown();
        }
        assertFalse(client.irqLevel(48));
    }

    @Test
    void valuesAreMaskedAndRepliesParsedAsUnsigned() throws IOException {
        QtestClient client = client(line -> line.startsWith("read") ? "OK 0xffffffffffffff80\n" : "OK\n");
        client.write(AccessWidth.BYTE, 0x40000000L, 0x1cd);
        client.write(AccessWidth.HALF, 0x40000000L, -1);
        client.write(AccessWidth.DOUBLE, 0x40000000L, -1);
        assertEquals(0xffffffffffffff80L, client.read(AccessWidth.DOUBLE, 0x40000000L));
        assertEquals(List.of("writeb 0x40000000 0xcd", "writew 0x40000000 0xffff",
                "writeq 0x40000000 0xffffffffffffffff", "readq 0x40000000"), received);
    }

    @Test
    void base64TransfersEncodeAndCheckTheLength() throws IOException {
        byte[] data = {1, 2, 3, (byte) 0xff};
        String encoded = Base64.getEncoder().encodeToString(data);
        QtestClient client = client(line -> line.startsWith("b64read 0x40000000 0x4") ? "OK " + encoded + "\n"
                : line.startsWith("b64read") ? "OK " + encoded + "\n" : "OK\n");
        client.b64write(0x40000000L, new byte[] {9, 1, 2, 3, (byte) 0xff, 9}, 1, 4);
        assertEquals("b64write 0x40000000 0x4 " + encoded, received.get(0));
        assertArrayEquals(data, client.b64read(0x40000000L, 4));
        QemuException wrongLength = assertThrows(QemuException.class, () -> client.b64read(0x40000000L, 5));
        assertTrue(wrongLength.getMessage().contains("4 bytes for a b64read of 5"), wrongLength.getMessage());
    }

    @Test
    void refusedCommandFailsButKeepsTheChannelInStep() throws IOException {
        QtestClient client = client(line -> line.startsWith("irq") ? "FAIL Unknown device\n" : "OK 0x0000000000000002\n");
        QemuException refused = assertThrows(QemuException.class, () -> client.irqInterceptIn("/machine/nothing"));
        assertTrue(refused.getMessage().contains("FAIL Unknown device"), refused.getMessage());
        assertEquals(2, client.read(AccessWidth.WORD, 0x0a003e08L));
    }

    @Test
    void malformedRequestsAreRefusedBeforeSending() throws IOException {
        QtestClient client = client(line -> "OK\n");
        assertThrows(IllegalArgumentException.class, () -> client.b64read(0x40000000L, 0));
        assertThrows(IllegalArgumentException.class, () -> client.b64write(0x40000000L, new byte[4], 0, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> client.b64write(0x40000000L, new byte[4], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> client.memset(0x40000000L, 16, 256));
        assertThrows(IllegalArgumentException.class, () -> client.memset(0x40000000L, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> client.irqInterceptIn("machine/gic"));
        assertThrows(IllegalArgumentException.class, () -> client.irqInterceptIn("/machine/a b"));
        assertThrows(IllegalArgumentException.class, () -> client.awaitIrq(QtestClient.MAX_IRQ_LINES, 0));
        client.memset(0x40000000L, 0x2000, 0);
        assertEquals(List.of("memset 0x40000000 0x2000 0x0"), received);
    }

    @Test
    void missingReplyTimesOutAndLeavesTheChannelOutOfStep() throws IOException {
        QtestClient client = client(line -> NO_REPLY);
        long started = System.nanoTime();
        QemuException timeout = assertThrows(QemuException.class, () -> client.read(AccessWidth.WORD, 0x0a003e00L));
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(300));
        assertTrue(timeout.getMessage().contains("no qtest reply to 'readl 0xa003e00' within 300 ms [running]"),
                timeout.getMessage());
        QemuException next = assertThrows(QemuException.class, () -> client.read(AccessWidth.WORD, 0x0a003e00L));
        assertTrue(next.getMessage().contains("out of step"), next.getMessage());
        assertEquals(1, received.size(), "nothing sent once out of step");
    }

    @Test
    void hangUpFailsThePendingAndEveryLaterCall() throws IOException {
        QtestClient client = client(line -> HANG_UP);
        QemuException pending = assertThrows(QemuException.class, () -> client.read(AccessWidth.WORD, 0x0a003e00L));
        assertTrue(pending.getMessage().contains("closed the qtest channel while 'readl 0xa003e00' awaited its reply [ended]"),
                pending.getMessage());
        QemuException later = assertThrows(QemuException.class, () -> client.write(AccessWidth.WORD, 0x0a003e70L, 0));
        assertTrue(later.getMessage().contains("[ended]"), later.getMessage());
        assertThrows(QemuException.class, () -> client.awaitIrq(47, TimeUnit.SECONDS.toNanos(5)));
    }
}
