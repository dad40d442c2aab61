package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * QEMU that refuses to start, dies during a recording, or loses its vblk to {@code kill -9}: the
 * error names QEMU's own words or exit status, the run stops at once, and nothing is left running.
 */
@RequiresQemu
class QemuFailureTest {

    /** Enough reads that a recording is still running when it is interrupted. */
    private static final String LONG_WORKLOAD = "read 0 1\n".repeat(10_000);

    /** Reads of the whole disk, again and again: seconds of recording whose trace stays small. */
    private static final String WHOLE_DISK_READS = "read 0 2048\n".repeat(20_000);

    @TempDir
    Path directory;

    private static void assertQemuFailure(Cli.Result result, String qemuSays) {
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, result.exitCode(), result.toString());
        assertEquals(1, result.err().lines().count(), "one line: " + result.err());
        assertTrue(result.err().contains("its last stderr lines: ") && result.err().contains(qemuSays), result.err());
    }

    @Test
    void qemuRefusingToStartIsReportedInItsOwnWords() throws IOException {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        String trace = directory.resolve("t.trace.avro").toString();

        assertQemuFailure(Cli.run("record", image.toString(), image.toString(), "--preset", "discovery", "-o", trace),
                "Failed to get \"write\" lock");
        assertQemuFailure(Cli.run("record", image.toString(), "--format", "qcow2", "--preset", "discovery", "-o", trace),
                "Image is not in qcow2 format");
        try (QemuMachine other = QemuMachine.start(QemuConfig.of(DriveConfig.raw(image)))) {
            assertQemuFailure(Cli.run("record", image.toString(), "--preset", "discovery", "-o", trace),
                    "Failed to get \"write\" lock");
        }
        assertFalse(Files.exists(Path.of(trace)), "no trace is written when QEMU does not start");
    }

    @Test
    void qemuDyingMidRecordingStopsTheRunWithStatus4AndATraceThatSaysHowItEnded() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path workload = Files.writeString(directory.resolve("long.workload"), LONG_WORKLOAD);
        Path trace = directory.resolve("t.trace.avro");
        AtomicReference<Long> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> {
            ProcessHandle qemu = awaitQemu(ProcessHandle.current(), image).process();
            awaitBytes(trace, 256 * 1024);
            killed.set(qemu.pid());
            qemu.destroyForcibly();
        });
        killer.start();

        Cli.Result result = Cli.run("record", image.toString(), "--workload", workload.toString(), "-o", trace.toString());
        killer.join();

        assertTrue(killed.get() != null, "QEMU was killed during the run");
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, result.exitCode(), result.toString());
        assertEquals(1, result.err().lines().count(), "one line: " + result.err());
        assertTrue(result.err().matches("(?s)vblk record: step \\d+ 'read 0 1' failed: PLATFORM_ERROR: .*QEMU exited with "
                + "status 137 \\(killed by signal 9\\).*the trace " + trace + " stops there, without its end marker\\s*"),
                result.err());
        assertFalse(result.out().contains("PLATFORM_ERROR"), "no line per remaining step: " + result.out());
        Trace recorded = TraceReader.readValidPrefix(trace);
        assertFalse(recorded.complete(), "the trace is not marked complete");
        TraceEvent last = recorded.events().get(recorded.events().size() - 1);
        assertTrue(last instanceof TraceEvent.OperationEnd end && end.outcome() instanceof OperationOutcome.Failed failed
                && failed.errorKind().equals("PLATFORM_ERROR") && failed.message().contains("status 137"), last.toString());
        assertEquals(ExitCodes.BAD_TRACE, Cli.run("replay", trace.toString()).exitCode());
        assertEquals(ExitCodes.OK, Cli.run("replay", "--valid-prefix", trace.toString()).exitCode(),
                "the valid prefix replays, the platform failure included");
    }

    @Test
    void qemuDoesNotOutliveAKilledVblkAndItsLeftoversDoNotBreakTheNextRun() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path workload = Files.writeString(directory.resolve("long.workload"), WHOLE_DISK_READS);
        Path trace = directory.resolve("t.trace.avro");
        Path vblkErr = directory.resolve("vblk.err");
        Process vblk = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Vblk.class.getName(), "record", image.toString(), "--workload",
                workload.toString(), "-o", trace.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(vblkErr.toFile()).start();
        ProcessHandle qemu;
        Path leftover;
        try {
            // QEMU's command line is read first: a trace that stores repeated reads as references grows
            // slowly, and the workload may be near its end by the time the trace holds 16 KiB.
            RunningQemu found = awaitQemu(vblk.toHandle(), image);
            qemu = found.process();
            leftover = found.privateDirectory().orElseThrow(() -> new AssertionError(
                    "QEMU's command line names no QMP socket: " + found.arguments()));
            awaitBytes(trace, 16 * 1024, vblk, vblkErr);
            assertTrue(Files.isDirectory(leftover), leftover.toString());
        } finally {
            vblk.destroyForcibly();
        }
        assertTrue(vblk.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, vblk.exitValue(), "vblk was killed by SIGKILL; it said: " + Files.readString(vblkErr));

        boolean ended = qemu.onExit().completeOnTimeout(null, 10, TimeUnit.SECONDS).get() != null;
        if (!ended) {
            qemu.destroyForcibly();
        }
        assertTrue(ended, "QEMU (pid " + qemu.pid() + ") still ran 10 s after its vblk was killed");
        assertTrue(Files.isDirectory(leftover), "the killed run left its directory");

        Cli.Result next = Cli.run("record", image.toString(), "--preset", "known-sectors", "-o", trace.toString());
        assertEquals(ExitCodes.OK, next.exitCode(), next.toString());
        assertFalse(Files.exists(leftover), "the next run deleted the dead run's directory " + leftover);
    }

    /** A QEMU process found running and the command line it was found with. */
    private record RunningQemu(ProcessHandle process, List<String> arguments) {

        /** The folder of QEMU's QMP socket, its private temporary directory, if the command line names it. */
        Optional<Path> privateDirectory() {
            return arguments.stream().filter(arg -> arg.startsWith("unix:")).findFirst()
                    .map(qmp -> Path.of(qmp.substring("unix:".length()).split(",")[0]).getParent());
        }
    }

    /** The QEMU process below {@code parent} that has {@code image} on its command line, once it runs. */
    private static RunningQemu awaitQemu(ProcessHandle parent, Path image) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Optional<RunningQemu> qemu = parent.descendants()
                    .map(p -> new RunningQemu(p, p.info().arguments().map(List::of).orElse(List.of())))
                    .filter(found -> found.arguments().stream().anyMatch(arg -> arg.contains(image.toString())))
                    .findFirst();
            if (qemu.isPresent()) {
                return qemu.get();
            }
            pause();
        }
        throw new AssertionError("no QEMU with " + image + " started within 30 s");
    }

    /** Waits until {@code file} holds {@code bytes}: the recording is under way. */
    private static void awaitBytes(Path file, long bytes) {
        awaitBytes(file, bytes, null, null);
    }

    /**
     * Waits until {@code file} holds {@code bytes}; fails at once with what {@code writer} printed to
     * {@code writerErr} if the process writing it ends first.
     */
    private static void awaitBytes(Path file, long bytes, Process writer, Path writerErr) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (Files.exists(file) && Files.size(file) >= bytes) {
                    return;
                }
                if (writer != null && !writer.isAlive()) {
                    throw new AssertionError("vblk ended with status " + writer.exitValue() + " before " + file
                            + " held " + bytes + " bytes; it said: " + Files.readString(writerErr));
                }
            } catch (IOException e) {
                // not there yet
            }
            pause();
        }
        throw new AssertionError(file + " did not reach " + bytes + " bytes within 30 s");
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
