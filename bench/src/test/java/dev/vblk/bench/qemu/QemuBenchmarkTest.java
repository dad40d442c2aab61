package dev.vblk.bench.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.qemu.junit.RequiresQemu;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's pieces, and one very short run of it, so that it keeps working; its figures are not
 * judged here (speed is measured by running the benchmark, not by tests).
 */
class QemuBenchmarkTest {

    @Test
    void positionsAreAlignedInsideTheImageAndRepeat() {
        long sectors = 2048 * 8;
        LongUnaryOperator random = AccessPattern.RANDOM_4K_READ.positions(sectors);
        LongUnaryOperator again = AccessPattern.RANDOM_4K_READ.positions(sectors);
        long distinct = LongStream.range(0, 200).map(call -> {
            long sector = random.applyAsLong(call);
            assertEquals(sector, again.applyAsLong(call), "the same sequence every run");
            assertEquals(0, sector % 8, "4 KiB aligned");
            assertTrue(sector >= 0 && sector + 8 <= sectors);
            return sector;
        }).distinct().count();
        assertTrue(distinct > 150, distinct + " distinct positions of 200");
        LongUnaryOperator sequential = AccessPattern.SEQUENTIAL_1M_READ.positions(sectors);
        assertEquals(List.of(0L, 2048L, 4096L), List.of(sequential.applyAsLong(0), sequential.applyAsLong(1), sequential.applyAsLong(2)));
        assertEquals(0, sequential.applyAsLong(8), "wraps at the end of the image");
    }

    @Test
    void ratesAreCallsOrMegabytesPerSecond() {
        Measurement halfSecond = new Measurement(1000, 500_000_000L);
        assertEquals(2000, AccessPattern.RANDOM_4K_READ.rate(halfSecond), 1e-9);
        assertEquals(1000 * 1048576 / 1e6 * 2, AccessPattern.SEQUENTIAL_1M_WRITE.rate(halfSecond), 1e-9);
    }

    @Test
    void tablePrintsMediansAndRatios() {
        ResultTable table = new ResultTable();
        for (long calls : new long[] {300, 100, 200}) {
            table.add("shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ, ResultTable.Variant.PROBE,
                    new Measurement(calls * 2, 1_000_000_000L));
            table.add("shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ, ResultTable.Variant.DRIVER,
                    new Measurement(calls, 1_000_000_000L));
            table.add("shared", ResultTable.PACKED, AccessPattern.RANDOM_4K_READ, ResultTable.Variant.DRIVER,
                    new Measurement(calls + 100, 1_000_000_000L));
        }
        assertEquals(200, table.median("shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ, ResultTable.Variant.DRIVER), 1e-9);
        assertTrue(Double.isNaN(table.median("shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ,
                ResultTable.Variant.RECORDED)));
        String printed = print(table::print);
        assertTrue(Pattern.compile("shared +split +4 KiB random read +req/s +400 +200 +- +0\\.50 +-").matcher(printed).find(),
                printed);
        assertTrue(Pattern.compile("shared +4 KiB random read +req/s +split +200 +packed +300 +packed/split 1\\.50")
                .matcher(printed).find(), printed);
    }

    @Test
    void unknownOptionsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> QemuBenchmark.fromArguments("--fast"));
        assertThrows(IllegalArgumentException.class, () -> QemuBenchmark.fromArguments("--memory", "disk"));
        assertThrows(IllegalArgumentException.class, () -> QemuBenchmark.fromArguments("--rings", "packed"));
        assertThrows(IllegalArgumentException.class, () -> QemuBenchmark.fromArguments("--transport", "usb"));
        assertThrows(IllegalArgumentException.class, () -> QemuBenchmark.fromArguments("--transport", "mmio,usb"));
        assertThrows(IllegalArgumentException.class, () -> QemuBenchmark.fromArguments("--transport"));
    }

    @Test
    void transportsAreAccepted() {
        for (String transports : new String[] {"mmio", "pci", "mmio,pci", "pci,mmio"}) {
            QemuBenchmark.fromArguments("--transport", transports, "--rings", "split,packed");
        }
    }

    @Test
    void pciRowsAreLabelledInTheMemoryColumn() {
        ResultTable table = new ResultTable();
        table.add("shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ, ResultTable.Variant.DRIVER,
                new Measurement(100, 1_000_000_000L));
        table.add("pci shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ, ResultTable.Variant.DRIVER,
                new Measurement(300, 1_000_000_000L));
        assertEquals(300, table.median("pci shared", ResultTable.SPLIT, AccessPattern.RANDOM_4K_READ,
                ResultTable.Variant.DRIVER), 1e-9);
        String printed = print(table::print);
        assertTrue(Pattern.compile("(?m)^shared +split +4 KiB random read +req/s +- +100 ").matcher(printed).find(), printed);
        assertTrue(Pattern.compile("(?m)^pci shared +split +4 KiB random read +req/s +- +300 ").matcher(printed).find(),
                printed);
    }

    @Test
    @RequiresQemu
    void aShortRunMeasuresEveryWorkloadInBothModes() {
        QemuBenchmark benchmark = QemuBenchmark.fromArguments("--seconds", "0.05", "--rounds", "1", "--image-mib", "8");
        String printed = print(out -> {
            try {
                benchmark.run(out);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        for (String memory : new String[] {"shared", "qtest"}) {
            for (AccessPattern workload : AccessPattern.values()) {
                String row = Arrays.stream(printed.split("\n"))
                        .filter(line -> line.matches(memory + " +split +" + Pattern.quote(workload.label()) + " .*"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + memory + " " + workload + " in\n" + printed));
                boolean probed = memory.equals("shared") && workload.depth() == 1;
                String probe = probed ? "[\\d,]+" : "-";
                String probeRatio = probed ? "[\\d.]+" : "-";
                assertTrue(Pattern.compile(Pattern.quote(workload.unit()) + " +" + probe + "( +[\\d,]+){2} +" + probeRatio
                        + " +[\\d.]+$").matcher(row).find(), row);
                boolean packed = memory.equals("shared") && workload.comparesRings();
                assertEquals(packed, Pattern.compile("(?m)^" + memory + " +packed +" + Pattern.quote(workload.label())
                        + " +\\S+ +- +[\\d,]+ +[\\d,]+ +- +[\\d.]+$").matcher(printed).find(), printed);
            }
        }
        assertTrue(printed.contains("packed against split ring"), printed);
    }

    @Test
    @RequiresQemu
    void aShortRunMeasuresEveryWorkloadOverPciWithoutTheProbeOnTheSplitRing() {
        QemuBenchmark benchmark = QemuBenchmark.fromArguments("--seconds", "0.05", "--rounds", "1", "--image-mib", "8",
                "--memory", "shared", "--transport", "mmio,pci");
        String printed = print(out -> {
            try {
                benchmark.run(out);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
        for (AccessPattern workload : AccessPattern.values()) {
            String row = Arrays.stream(printed.split("\n"))
                    .filter(line -> line.matches("pci shared +split +" + Pattern.quote(workload.label()) + " .*"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no PCI row for " + workload + " in\n" + printed));
            assertTrue(Pattern.compile(Pattern.quote(workload.unit()) + " +-( +[\\d,]+){2} +- +[\\d.]+$").matcher(row).find(),
                    row);
            assertTrue(printed.lines().anyMatch(line -> line.matches("shared +split +" + Pattern.quote(workload.label())
                    + " .*")), printed);
        }
        assertTrue(printed.lines().noneMatch(line -> line.matches("pci shared +packed .*")), printed);
        assertTrue(printed.lines().anyMatch(line -> line.matches("shared +packed .*")), printed);
    }

    private static String print(Consumer<PrintStream> printer) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            printer.accept(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
