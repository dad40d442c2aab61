package dev.vblk.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Connections to the unix sockets QEMU serves (QMP, and qtest in a QEMU the user started). */
final class UnixSockets {

    private UnixSockets() {}

    /**
     * Connects to {@code socket}, retrying until QEMU has created it.
     *
     * @param what the socket's name in messages, such as {@code QMP socket}
     * @param alive whether QEMU may still create the socket; once false, connecting fails at once
     * @throws QemuException if QEMU has gone or the socket does not accept a connection within {@code timeout}
     */
    static SocketChannel connect(Path socket, String what, Duration timeout, FailureReporter failures,
            BooleanSupplier alive) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            SocketChannel channel = null;
            try {
                channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
                return channel;
            } catch (IOException e) {
                closeQuietly(channel);
                if (!alive.getAsBoolean()) {
                    throw failures.describe("QEMU exited before its " + what + " " + socket + " accepted a connection", true);
                }
                if (System.nanoTime() - deadline > 0) {
                    throw failures.describe("QEMU's " + what + " " + socket + " did not accept a connection within "
                            + timeout.toMillis() + " ms (" + e.getMessage() + ")", false);
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new QemuException("interrupted while connecting to QEMU's " + what, interrupted);
                }
            }
        }
    }

    /**
     * A stream over the channel that reads without taking the channel's blocking lock, so that a
     * blocked read does not hold up writes from another thread.
     */
    static InputStream input(SocketChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] bytes, int offset, int length) throws IOException {
                return length == 0 ? 0 : channel.read(ByteBuffer.wrap(bytes, offset, length));
            }
        };
    }

    /** A stream writing to the channel, likewise without its blocking lock. */
    static OutputStream output(SocketChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
        };
    }

    /** Closes the channel, if there is one, ignoring failures. */
    static void closeQuietly(SocketChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
