package dev.vblk.qemu;

import dev.vblk.platform.AccessWidth;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of QEMU's qtest line protocol: one request at a time, each matched with its reply, and
 * the asynchronous {@code IRQ raise N} / {@code IRQ lower N} lines consumed as interrupt events
 * wherever they appear.
 *
 * <p>Requests are built from typed arguments and checked before they are sent, because QEMU aborts
 * on many malformed commands. Every reply has a time limit; after a timeout the channel is out of
 * step and refuses further requests. When QEMU exits or stops answering, every call fails promptly
 * with a {@link QemuException} that names QEMU's exit status and last stderr lines.
 */
public final class QtestClient {

    /** Interrupt lines above this number are not tracked (the virt machine's GIC has 288 inputs). */
    public static final int MAX_IRQ_LINES = 1024;

    private static final Pattern IRQ = Pattern.compile("IRQ (raise|lower) (\\d+)");
    private static final Pattern REGISTER_VALUE = Pattern.compile("0x([0-9a-fA-F]{16})");
    private static final Pattern QOM_PATH = Pattern.compile("/[\\x21-\\x7e]*");
    private static final int MAX_COMMAND_IN_MESSAGE = 80;

    private final OutputStream requests;
    private final LineReceiver receiver;
    private final FailureReporter failures;
    private final long timeoutNanos;
    private final Duration timeout;

    private final Object irqLock = new Object();
    private final boolean[] irqLevels = new boolean[MAX_IRQ_LINES];
    private final long[] irqRaises = new long[MAX_IRQ_LINES];
    private final long[] irqRaisesTaken = new long[MAX_IRQ_LINES];
    private boolean outOfStep;

    QtestClient(OutputStream requests, InputStream replies, Duration timeout, FailureReporter failures) {
        this.requests = new BufferedOutputStream(requests, 1 << 16);
        this.failures = failures;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.receiver = new LineReceiver("qtest-reader", replies, this::onAsyncLine, this::onEnd);
    }

    /** The qtest client of a started QEMU process. */
    static QtestClient of(QemuProcess process, Duration timeout) {
        return new QtestClient(process.qtestRequests(), process.qtestReplies(), timeout, FailureReporter.of(process));
    }

    private boolean onAsyncLine(String line) {
        Matcher irq = IRQ.matcher(line);
        if (!irq.matches()) {
            return false;
        }
        int number = Integer.parseInt(irq.group(2));
        if (number < MAX_IRQ_LINES) {
            synchronized (irqLock) {
                boolean raise = irq.group(1).equals("raise");
                irqLevels[number] = raise;
                if (raise) {
                    irqRaises[number]++;
                }
                irqLock.notifyAll();
            }
        }
        return true;
    }

    private void onEnd() {
        synchronized (irqLock) {
            irqLock.notifyAll();
        }
    }

    /** Reads a register or memory location of the given width ({@code readb/w/l/q}). */
    public long read(AccessWidth width, long address) {
        String reply = request("read" + suffix(width) + " " + hex(address));
        Matcher value = REGISTER_VALUE.matcher(reply);
        if (!value.matches()) {
            throw new QemuException("qtest gave an unexpected reply to read" + suffix(width) + ": '" + reply + "'");
        }
        return Long.parseUnsignedLong(value.group(1), 16);
    }

    /** Writes the low {@code width} bits of {@code value} ({@code writeb/w/l/q}). */
    public void write(AccessWidth width, long address, long value) {
        request("write" + suffix(width) + " " + hex(address) + " " + hex(width.truncate(value)));
    }

    /** Reads {@code length} bytes (at least 1) of guest-physical memory with {@code b64read}. */
    public byte[] b64read(long address, int length) {
        requirePositive(length);
        String reply = request("b64read " + hex(address) + " " + hex(length));
        byte[] data;
        try {
            data = Base64.getDecoder().decode(reply);
        } catch (IllegalArgumentException e) {
            throw new QemuException("qtest gave malformed base64 in reply to b64read: " + e.getMessage(), e);
        }
        if (data.length != length) {
            throw new QemuException("qtest returned " + data.length + " bytes for a b64read of " + length);
        }
        return data;
    }

    /** Writes {@code source[offset..offset+length)} (at least 1 byte) to guest-physical memory with {@code b64write}. */
    public void b64write(long address, byte[] source, int offset, int length) {
        requirePositive(length);
        java.util.Objects.checkFromIndexSize(offset, length, source.length);
        byte[] slice = offset == 0 && length == source.length ? source : java.util.Arrays.copyOfRange(source, offset, offset + length);
        request("b64write " + hex(address) + " " + hex(length) + " " + Base64.getEncoder().encodeToString(slice));
    }

    /** Fills {@code length} bytes of guest-physical memory with the byte {@code value} ({@code memset}). */
    public void memset(long address, long length, int value) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, not " + length);
        }
        if (value < 0 || value > 0xff) {
            throw new IllegalArgumentException("memset value must be a byte (0 to 255), not " + value);
        }
        request("memset " + hex(address) + " " + hex(length) + " " + hex(value));
    }

    /**
     * Intercepts the unnamed GPIO inputs of the device at {@code qomPath}; from then on its input
     * lines are reported as interrupt events. QEMU allows one intercepted device per process.
     */
    public void irqInterceptIn(String qomPath) {
        if (qomPath == null || !QOM_PATH.matcher(qomPath).matches()) {
            throw new IllegalArgumentException("a QOM path is absolute and has no spaces or control characters: " + qomPath);
        }
        request("irq_intercept_in " + qomPath);
    }

    /** The current level of an intercepted interrupt line, as the last event reported it. */
    public boolean irqLevel(int line) {
        checkLine(line);
        synchronized (irqLock) {
            return irqLevels[line];
        }
    }

    /** How many times an intercepted interrupt line has been raised so far. */
    public long irqRaiseCount(int line) {
        checkLine(line);
        synchronized (irqLock) {
            return irqRaises[line];
        }
    }

    /**
     * Waits until an intercepted interrupt line is raised or {@code timeoutNanos} pass; zero polls.
     *
     * @return whether the line is raised
     * @throws QemuException if QEMU has exited
     */
    public boolean awaitIrq(int line, long timeoutNanos) {
        return awaitIrq(line, timeoutNanos, false);
    }

    /**
     * Waits until an intercepted interrupt line has been raised since the last edge taken on it, or
     * {@code timeoutNanos} pass; zero polls. A message-signalled interrupt pulses its line (qtest
     * reports {@code IRQ raise N} and at once {@code IRQ lower N}), so its level says nothing: the
     * raises are counted, and every raise up to now is taken at once.
     *
     * @return whether the line was raised since the last edge taken
     * @throws QemuException if QEMU has exited
     */
    public boolean awaitEdge(int line, long timeoutNanos) {
        return awaitIrq(line, timeoutNanos, true);
    }

    private boolean awaitIrq(int line, long timeoutNanos, boolean edge) {
        checkLine(line);
        long deadline = System.nanoTime() + Math.max(0, timeoutNanos);
        synchronized (irqLock) {
            while (!receiver.ended()) {
                if (edge && irqRaises[line] != irqRaisesTaken[line]) {
                    irqRaisesTaken[line] = irqRaises[line];
                    return true;
                }
                if (!edge && irqLevels[line]) {
                    return true;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return false;
                }
                try {
                    irqLock.wait(remaining / 1_000_000, (int) (remaining % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new QemuException("interrupted while waiting for interrupt line " + line, e);
                }
            }
        }
        throw failures.describe("QEMU closed the qtest channel while interrupt line " + line + " was awaited", true);
    }

    /**
     * Fails as a request would if QEMU has closed the qtest channel (it has exited): for work that
     * reaches QEMU without a request, such as shared memory.
     *
     * @throws QemuException naming QEMU's exit status and last stderr lines
     */
    public void checkConnected() {
        if (receiver.ended()) {
            throw failures.describe("QEMU closed the qtest channel; its guest RAM is no longer in use", true);
        }
    }

    /**
     * Sends one request line and returns its reply without the leading {@code OK }.
     *
     * @throws QemuException on {@code FAIL}/{@code ERR}, on timeout, or when QEMU has gone
     */
    private synchronized String request(String command) {
        String shown = command.length() > MAX_COMMAND_IN_MESSAGE ? command.substring(0, MAX_COMMAND_IN_MESSAGE) + "..." : command;
        if (outOfStep) {
            throw failures.describe("qtest channel is out of step after an earlier reply timed out; cannot send '" + shown + "'", false);
        }
        if (receiver.ended()) {
            throw failures.describe("QEMU closed the qtest channel; cannot send '" + shown + "'", true);
        }
        String reply;
        try {
            requests.write(command.getBytes(StandardCharsets.US_ASCII));
            requests.write('\n');
            requests.flush();
            reply = receiver.next(timeoutNanos);
        } catch (IOException e) {
            throw failures.describe("cannot send '" + shown + "' to QEMU: " + e.getMessage(), true);
        } catch (LineReceiver.StreamEndedException e) {
            throw failures.describe("QEMU closed the qtest channel while '" + shown + "' awaited its reply", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outOfStep = true;
            throw new QemuException("interrupted while '" + shown + "' awaited its reply", e);
        }
        if (reply == null) {
            outOfStep = true;
            throw failures.describe("no qtest reply to '" + shown + "' within " + timeout.toMillis() + " ms", false);
        }
        if (reply.equals("OK")) {
            return "";
        }
        if (reply.startsWith("OK ")) {
            return reply.substring(3);
        }
        throw new QemuException("qtest refused '" + shown + "': " + reply);
    }

    private static String suffix(AccessWidth width) {
        return switch (width) {
            case BYTE -> "b";
            case HALF -> "w";
            case WORD -> "l";
            case DOUBLE -> "q";
        };
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    private static void requirePositive(int length) {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, not " + length);
        }
    }

    private static void checkLine(int line) {
        if (line < 0 || line >= MAX_IRQ_LINES) {
            throw new IllegalArgumentException("interrupt line must be in [0, " + MAX_IRQ_LINES + "), not " + line);
        }
    }
}
