package dev.vblk.qemu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * A client of the QEMU Machine Protocol (JSON over a unix socket): the capabilities handshake,
 * then one command at a time, each matched with its reply by id; asynchronous events are kept
 * apart and can be inspected with {@link #events()}.
 */
public final class QmpClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SocketChannel channel;
    private final LineReceiver receiver;
    private final FailureReporter failures;
    private final long timeoutNanos;
    private final Duration timeout;
    private final ConcurrentLinkedQueue<JsonNode> events = new ConcurrentLinkedQueue<>();
    private long nextId;
    private boolean outOfStep;

    private QmpClient(SocketChannel channel, Duration timeout, FailureReporter failures) {
        this.channel = channel;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.failures = failures;
        this.receiver = new LineReceiver("qmp-reader", UnixSockets.input(channel), this::onAsyncLine, () -> { });
    }

    /**
     * Connects to QEMU's QMP socket, retrying until QEMU has created it, and performs the
     * capabilities handshake.
     *
     * @throws QemuException if QEMU exits or the socket does not answer within the reply timeout
     */
    static QmpClient connect(QemuProcess process, Duration timeout) {
        return connect(process.qmpSocketPath(), timeout, FailureReporter.of(process), process::isAlive);
    }

    /**
     * Connects to the QMP socket of a QEMU that may not have created it yet, and performs the
     * capabilities handshake.
     *
     * @param alive whether QEMU is still running
     * @throws QemuException if QEMU exits or the socket does not answer within the reply timeout
     */
    static QmpClient connect(Path socket, Duration timeout, FailureReporter failures, BooleanSupplier alive) {
        SocketChannel channel = UnixSockets.connect(socket, "QMP socket", timeout, failures, alive);
        QmpClient client = new QmpClient(channel, timeout, failures);
        try {
            JsonNode greeting = client.nextReply("the QMP greeting");
            if (!greeting.has("QMP")) {
                throw new QemuException("QEMU's QMP socket sent no greeting but " + greeting);
            }
            client.execute("qmp_capabilities", Map.of());
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private boolean onAsyncLine(String line) {
        try {
            JsonNode message = JSON.readTree(line);
            if (message.has("event")) {
                events.add(message);
                return true;
            }
        } catch (JsonProcessingException e) {
            // Not JSON: left for the waiting request to report.
        }
        return false;
    }

    /**
     * Runs a QMP command and returns the value of its {@code return} member.
     *
     * @throws QemuException if QEMU answers with an error, does not answer in time, or has gone
     */
    public synchronized JsonNode execute(String command, Map<String, ?> arguments) {
        if (outOfStep) {
            throw failures.describe("QMP channel is out of step after an earlier reply timed out; cannot run " + command, false);
        }
        long id = nextId++;
        ObjectNode request = JSON.createObjectNode();
        request.put("execute", command);
        if (!arguments.isEmpty()) {
            request.set("arguments", JSON.valueToTree(arguments));
        }
        request.put("id", id);
        byte[] bytes = (request.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw failures.describe("cannot send QMP command " + command + ": " + e.getMessage(), true);
        }
        JsonNode reply = nextReply("QMP command " + command);
        if (reply.path("id").asLong(-1) != id) {
            outOfStep = true;
            throw new QemuException("QMP reply to " + command + " carries the wrong id: " + reply);
        }
        if (reply.has("error")) {
            JsonNode error = reply.get("error");
            throw new QemuException("QMP command " + command + " failed: " + error.path("class").asText()
                    + ": " + error.path("desc").asText());
        }
        if (!reply.has("return")) {
            throw new QemuException("QMP reply to " + command + " has no return value: " + reply);
        }
        return reply.get("return");
    }

    private JsonNode nextReply(String what) {
        String line;
        try {
            line = receiver.next(timeoutNanos);
        } catch (LineReceiver.StreamEndedException e) {
            throw failures.describe("QEMU closed the QMP socket while " + what + " awaited its reply", true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outOfStep = true;
            throw new QemuException("interrupted while " + what + " awaited its reply", e);
        }
        if (line == null) {
            outOfStep = true;
            throw failures.describe("no reply to " + what + " within " + timeout.toMillis() + " ms", false);
        }
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new QemuException("QEMU sent malformed JSON in reply to " + what + ": " + line, e);
        }
    }

    /** The children and properties of a QOM object ({@code qom-list}). */
    public List<QomProperty> qomList(String path) {
        List<QomProperty> properties = new ArrayList<>();
        for (JsonNode entry : execute("qom-list", Map.of("path", path))) {
            properties.add(new QomProperty(entry.path("name").asText(), entry.path("type").asText()));
        }
        return properties;
    }

    /** The value of a QOM property ({@code qom-get}). */
    public JsonNode qomGet(String path, String property) {
        return execute("qom-get", Map.of("path", path, "property", property));
    }

    /**
     * Changes the size of a drive's image ({@code block_resize}); the virtio-blk device then raises
     * a configuration-change interrupt and reports the new capacity.
     *
     * @param driveId the drive's {@code -drive id}, see {@link AttachedDrive#driveId()}
     * @param bytes the new size in bytes
     */
    public void blockResize(String driveId, long bytes) {
        execute("block_resize", Map.of("device", driveId, "size", bytes));
    }

    /** QEMU's version ({@code query-version}). */
    public QmpVersion queryVersion() {
        JsonNode result = execute("query-version", Map.of());
        JsonNode qemu = result.path("qemu");
        return new QmpVersion(qemu.path("major").asInt(), qemu.path("minor").asInt(), qemu.path("micro").asInt(),
                result.path("package").asText("").strip());
    }

    /** Asks QEMU to exit ({@code quit}); QEMU may close the socket before answering. */
    public void quit() {
        try {
            execute("quit", Map.of());
        } catch (QemuException e) {
            if (!receiver.ended()) {
                throw e;
            }
        }
    }

    /** The asynchronous events received so far, oldest first (such as {@code SHUTDOWN}). */
    public List<JsonNode> events() {
        return List.copyOf(events);
    }

    /** Closes the socket. */
    @Override
    public void close() {
        UnixSockets.closeQuietly(channel);
    }
}
