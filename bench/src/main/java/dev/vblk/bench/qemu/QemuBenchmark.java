package dev.vblk.bench.qemu;

import dev.vblk.pci.PciHostBridge;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.bench.qemu.ResultTable.Variant;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.virtio.blk.DriverOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Measures the synchronous driver on QEMU's real virtio-blk device in one process on one disk image:
 * 4 KiB random reads at queue depth 1, 1 MiB sequential reads and writes, each unrecorded and
 * recorded, against the {@link ProbeRun probe} that shows what the machine allows; for guest RAM
 * shared with QEMU and, for comparison, over qtest memory commands (without the probe); on the
 * virtio-mmio transport and, when asked, on a virtio-blk-pci function (without the probe, which
 * speaks virtio-mmio only; the table's memory column says {@code pci shared} or {@code pci qtest}).
 * On virtio-mmio with shared memory the 4 KiB random reads (depth 1 and 32) are also measured on the
 * packed ring, on a second machine whose device has {@code packed=on}, in the same rounds; the PCI
 * runs use the split ring only. Runs of a workload alternate
 * (probe, driver, recorded, in an order that turns each round) so that noise falls on all of them,
 * and the table shows each cell's median over the rounds. Recorded runs write their traces into a
 * temporary folder, by default beside the image; {@code --trace-dir /dev/shm} keeps them in memory,
 * so that the figures are the recorder's own cost and not the disk's write bandwidth.
 *
 * <pre>
 * java -cp ... dev.vblk.bench.qemu.QemuBenchmark [--seconds S] [--rounds N] [--image-mib M]
 *     [--memory shared,qtest] [--rings split,packed] [--transport mmio,pci] [--max-request-kib K]
 *     [--qemu PATH] [--trace-dir DIR]
 * </pre>
 */
public final class QemuBenchmark {

    private static final long MIB = 1L << 20;

    private final double seconds;
    private final int rounds;
    private final int imageMib;
    private final List<String> memoryModes;
    private final boolean packedRing;
    private final List<String> transports;
    private final int maxRequestBytes;
    private final Optional<Path> qemu;
    private final Optional<Path> traceFolder;

    private QemuBenchmark(double seconds, int rounds, int imageMib, List<String> memoryModes, boolean packedRing,
            List<String> transports, int maxRequestBytes, Optional<Path> qemu, Optional<Path> traceFolder) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.imageMib = imageMib;
        this.memoryModes = memoryModes;
        this.packedRing = packedRing;
        this.transports = transports;
        this.maxRequestBytes = maxRequestBytes;
        this.qemu = qemu;
        this.traceFolder = traceFolder;
    }

    /** Runs the benchmark with the options described in the class comment and prints the table. */
    public static void main(String[] args) throws IOException {
        fromArguments(args).run(System.out);
    }

    /**
     * The benchmark the command-line options describe.
     *
     * @throws IllegalArgumentException for an unknown option or value
     */
    static QemuBenchmark fromArguments(String... args) {
        double seconds = 2;
        int rounds = 3;
        int imageMib = 256;
        List<String> modes = List.of("shared", "qtest");
        List<String> rings = List.of(ResultTable.SPLIT, ResultTable.PACKED);
        List<String> transports = List.of("mmio");
        int maxRequestBytes = DriverOptions.DEFAULTS.maxRequestBytes();
        Optional<Path> qemu = Optional.empty();
        Optional<Path> traceFolder = Optional.empty();
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--image-mib" -> imageMib = Integer.parseInt(value);
                case "--memory" -> modes = List.of(value.split(","));
                case "--rings" -> rings = List.of(value.split(","));
                case "--transport" -> transports = List.of(value.split(","));
                case "--max-request-kib" -> maxRequestBytes = Integer.parseInt(value) * 1024;
                case "--qemu" -> qemu = Optional.of(Path.of(value));
                case "--trace-dir" -> traceFolder = Optional.of(Path.of(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + "; options: --seconds S --rounds N --image-mib M --memory shared,qtest --rings split,packed "
                        + "--transport mmio,pci --max-request-kib K --qemu PATH --trace-dir DIR");
            }
            i++;
        }
        for (String mode : modes) {
            if (!mode.equals("shared") && !mode.equals("qtest")) {
                throw new IllegalArgumentException("--memory takes shared, qtest or both, not " + mode);
            }
        }
        if (!rings.contains(ResultTable.SPLIT) || !List.of(ResultTable.SPLIT, ResultTable.PACKED).containsAll(rings)) {
            throw new IllegalArgumentException("--rings takes split or split,packed, not " + String.join(",", rings));
        }
        for (String transport : transports) {
            if (!transport.equals("mmio") && !transport.equals("pci")) {
                throw new IllegalArgumentException("--transport takes mmio, pci or both, not " + transport);
            }
        }
        return new QemuBenchmark(seconds, rounds, imageMib, modes, rings.contains(ResultTable.PACKED), transports,
                maxRequestBytes, qemu, traceFolder);
    }

    /** Measures every mode and workload and prints the table to {@code out}. */
    public void run(PrintStream out) throws IOException {
        Path directory = Files.createTempDirectory("vblk-bench-");
        Path traces = traceFolder.isPresent() ? Files.createTempDirectory(traceFolder.get(), "vblk-bench-") : directory;
        try {
            Path image = directory.resolve("bench.img");
            TraceMetadata.DiskImage disk = writeImage(image);
            BoardParameters board = new BoardParameters(BoardParameters.QEMU_VIRT_DEFAULTS.window(),
                    DriverOptions.DEFAULTS.withMaxRequestBytes(maxRequestBytes));
            out.printf("vblk QEMU benchmark: %d MiB raw image of random bytes, %d round(s) of %.1f s per run, "
                    + "driver requests up to %d KiB, queue depth 1 unless named; traces recorded in %s%n", imageMib, rounds,
                    seconds, maxRequestBytes / 1024, traces);
            ResultTable table = new ResultTable();
            for (String transport : transports) {
                boolean pci = transport.equals("pci");
                for (String mode : memoryModes) {
                    // Every measured run binds the driver afresh and closes it after, giving its buffer
                    // pool back to guest RAM.
                    QemuConfig.Builder config = QemuConfig.builder().sharedMemory(mode.equals("shared"));
                    if (pci) {
                        config.pciDrive(DriveConfig.raw(image));
                    } else {
                        config.drive(DriveConfig.raw(image));
                    }
                    qemu.ifPresent(config::binary);
                    boolean packed = packedRing && mode.equals("shared") && !pci;
                    try (QemuMachine machine = QemuMachine.start(config.build());
                            QemuMachine packedMachine = packed ? startPacked(config, image, disk) : null) {
                        Optional<DriverRun> packedDriver = Optional.ofNullable(packedMachine).map(m -> new DriverRun(m,
                                new BoardParameters(board.window(), board.options().withPackedRing(true)),
                                packedImage(image, disk), traces));
                        measure(pci ? "pci " + mode : mode, mode.equals("shared") && !pci, machine, packedDriver,
                                pci ? board.withPci(PciHostBridge.QEMU_VIRT) : board, disk, traces, table, out);
                    }
                }
            }
            out.println();
            table.print(out);
        } finally {
            deleteFolder(traces);
            deleteFolder(directory);
        }
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(folder);
    }

    /**
     * A second machine like {@code config}'s whose device offers the packed ring, on a copy of the
     * image (QEMU locks an image for writing, so two machines cannot share one).
     */
    private static QemuMachine startPacked(QemuConfig.Builder config, Path image, TraceMetadata.DiskImage disk)
            throws IOException {
        Path copy = image.resolveSibling(packedImage(image, disk).name());
        Files.copy(image, copy);
        QemuConfig split = config.build();
        return QemuMachine.start(new QemuConfig(split.binary(), split.ramBytes(), List.of(DriveConfig.raw(copy)),
                List.of("-global", "virtio-blk-device.packed=on"), split.replyTimeout(), split.sharedMemory(), List.of()));
    }

    /** The packed-ring machine's copy of the image, for trace metadata. */
    private static TraceMetadata.DiskImage packedImage(Path image, TraceMetadata.DiskImage disk) {
        return new TraceMetadata.DiskImage("packed-" + image.getFileName(), disk.sizeBytes(), disk.sha256());
    }

    /**
     * Measures one machine's cells into the table under {@code memory} ({@code shared}, {@code qtest},
     * or either after {@code pci}), with the probe if {@code probed}.
     */
    private void measure(String memory, boolean probed, QemuMachine machine, Optional<DriverRun> packedDriver,
            BoardParameters board, TraceMetadata.DiskImage disk, Path directory, ResultTable table, PrintStream out) {
        DriverRun driver = new DriverRun(machine, board, disk, directory);
        ProbeRun probe = new ProbeRun(machine, imageMib * MIB / 512);
        long budget = (long) (seconds * TimeUnit.SECONDS.toNanos(1));
        // The probe polls the used index; over qtest every poll is a round trip that delays the
        // device's own work, so it is no upper limit there and runs with shared memory only. It
        // speaks virtio-mmio, so it does not run on the machine with the PCI drive.
        List<Variant> variants = probed
                ? List.of(Variant.PROBE, Variant.DRIVER, Variant.RECORDED)
                : List.of(Variant.DRIVER, Variant.RECORDED);
        for (AccessPattern pattern : AccessPattern.values()) {
            for (Cell cell : cells(variants, pattern, driver, packedDriver)) {
                run(cell.variant(), pattern, probe, cell.driver(), budget / 4);
            }
        }
        for (int round = 0; round < rounds; round++) {
            out.printf("%s memory, round %d of %d%n", memory, round + 1, rounds);
            for (AccessPattern pattern : AccessPattern.values()) {
                List<Cell> order = cells(variants, pattern, driver, packedDriver);
                Collections.rotate(order, round);
                for (Cell cell : order) {
                    table.add(memory, cell.ring(), pattern, cell.variant(),
                            run(cell.variant(), pattern, probe, cell.driver(), budget));
                }
            }
        }
    }

    /** One measured cell of a workload: a variant on a ring. */
    private record Cell(String ring, Variant variant, DriverRun driver) {}

    /**
     * The cells measured for a workload, in the order of the first round: the variants on the split
     * ring, then, for the workloads that compare rings, the driver unrecorded and recorded on the
     * packed ring.
     */
    private static List<Cell> cells(List<Variant> variants, AccessPattern pattern, DriverRun split,
            Optional<DriverRun> packed) {
        List<Cell> cells = new ArrayList<>();
        for (Variant variant : variants(variants, pattern)) {
            cells.add(new Cell(ResultTable.SPLIT, variant, split));
        }
        if (packed.isPresent() && pattern.comparesRings()) {
            cells.add(new Cell(ResultTable.PACKED, Variant.DRIVER, packed.get()));
            cells.add(new Cell(ResultTable.PACKED, Variant.RECORDED, packed.get()));
        }
        return cells;
    }

    /** The variants measured for a workload: the probe keeps one request in flight, so not at depth. */
    private static List<Variant> variants(List<Variant> variants, AccessPattern pattern) {
        return pattern.depth() == 1 ? variants : variants.stream().filter(v -> v != Variant.PROBE).toList();
    }

    private static Measurement run(Variant variant, AccessPattern pattern, ProbeRun probe, DriverRun driver, long budget) {
        return switch (variant) {
            case PROBE -> probe.run(pattern, budget);
            case DRIVER -> driver.run(pattern, false, budget);
            case RECORDED -> driver.run(pattern, true, budget);
        };
    }

    /** Writes the image with random bytes and describes it for trace metadata. */
    private TraceMetadata.DiskImage writeImage(Path image) {
        byte[] block = new byte[(int) MIB];
        SplittableRandom random = new SplittableRandom(3);
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (OutputStream file = new DigestOutputStream(Files.newOutputStream(image), sha256)) {
                for (int i = 0; i < imageMib; i++) {
                    random.nextBytes(block);
                    file.write(block);
                }
            }
            return new TraceMetadata.DiskImage(image.getFileName().toString(), imageMib * MIB,
                    HexFormat.of().formatHex(sha256.digest()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark image " + image, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
