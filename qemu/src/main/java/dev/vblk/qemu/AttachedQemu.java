package dev.vblk.qemu;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.LittleEndian;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A QEMU {@code virt} machine the user started, with qtest and QMP on unix sockets it serves and,
 * if they gave one, guest RAM in a shared file: driven as {@link QemuMachine} drives the QEMU it
 * starts (the GIC found over QMP and its inputs intercepted over qtest), but never ended by vblk.
 * {@link #close()} disconnects and unmaps, and QEMU goes on running.
 *
 * <p>Before anything is driven it checks that the vCPU is stopped ({@code -S}: no guest code may
 * run beside the driver) and that the shared file is the machine's RAM (a value written over qtest
 * is read back in the mapping).
 */
public final class AttachedQemu implements AutoCloseable {

    /**
     * Where the user's QEMU listens.
     *
     * @param qtestSocket the path of {@code -qtest unix:PATH,server=on,wait=off}
     * @param qmpSocket the path of {@code -qmp unix:PATH,server=on,wait=off}
     * @param sharedRam the {@code mem-path} of its {@code memory-backend-file,share=on} RAM, if it has one
     * @param replyTimeout the longest wait for a connection and for each reply
     */
    public record Config(Path qtestSocket, Path qmpSocket, Optional<Path> sharedRam, Duration replyTimeout) {
        public Config {
            Objects.requireNonNull(qtestSocket, "qtestSocket");
            Objects.requireNonNull(qmpSocket, "qmpSocket");
            Objects.requireNonNull(sharedRam, "sharedRam");
            Objects.requireNonNull(replyTimeout, "replyTimeout");
        }
    }

    private static final long PROBE = 0x5642_4c4b_5052_4f42L;

    private final Config config;
    private final SocketChannel qtestChannel;
    private final QmpClient qmp;
    private final Optional<SharedGuestRam> sharedRam;
    private final QemuPlatform platform;
    private final long ramBytes;
    private final String version;
    private final Optional<ProcessHandle> process;

    private AttachedQemu(Config config, SocketChannel qtestChannel, QmpClient qmp, QtestClient qtest,
            Optional<SharedGuestRam> sharedRam, long ramBytes, String version) {
        this.config = config;
        this.qtestChannel = qtestChannel;
        this.qmp = qmp;
        this.sharedRam = sharedRam;
        this.ramBytes = ramBytes;
        this.version = version;
        this.process = ProcessHandle.allProcesses()
                .filter(handle -> handle.info().arguments().map(List::of)
                        .filter(arguments -> arguments.stream().anyMatch(a -> a.contains(config.qtestSocket().toString())))
                        .isPresent())
                .findFirst();
        GuestMemory memory = sharedRam.isPresent() ? sharedRam.get() : new QtestGuestMemory(qtest);
        this.platform = new QemuPlatform(qtest, memory, VirtMachine.RAM_BASE, ramBytes, this);
    }

    /**
     * Connects to the user's QEMU and prepares it to be driven.
     *
     * @throws QemuException if a socket does not answer, the vCPU runs, the machine is not as
     *     expected, or the shared file is not its RAM
     */
    public static AttachedQemu attach(Config config) {
        FailureReporter failures = (what, ended) -> new QemuException(what + (ended
                ? "; the QEMU at " + config.qtestSocket() + " closed the connection (has it exited?)" : ""));
        QmpClient qmp = null;
        SocketChannel channel = null;
        Optional<SharedGuestRam> ram = Optional.empty();
        try {
            qmp = QmpClient.connect(config.qmpSocket(), config.replyTimeout(), failures, () -> true);
            String status = qmp.execute("query-status", Map.of()).path("status").asText();
            if (!status.equals("prelaunch") && !status.equals("paused")) {
                throw new QemuException("the QEMU at " + config.qmpSocket() + " is " + status
                        + ": its vCPU must stay stopped (start it with -S) so that no guest code runs beside the driver");
            }
            long ramBytes = qmp.execute("query-memory-size-summary", Map.of()).path("base-memory").asLong();
            channel = UnixSockets.connect(config.qtestSocket(), "qtest socket", config.replyTimeout(), failures, () -> true);
            QtestClient qtest = new QtestClient(UnixSockets.output(channel), UnixSockets.input(channel),
                    config.replyTimeout(), failures);
            qtest.irqInterceptIn(QemuMachine.findGic(qmp));
            if (config.sharedRam().isPresent()) {
                ram = Optional.of(SharedGuestRam.attach(config.sharedRam().get(), VirtMachine.RAM_BASE));
                checkSharedRam(qtest, ram.get(), ramBytes, config.sharedRam().get());
            }
            return new AttachedQemu(config, channel, qmp, qtest, ram, ramBytes, versionLine(qmp.queryVersion()));
        } catch (RuntimeException e) {
            if (qmp != null) {
                qmp.close();
            }
            UnixSockets.closeQuietly(channel);
            ram.ifPresent(SharedGuestRam::close);
            throw e;
        }
    }

    /** The version as the first line of {@code --version} gives it. */
    private static String versionLine(QmpVersion version) {
        return "QEMU emulator version " + version + (version.packageName().isEmpty() ? "" : " (" + version.packageName() + ")");
    }

    private static void checkSharedRam(QtestClient qtest, SharedGuestRam ram, long ramBytes, Path file) {
        if (ram.size() != ramBytes) {
            throw new QemuException("shared guest RAM " + file + " is " + ram.size() + " bytes but the machine has "
                    + ramBytes + " bytes of RAM; name the mem-path of its memory-backend-file");
        }
        long address = VirtMachine.RAM_BASE;
        long saved = qtest.read(AccessWidth.DOUBLE, address);
        qtest.write(AccessWidth.DOUBLE, address, PROBE);
        byte[] seen = new byte[8];
        ram.read(address, seen, 0, 8);
        qtest.write(AccessWidth.DOUBLE, address, saved);
        if (LittleEndian.get(seen, 0, 8) != PROBE) {
            throw new QemuException("shared guest RAM " + file + " is not this machine's RAM: a value written at 0x"
                    + Long.toHexString(address) + " over qtest did not appear in it; start QEMU with -M virt,memory-backend=ID "
                    + "and -object memory-backend-file,id=ID,mem-path=" + file + ",share=on");
        }
    }

    /** The platform over this machine, for the driver. */
    public QemuPlatform platform() {
        return platform;
    }

    /** Where this QEMU listens. */
    public Config config() {
        return config;
    }

    /** Guest RAM in bytes. */
    public long ramBytes() {
        return ramBytes;
    }

    /** QEMU's version, as the first line of {@code qemu-system-aarch64 --version} gives it. */
    public String qemuVersion() {
        return version;
    }

    /** QEMU's command line, program first, read from the process that serves the qtest socket; empty if none is found. */
    public List<String> commandLine() {
        return process.flatMap(handle -> handle.info().command().flatMap(command -> handle.info().arguments()
                .map(arguments -> {
                    List<String> line = new ArrayList<>(List.of(command));
                    line.addAll(List.of(arguments));
                    return List.copyOf(line);
                }))).orElse(List.of());
    }

    /** The QMP client, for queries. */
    public QmpClient qmp() {
        return qmp;
    }

    /** Disconnects from QEMU and releases the mapping of its RAM; QEMU goes on running. Idempotent. */
    @Override
    public void close() {
        qmp.close();
        UnixSockets.closeQuietly(qtestChannel);
        sharedRam.ifPresent(SharedGuestRam::close);
    }
}
