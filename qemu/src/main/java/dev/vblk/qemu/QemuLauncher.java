package dev.vblk.qemu;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts QEMU processes so that none outlives the JVM, however the JVM ends.
 *
 * <p>A shutdown hook cannot run when the JVM is killed ({@code kill -9}, the out-of-memory killer),
 * so on Linux the kernel is asked to do it: QEMU is started through util-linux's {@code setpriv
 * --pdeathsig KILL}, which sets the parent-death signal and then runs QEMU in its place. The kernel
 * sends that signal when the <em>thread</em> that started the process ends, not only the process,
 * so every QEMU is started from one daemon thread that lives as long as the JVM. Without
 * {@code setpriv} on the {@code PATH} QEMU is started directly and only the shutdown hook ends it.
 */
final class QemuLauncher {

    /** The program that sets the parent-death signal. */
    static final String SETPRIV = "setpriv";

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "qemu-launcher");
        thread.setDaemon(true);
        return thread;
    });

    private static final Optional<Path> SETPRIV_PATH = QemuBinary.onPath(SETPRIV, System.getenv("PATH"));

    private QemuLauncher() {}

    /**
     * Starts {@code command} in {@code directory} from the launcher thread.
     *
     * @throws IOException if it cannot be started
     */
    static Process start(List<String> command, Path directory) throws IOException {
        List<String> launched = new ArrayList<>();
        SETPRIV_PATH.ifPresent(setpriv -> launched.addAll(List.of(setpriv.toString(), "--pdeathsig", "KILL", "--")));
        launched.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(launched).directory(directory.toFile());
        Future<Process> started = THREAD.submit(builder::start);
        try {
            return started.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("starting " + command.get(0) + " failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            started.cancel(false);
            throw new IOException("interrupted while starting " + command.get(0), e);
        }
    }
}
