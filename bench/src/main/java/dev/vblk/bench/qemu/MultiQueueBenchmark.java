package dev.vblk.bench.qemu;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.Completion;
import dev.vblk.block.RequestHandle;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Measures 4 KiB random reads on QEMU's device with {@code num-queues} set to the most queues asked
 * for: for every ring (split, packed), number of queues the driver sets up and number of submitting
 * threads, the threads read at once for the time given, thread {@code t} on queue {@code t mod
 * queues}, each keeping {@code depth} reads in flight. The cells of a round run in an order that
 * turns each round; the table shows each cell's median over the rounds, in reads per second.
 *
 * <pre>
 * java -cp ... dev.vblk.bench.qemu.MultiQueueBenchmark [--seconds S] [--rounds N] [--queues 1,2,4]
 *     [--threads 1,2,4] [--depth D] [--rings split,packed] [--image-mib M] [--qemu PATH]
 * </pre>
 */
public final class MultiQueueBenchmark {

    private static final int READ_BYTES = 4096;

    private final double seconds;
    private final int rounds;
    private final List<Integer> queueCounts;
    private final List<Integer> threadCounts;
    private final int depth;
    private final List<String> rings;
    private final int imageMib;
    private final Optional<Path> qemu;

    private MultiQueueBenchmark(double seconds, int rounds, List<Integer> queueCounts, List<Integer> threadCounts,
            int depth, List<String> rings, int imageMib, Optional<Path> qemu) {
        this.seconds = seconds;
        this.rounds = rounds;
        this.queueCounts = queueCounts;
        this.threadCounts = threadCounts;
        this.depth = depth;
        this.rings = rings;
        this.imageMib = imageMib;
        this.qemu = qemu;
    }

    /** Runs the benchmark with the options described in the class comment and prints the table. */
    public static void main(String[] args) throws Exception {
        fromArguments(args).run(System.out);
    }

    /**
     * The benchmark the command-line options describe.
     *
     * @throws IllegalArgumentException for an unknown option or value
     */
    static MultiQueueBenchmark fromArguments(String... args) {
        double seconds = 2;
        int rounds = 3;
        List<Integer> queues = List.of(1, 2, 4);
        List<Integer> threads = List.of(1, 2, 4);
        int depth = 1;
        List<String> rings = List.of(ResultTable.SPLIT, ResultTable.PACKED);
        int imageMib = 256;
        Optional<Path> qemu = Optional.empty();
        for (int i = 0; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(value);
                case "--rounds" -> rounds = Integer.parseInt(value);
                case "--queues" -> queues = counts("--queues", value, DriverOptions.QUEUE_LIMIT);
                case "--threads" -> threads = counts("--threads", value, 256);
                case "--depth" -> depth = Integer.parseInt(value);
                case "--rings" -> rings = List.of(value.split(","));
                case "--image-mib" -> imageMib = Integer.parseInt(value);
                case "--qemu" -> qemu = Optional.of(Path.of(value));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --seconds S "
                        + "--rounds N --queues 1,2,4 --threads 1,2,4 --depth D --rings split,packed --image-mib M --qemu PATH");
            }
        }
        if (!List.of(ResultTable.SPLIT, ResultTable.PACKED).containsAll(rings) || rings.isEmpty()) {
            throw new IllegalArgumentException("--rings takes split, packed or both, not " + String.join(",", rings));
        }
        if (depth < 1 || depth > DriverOptions.DEFAULTS.maxInFlight()) {
            throw new IllegalArgumentException("--depth must be from 1 to " + DriverOptions.DEFAULTS.maxInFlight());
        }
        if (seconds <= 0 || rounds < 1 || imageMib < 1) {
            throw new IllegalArgumentException("--seconds, --rounds and --image-mib must be positive");
        }
        return new MultiQueueBenchmark(seconds, rounds, queues, threads, depth, rings, imageMib, qemu);
    }

    private static List<Integer> counts(String option, String value, int most) {
        List<Integer> counts = new ArrayList<>();
        for (String item : value.split(",")) {
            int count = Integer.parseInt(item);
            if (count < 1 || count > most) {
                throw new IllegalArgumentException(option + " takes counts from 1 to " + most + ", not " + item);
            }
            counts.add(count);
        }
        return counts;
    }

    /** One cell of the table: a ring, how many queues the driver sets up, how many threads submit. */
    private record Cell(String ring, int queues, int threads) {}

    /** Measures every cell and prints the table to {@code out}. */
    public void run(PrintStream out) throws Exception {
        Path directory = Files.createTempDirectory("vblk-mq-bench-");
        Path image = directory.resolve("mq-bench.img");
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength((long) imageMib << 20);
        }
        int deviceQueues = Collections.max(queueCounts);
        out.printf("vblk multi-queue benchmark: 4 KiB random reads, %d MiB raw image, num-queues=%d, depth %d per "
                + "thread, %d round(s) of %.1f s per cell; %d CPU(s)%n", imageMib, deviceQueues, depth, rounds, seconds,
                Runtime.getRuntime().availableProcessors());
        Map<Cell, List<Double>> rates = new HashMap<>();
        try {
            for (String ring : rings) {
                QemuConfig.Builder config = QemuConfig.builder().drive(DriveConfig.raw(image))
                        .extraArgs("-global", "virtio-blk-device.num-queues=" + deviceQueues);
                if (ring.equals(ResultTable.PACKED)) {
                    config.extraArgs("-global", "virtio-blk-device.packed=on");
                }
                qemu.ifPresent(config::binary);
                try (QemuMachine machine = QemuMachine.start(config.build())) {
                    List<Cell> cells = new ArrayList<>();
                    for (int queues : queueCounts) {
                        for (int threads : threadCounts) {
                            cells.add(new Cell(ring, queues, threads));
                        }
                    }
                    for (Cell cell : cells) {
                        measure(machine, cell, seconds / 4);
                    }
                    for (int round = 0; round < rounds; round++) {
                        out.printf("%s ring, round %d of %d%n", ring, round + 1, rounds);
                        List<Cell> order = new ArrayList<>(cells);
                        Collections.rotate(order, round);
                        for (Cell cell : order) {
                            rates.computeIfAbsent(cell, c -> new ArrayList<>()).add(measure(machine, cell, seconds));
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(image);
            Files.deleteIfExists(directory);
        }
        out.println();
        print(rates, out);
    }

    private void print(Map<Cell, List<Double>> rates, PrintStream out) {
        StringBuilder header = new StringBuilder(String.format("%-8s %-7s", "ring", "queues"));
        for (int threads : threadCounts) {
            header.append(String.format(" %14s", threads + " thread(s)"));
        }
        out.println(header);
        for (String ring : rings) {
            for (int queues : queueCounts) {
                StringBuilder row = new StringBuilder(String.format("%-8s %-7d", ring, queues));
                for (int threads : threadCounts) {
                    List<Double> cell = new ArrayList<>(rates.get(new Cell(ring, queues, threads)));
                    Collections.sort(cell);
                    row.append(String.format(" %,14.0f", cell.get(cell.size() / 2)));
                }
                out.println(row);
            }
        }
        out.println("(4 KiB reads per second, median of the rounds)");
    }

    /** Reads per second of one cell's threads together over {@code budgetSeconds}. */
    private double measure(QemuMachine machine, Cell cell, double budgetSeconds) throws Exception {
        var drive = machine.drive(0);
        DriverOptions options = DriverOptions.DEFAULTS.withMaxQueues(cell.queues())
                .withPackedRing(cell.ring().equals(ResultTable.PACKED));
        VirtioBlkDevice device = VirtioBlkDevice.open(machine.platform(),
                new MmioSlot(drive.slot(), drive.transportAddress(), drive.interruptLine()), options);
        if (device.queueCount() != cell.queues()) {
            device.close();
            throw new IllegalStateException("the driver set up " + device.queueCount() + " queue(s), not " + cell.queues());
        }
        long budgetNanos = (long) (budgetSeconds * TimeUnit.SECONDS.toNanos(1));
        long sectors = device.capacitySectors() - READ_BYTES / 512;
        CyclicBarrier start = new CyclicBarrier(cell.threads());
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(cell.threads());
        try {
            List<Future<long[]>> results = new ArrayList<>();
            for (int t = 0; t < cell.threads(); t++) {
                VirtioBlkQueue queue = device.queue(t % cell.queues());
                SplittableRandom random = new SplittableRandom(t + 1);
                results.add(pool.submit(() -> {
                    start.await();
                    long begin = System.nanoTime();
                    long reads = 0;
                    List<byte[]> buffers = new ArrayList<>();
                    for (int i = 0; i < depth; i++) {
                        buffers.add(new byte[READ_BYTES]);
                    }
                    while (!stop.get() && System.nanoTime() - begin < budgetNanos) {
                        List<RequestHandle> handles = new ArrayList<>();
                        for (byte[] buffer : buffers) {
                            handles.add(queue.submitRead(random.nextLong(sectors / 8) * 8, buffer));
                        }
                        for (Completion completion : queue.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET)) {
                            if (!(completion instanceof Completion.Succeeded)) {
                                stop.set(true);
                                throw new IllegalStateException("a read failed: " + completion);
                            }
                        }
                        reads += depth;
                    }
                    return new long[] {reads, System.nanoTime() - begin};
                }));
            }
            long reads = 0;
            long longest = 0;
            for (Future<long[]> result : results) {
                long[] figures = result.get();
                reads += figures[0];
                longest = Math.max(longest, figures[1]);
            }
            return reads * 1e9 / longest;
        } finally {
            pool.shutdownNow();
            device.close();
        }
    }
}
