package dev.vblk.bench;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.platform.Platform;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceWriter;
import dev.vblk.virtio.blk.DriverOptions;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

/**
 * The traces the benchmarks read and replay, recorded once into a folder (system property
 * {@code vblk.bench.traces}, default {@code target/bench-traces}) and reused while they exist.
 *
 * <p>{@code fake-mixed}: 1,000 alternating 4 KiB writes and reads on the fake device.
 * {@code qemu-random-reads}: 1,000 4 KiB reads at seeded random sectors on QEMU.
 * {@code qemu-large-reads}: 32 reads of 1 MiB on QEMU. QEMU's disk is a 64 MiB image of seeded
 * random bytes, so the data does not compress. Run as a program to record them all:
 * {@code java -cp benchmarks.jar dev.vblk.bench.BenchTraces}.
 */
public final class BenchTraces {

    /** The name of the one block device of every fixture. */
    public static final String DEVICE = "virtio-blk@0x0a003e00";

    /** Sectors of QEMU's disk image. */
    static final int QEMU_DISK_SECTORS = 64 * 2048;

    private BenchTraces() {}

    /** Records every fixture that is missing. */
    public static void main(String[] args) {
        for (String name : List.of("fake-mixed", "qemu-random-reads", "qemu-large-reads")) {
            System.out.println(get(name));
        }
    }

    /** The folder the fixtures live in. */
    public static Path folder() {
        return Path.of(System.getProperty("vblk.bench.traces", "target/bench-traces"));
    }

    /** The fixture trace {@code name}, recorded first if it is missing. */
    public static Path get(String name) {
        Path file = folder().resolve(name + ".trace.avro");
        if (Files.exists(file)) {
            return file;
        }
        try {
            Files.createDirectories(folder());
            Path partial = folder().resolve(name + ".partial");
            switch (name) {
                case "fake-mixed" -> recordOnFake(partial);
                case "qemu-random-reads" -> recordOnQemu(randomReads(), partial, TraceCodec.DEFAULT);
                case "qemu-large-reads" -> recordOnQemu(largeReads(), partial, TraceCodec.DEFAULT);
                default -> throw new IllegalArgumentException("no bench trace " + name);
            }
            return Files.move(partial, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The workload of {@code qemu-random-reads} or {@code qemu-large-reads}. */
    public static List<BlockOperation> qemuWorkload(String name) {
        return switch (name) {
            case "random-reads" -> randomReads();
            case "large-reads" -> largeReads();
            default -> throw new IllegalArgumentException("no QEMU workload " + name);
        };
    }

    private static List<BlockOperation> randomReads() {
        Random random = new Random(13);
        List<BlockOperation> list = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            list.add(BlockOperation.read(DEVICE, random.nextInt(QEMU_DISK_SECTORS / 8) * 8L, 8));
        }
        return list;
    }

    private static List<BlockOperation> largeReads() {
        List<BlockOperation> list = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            list.add(BlockOperation.read(DEVICE, i * 2048L, 2048));
        }
        return list;
    }

    private static void recordOnFake(Path file) {
        FakePlatform machine = FakePlatform.create();
        machine.attachBlockDevice(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(1 << 14)).build());
        List<BlockOperation> list = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            long sector = (i * 8L) % 8000;
            list.add(i % 2 == 0 ? BlockOperation.write(DEVICE, sector, pattern(4096, i))
                    : BlockOperation.read(DEVICE, sector - 8, 8));
        }
        BoardParameters board = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS);
        record(machine, board, file, list, Map.of("kind", "fake"), TraceCodec.DEFAULT);
    }

    /** A QEMU machine with the bench's disk image, created first if it is missing. */
    static QemuMachine startQemu() {
        Path image = folder().resolve("disk.img");
        if (!Files.exists(image)) {
            try {
                Files.createDirectories(folder());
                Random random = new Random(64);
                byte[] chunk = new byte[1 << 20];
                try (OutputStream out = Files.newOutputStream(image)) {
                    for (int i = 0; i < QEMU_DISK_SECTORS / 2048; i++) {
                        random.nextBytes(chunk);
                        out.write(chunk);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return QemuMachine.start(QemuConfig.of(DriveConfig.raw(image)));
    }

    /** Records a workload on a fresh QEMU machine. */
    private static void recordOnQemu(List<BlockOperation> operations, Path file, TraceCodec codec) {
        try (QemuMachine vm = startQemu()) {
            record(vm.platform(), BoardParameters.QEMU_VIRT_DEFAULTS, file, operations,
                    Map.of("kind", "qemu", "qemu.version", vm.qemuVersion()), codec);
        }
    }

    /** Runs a workload on a platform while recording it. */
    static void record(Platform platform, BoardParameters board, Path file, List<BlockOperation> operations,
            Map<String, String> platformMetadata, TraceCodec codec) {
        TraceMetadata metadata = TraceMetadata.of(Instant.EPOCH, platformMetadata, List.of(), "bench",
                OptionalLong.empty(), board.toMap());
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata, codec))) {
            DriverSession session = DriverSession.record(platform, board, recorder);
            for (BlockOperation operation : operations) {
                session.perform(operation);
            }
        }
    }

    /** Runs a workload on a platform without recording. */
    static void run(Platform platform, BoardParameters board, List<BlockOperation> operations) {
        DriverSession session = DriverSession.discover(platform, board);
        for (BlockOperation operation : operations) {
            session.perform(operation);
        }
    }

    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed * 17 + i / 512);
        }
        return bytes;
    }
}
