package dev.vblk.bench.qemu;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The measured rates by memory mode, virtqueue ring, pattern and variant, printed as the median of
 * each cell's rounds with the ratios that matter: the driver against the probe, recorded against
 * unrecorded, and the packed ring against the split ring. The memory column names the transport
 * too: {@code shared} and {@code qtest} on virtio-mmio, {@code pci shared} and {@code pci qtest} on a
 * virtio-blk-pci function.
 */
final class ResultTable {

    /** What ran: the probe, the driver, or the driver recorded. */
    enum Variant { PROBE, DRIVER, RECORDED }

    /** The split ring's name in the table. */
    static final String SPLIT = "split";
    /** The packed ring's name in the table. */
    static final String PACKED = "packed";

    private record Row(String memory, String ring, AccessPattern pattern) {}

    private final Map<Row, Map<Variant, List<Double>>> rates = new LinkedHashMap<>();

    /** Adds one round's measurement. */
    void add(String memory, String ring, AccessPattern pattern, Variant variant, Measurement measurement) {
        rates.computeIfAbsent(new Row(memory, ring, pattern), row -> new LinkedHashMap<>())
                .computeIfAbsent(variant, v -> new ArrayList<>())
                .add(pattern.rate(measurement));
    }

    /** The median rate of a cell, or NaN if nothing was measured. */
    double median(String memory, String ring, AccessPattern pattern, Variant variant) {
        List<Double> values = new ArrayList<>(rates.getOrDefault(new Row(memory, ring, pattern), Map.of())
                .getOrDefault(variant, List.of()));
        if (values.isEmpty()) {
            return Double.NaN;
        }
        values.sort(null);
        int middle = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
    }

    void print(PrintStream out) {
        String format = "%-10s %-6s %-27s %-6s %10s %10s %10s %13s %16s%n";
        out.printf(format, "memory", "ring", "workload", "unit", "probe", "driver", "recorded", "driver/probe",
                "recorded/driver");
        for (Row row : rates.keySet()) {
            double probe = median(row.memory(), row.ring(), row.pattern(), Variant.PROBE);
            double driver = median(row.memory(), row.ring(), row.pattern(), Variant.DRIVER);
            double recorded = median(row.memory(), row.ring(), row.pattern(), Variant.RECORDED);
            out.printf(format, row.memory(), row.ring(), row.pattern().label(), row.pattern().unit(), number(probe),
                    number(driver), number(recorded), ratio(driver, probe), ratio(recorded, driver));
        }
        boolean heading = false;
        for (Row row : rates.keySet()) {
            if (!row.ring().equals(PACKED)) {
                continue;
            }
            if (!heading) {
                out.printf("%npacked against split ring, driver unrecorded (medians)%n");
                heading = true;
            }
            double split = median(row.memory(), SPLIT, row.pattern(), Variant.DRIVER);
            double packed = median(row.memory(), PACKED, row.pattern(), Variant.DRIVER);
            out.printf("%-10s %-27s %-6s split %10s packed %10s packed/split %s%n", row.memory(), row.pattern().label(),
                    row.pattern().unit(), number(split), number(packed), ratio(packed, split));
        }
    }

    private static String number(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double part, double whole) {
        return Double.isNaN(part) || Double.isNaN(whole) ? "-" : String.format(Locale.ROOT, "%.2f", part / whole);
    }
}
