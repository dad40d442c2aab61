package dev.vblk.harness;

import dev.vblk.trace.TraceCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Records the golden traces again, on QEMU, into a directory ({@code traces/} by default).
 *
 * <pre>
 * java -cp CLASSPATH dev.vblk.harness.GoldenTraces [--only NAME[,NAME...]] [DIRECTORY]
 * </pre>
 *
 * {@code traces/rerecord.sh} builds the module and runs this with its class path. Exit status 0 when
 * every trace was recorded, 1 when one could not be, 2 for bad arguments.
 */
public final class GoldenTraces {

    private GoldenTraces() {}

    /**
     * Records one golden trace into {@code directory}, its images made in a temporary directory that
     * is deleted afterwards. Golden traces use the default codec.
     *
     * @throws HarnessException if it cannot be recorded
     */
    public static RunSummary record(GoldenTrace trace, Path directory) {
        Path images;
        try {
            images = Files.createTempDirectory("vblk-golden-");
        } catch (IOException e) {
            throw new HarnessException("cannot create a directory for the disk images: " + e.getMessage(), e);
        }
        try {
            return new RecordRun(trace.board()).record(trace.target(images), trace.preset().workload(), TraceCodec.DEFAULT,
                    trace.file(directory));
        } finally {
            deleteTree(images);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<GoldenTrace> selected = new ArrayList<>(GoldenTrace.all());
        Path directory = Path.of("traces");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--only") && i + 1 < args.length) {
                selected.clear();
                for (String name : args[++i].split(",")) {
                    GoldenTrace trace = GoldenTrace.named(name).orElse(null);
                    if (trace == null) {
                        err.println("no golden trace '" + name + "'; there are "
                                + Arrays.stream(GoldenTrace.values()).map(GoldenTrace::traceName).toList());
                        return 2;
                    }
                    selected.add(trace);
                }
            } else if (args[i].startsWith("-") || i != args.length - 1) {
                err.println("usage: GoldenTraces [--only NAME[,NAME...]] [DIRECTORY]");
                return 2;
            } else {
                directory = Path.of(args[i]);
            }
        }
        try {
            Files.createDirectories(directory);
            for (GoldenTrace trace : selected) {
                RunSummary summary = record(trace, directory);
                out.printf("%-20s %6d events %4d operations %2d failed %9d bytes  %s%n", trace.traceName(), summary.events(),
                        summary.operations(), summary.failures(), summary.traceBytes(), trace.file(directory));
            }
            return 0;
        } catch (IOException | HarnessException e) {
            err.println("cannot record the golden traces: " + e.getMessage());
            return 1;
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new HarnessException("cannot delete the temporary images in " + root + ": " + e.getMessage(), e);
        }
    }
}
