package dev.vblk.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One running {@code qemu-system-aarch64} process, started from a {@link QemuConfig}, and everything
 * it owns: its private temporary directory (QMP socket, blkdebug files) and the tail of its stderr.
 *
 * <p>The qtest protocol runs over QEMU's standard input and output ({@code -qtest stdio}) rather
 * than a unix socket: there is no connection to accept or time out, no limit on the socket path
 * length, and QEMU's exit closes the pipe at once, so a pending request fails immediately. QEMU's
 * diagnostics stay apart on stderr. QMP runs on a unix socket in the temporary directory.
 *
 * <p>The process is always ended: by {@link #close()}, when starting fails, by a shutdown hook if
 * the JVM exits first, and by the kernel if the JVM is killed ({@link QemuLauncher}). The directory
 * is named after the JVM, so that a later run deletes it if the JVM was killed ({@link QemuLeftovers}).
 */
public final class QemuProcess implements AutoCloseable {

    /** How many of QEMU's last stderr lines are kept for error messages. */
    static final int STDERR_LINES = 5;

    /** The QOM id of the memory backend that holds guest RAM when it is a shared file. */
    static final String RAM_BACKEND_ID = "ram";

    private final Process process;
    private final Path directory;
    private final List<String> commandLine;
    private final String version;
    private final StderrTail stderr;
    private final Thread shutdownHook;
    private boolean closed;

    private QemuProcess(Process process, Path directory, List<String> commandLine, String version) {
        this.process = process;
        this.directory = directory;
        this.commandLine = List.copyOf(commandLine);
        this.version = version;
        this.stderr = new StderrTail("qemu-stderr-" + process.pid(), process.getErrorStream(), STDERR_LINES);
        this.shutdownHook = new Thread(this::destroyAndClean, "qemu-shutdown-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts QEMU with the machine described by {@code config}: {@code -M virt -S}, qtest on stdio,
     * QMP on a unix socket, one {@code virtio-blk-device} per drive and one modern-only
     * {@code virtio-blk-pci} function per PCI drive.
     *
     * @param ramFile when present, guest RAM is this file, mapped shared ({@code memory-backend-file,share=on})
     * @throws QemuException if QEMU cannot be found or started
     */
    public static QemuProcess start(QemuConfig config, Optional<Path> ramFile) {
        QemuBinary binary = QemuBinary.locate(config.binary().orElse(null));
        String version = binary.version();
        Path directory = QemuLeftovers.createDirectory(QemuLeftovers.temporaryFolder());
        try {
            List<String> command = commandLine(binary, config, directory, ramFile);
            Process process = QemuLauncher.start(command, directory);
            return new QemuProcess(process, directory, command, version);
        } catch (IOException | RuntimeException e) {
            QemuLeftovers.deleteRecursively(directory);
            throw new QemuException("cannot start " + binary.path() + ": " + e.getMessage(), e);
        }
    }

    static List<String> commandLine(QemuBinary binary, QemuConfig config, Path directory, Optional<Path> ramFile)
            throws IOException {
        String megabytes = (config.ramBytes() >> 20) + "M";
        List<String> command = new ArrayList<>(List.of(
                binary.path().toString(),
                "-M", ramFile.isPresent() ? "virt,memory-backend=" + RAM_BACKEND_ID : "virt",
                "-S",
                "-display", "none",
                "-nodefaults",
                "-no-user-config",
                "-m", megabytes,
                "-qtest", "stdio",
                "-qtest-log", "none",
                "-qmp", "unix:" + escape(qmpSocket(directory).toString()) + ",server=on,wait=off",
                "-global", "virtio-mmio.force-legacy=false"));
        if (ramFile.isPresent()) {
            command.add("-object");
            command.add("memory-backend-file,id=" + RAM_BACKEND_ID + ",size=" + megabytes
                    + ",mem-path=" + escape(ramFile.get().toString()) + ",share=on");
        }
        for (int i = 0; i < config.drives().size(); i++) {
            DriveConfig drive = config.drives().get(i);
            command.add("-drive");
            command.add(driveOption(drive, driveId(i), directory, i));
            command.add("-device");
            command.add("virtio-blk-device,drive=" + driveId(i) + ",id=" + deviceId(i));
        }
        for (int i = 0; i < config.pciDrives().size(); i++) {
            command.add("-drive");
            command.add(driveOption(config.pciDrives().get(i), pciDriveId(i), directory, config.drives().size() + i));
            command.add("-device");
            command.add("virtio-blk-pci,drive=" + pciDriveId(i) + ",id=" + pciDeviceId(i)
                    + ",disable-legacy=on,addr=0x" + Integer.toHexString(VirtMachine.pciAddressOfDevice(i).device()));
        }
        command.addAll(config.extraArgs());
        return command;
    }

    private static String driveOption(DriveConfig drive, String id, Path directory, int index) throws IOException {
        StringBuilder option = new StringBuilder();
        String image = escape(drive.image().toString());
        if (drive.errorRules().isEmpty()) {
            option.append("file=").append(image).append(",format=").append(drive.format().driverName());
        } else {
            Path rules = directory.resolve("blkdebug-" + index + ".conf");
            StringBuilder text = new StringBuilder();
            drive.errorRules().forEach(rule -> text.append(rule.toConfigSection()).append('\n'));
            Files.writeString(rules, text.toString(), StandardCharsets.UTF_8);
            option.append("driver=").append(drive.format().driverName())
                    .append(",file.driver=blkdebug,file.config=").append(escape(rules.toString()))
                    .append(",file.image.filename=").append(image);
        }
        option.append(",if=none,id=").append(id);
        if (drive.readOnly()) {
            option.append(",readonly=on");
        }
        drive.options().forEach(item -> option.append(',').append(item));
        return option.toString();
    }

    /** QEMU's option syntax doubles a comma inside a value. */
    private static String escape(String value) {
        return value.replace(",", ",,");
    }

    static Path qmpSocket(Path directory) {
        return directory.resolve("qmp.sock");
    }

    /** The {@code -drive id} of the {@code index}-th drive. */
    static String driveId(int index) {
        return "d" + index;
    }

    /** The {@code -drive id} of the {@code index}-th PCI drive. */
    static String pciDriveId(int index) {
        return "p" + index;
    }

    /** The {@code -device id} of the {@code index}-th PCI drive's virtio-blk-pci function. */
    static String pciDeviceId(int index) {
        return "pblk" + index;
    }

    /** The {@code -device id} of the {@code index}-th drive's virtio-blk device. */
    static String deviceId(int index) {
        return "blk" + index;
    }

    /** The command line QEMU was started with, program first. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** The first line of {@code qemu-system-aarch64 --version}. */
    public String version() {
        return version;
    }

    /** The operating-system process id. */
    public long pid() {
        return process.pid();
    }

    /** The process handle, for checking that QEMU is gone or for ending it by force. */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    /** The path of the QMP unix socket. */
    Path qmpSocketPath() {
        return qmpSocket(directory);
    }

    /** QEMU's standard input: the qtest requests. */
    OutputStream qtestRequests() {
        return process.getOutputStream();
    }

    /** QEMU's last stderr lines, one per line (its own reports, such as a virtio device's errors). */
    String recentStderr() {
        return stderr.text();
    }

    /** QEMU's standard output: the qtest replies and interrupt events. */
    InputStream qtestReplies() {
        return process.getInputStream();
    }

    /**
     * An exception describing a failure together with QEMU's state, in one line: its exit status
     * (waiting up to {@code exitWaitMillis} for it to end) or that it still runs, and its last stderr
     * lines, separated by {@code " | "}.
     */
    QemuException failure(String what, long exitWaitMillis) {
        return failure(what, exitWaitMillis, null);
    }

    /** As {@link #failure(String, long)}, with a cause. */
    QemuException failure(String what, long exitWaitMillis, Throwable cause) {
        StringBuilder message = new StringBuilder(what).append("; ");
        boolean exited = awaitExit(exitWaitMillis);
        if (exited) {
            stderr.awaitEnd(200);
            int status = process.exitValue();
            message.append("QEMU exited with status ").append(status);
            if (status > 128) {
                message.append(" (killed by signal ").append(status - 128).append(')');
            }
        } else {
            message.append("QEMU (pid ").append(process.pid()).append(") is still running");
        }
        String tail = stderr.text();
        message.append(tail.isEmpty() ? "; it wrote nothing to stderr" : "; its last stderr lines: " + tail.replace("\n", " | "));
        return new QemuException(message.toString(), cause);
    }

    private boolean awaitExit(long millis) {
        try {
            return process.waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    /** Whether the QEMU process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Waits up to {@code graceMillis} for QEMU to exit by itself (after a QMP {@code quit}), then
     * ends it, and deletes the temporary directory. Idempotent.
     */
    void close(long graceMillis) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        awaitExit(graceMillis);
        destroyAndClean();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook does the same work.
        }
    }

    /** Ends QEMU at once and deletes the temporary directory. Idempotent. */
    @Override
    public void close() {
        close(0);
    }

    private void destroyAndClean() {
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(1000)) {
                process.destroyForcibly();
                awaitExit(5000);
            }
        }
        closeQuietly(process.getOutputStream());
        QemuLeftovers.deleteRecursively(directory);
    }

    private static void closeQuietly(OutputStream stream) {
        try {
            stream.close();
        } catch (IOException e) {
            // The process is gone; nothing is left to flush.
        }
    }
}
