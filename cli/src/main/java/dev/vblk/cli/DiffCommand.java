package dev.vblk.cli;

import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFile;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import java.io.PrintWriter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code vblk diff}: where two traces part, and how they differ after that. */
@Command(name = "diff",
        sortOptions = false,
        description = {
            "Compare two traces: the first event where they part, with the events before it, then the",
            "counts of each event kind on both sides and the operations whose request or outcome differs.",
            "Metadata differences are listed but do not count: two recordings never share a date."},
        footer = {
            "",
            "Examples:",
            "  vblk diff traces/known-sectors.trace.avro vblk-out/known-sectors.trace.avro",
            "  vblk diff --context 10 a.trace.avro b.trace.avro",
            "",
            "Exit status 0 when the events are the same, 1 when they differ."})
final class DiffCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "A", description = "The first trace.")
    Path first;

    @Parameters(index = "1", paramLabel = "B", description = "The second trace.")
    Path second;

    @Option(names = "--context", paramLabel = "N", defaultValue = "5",
            description = "Events shown before the first difference (default: ${DEFAULT-VALUE}).")
    int context;

    @Spec
    CommandSpec spec;

    /** What an operation is compared with when the other trace has no more. */
    private static final String NONE = "     (none)";

    @Override
    public Integer call() {
        if (context < 0) {
            throw new BadInputException("--context is a number of events (0 or more), not " + context);
        }
        TraceFile a = Inputs.trace(first, false);
        TraceFile b = Inputs.trace(second, false);
        TraceStats.Counter leftCounts = new TraceStats.Counter();
        TraceStats.Counter rightCounts = new TraceStats.Counter();
        FirstDifference difference = firstDifference(a, b, leftCounts, rightCounts);
        PrintWriter out = spec.commandLine().getOut();
        printMetadataDifferences(out, difference.leftMetadata(), difference.rightMetadata());
        if (difference.lines().isEmpty()) {
            out.println("the traces' " + difference.common() + " events are the same");
            return ExitCodes.OK;
        }
        difference.lines().forEach(out::println);
        out.println();
        printCounts(out, leftCounts.stats().events(), rightCounts.stats().events());
        printOperations(out, a, b);
        return ExitCodes.FOUND_PROBLEMS;
    }

    /**
     * Where two traces part.
     *
     * @param common the events before the first difference (all of them when the traces are the same)
     * @param lines what to print about it: the {@code context} events before it and both sides of it;
     *     empty when the traces are the same
     */
    private record FirstDifference(TraceMetadata leftMetadata, TraceMetadata rightMetadata, long common, List<String> lines) {}

    /**
     * Reads both traces side by side to their ends, counting their events, and notes their first
     * difference with the {@code context} events before it. Nothing is printed before both are read
     * whole, so a damaged trace gives its error alone.
     */
    private FirstDifference firstDifference(TraceFile a, TraceFile b, TraceStats.Counter leftCounts,
            TraceStats.Counter rightCounts) {
        try (TraceReader left = a.open(); TraceReader right = b.open()) {
            TraceEventFormatter leftText = new TraceEventFormatter(InspectCommand.window(left.metadata()));
            TraceEventFormatter rightText = new TraceEventFormatter(InspectCommand.window(right.metadata()));
            Deque<String> lines = new ArrayDeque<>();
            long common = 0;
            boolean differ = false;
            while (left.hasNext() || right.hasNext()) {
                TraceEvent l = left.hasNext() ? left.next() : null;
                TraceEvent r = right.hasNext() ? right.next() : null;
                if (l != null) {
                    leftCounts.accept(l);
                }
                if (r != null) {
                    rightCounts.accept(r);
                }
                if (differ) {
                    continue;
                }
                if (l == null || !l.equals(r)) {
                    differ = true;
                    lines.addLast(String.format("first difference at event %d (after %d equal events):", common, common));
                    lines.addLast(String.format("A %6d  %s", common, l == null ? "(end of trace)" : leftText.format(l)));
                    lines.addLast(String.format("B %6d  %s", common, r == null ? "(end of trace)" : rightText.format(r)));
                    if (l != null && r != null) {
                        firstDifferingByte(l, r).ifPresent(lines::addLast);
                    }
                    continue;
                }
                lines.addLast(String.format("  %6d  %s", common, leftText.format(l)));
                rightText.advance(r);
                if (lines.size() > context) {
                    lines.removeFirst();
                }
                common++;
            }
            return new FirstDifference(left.metadata(), right.metadata(), common, differ ? List.copyOf(lines) : List.of());
        }
    }

    /**
     * Where two events of one kind part in a byte array they carry (a memory access's data, a write's
     * payload), which their one-line forms may not show: they preview the first 16 bytes.
     */
    static Optional<String> firstDifferingByte(TraceEvent a, TraceEvent b) {
        if (a.getClass() != b.getClass() || !a.getClass().isRecord()) {
            return Optional.empty();
        }
        for (RecordComponent component : a.getClass().getRecordComponents()) {
            if (component.getType() != byte[].class) {
                continue;
            }
            byte[] left;
            byte[] right;
            try {
                left = (byte[]) component.getAccessor().invoke(a);
                right = (byte[]) component.getAccessor().invoke(b);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + component.getName() + " of " + a, e);
            }
            int at = Arrays.mismatch(left, right);
            if (at >= 0) {
                return Optional.of(String.format("          %s first differs at byte %d: A %s, B %s", component.getName(), at,
                        at < left.length ? String.format("%02x", left[at]) : "(ended)",
                        at < right.length ? String.format("%02x", right[at]) : "(ended)"));
            }
        }
        return Optional.empty();
    }

    private void printMetadataDifferences(PrintWriter out, TraceMetadata a, TraceMetadata b) {
        SortedMap<String, String> left = flatten(a);
        SortedMap<String, String> right = flatten(b);
        TreeSet<String> keys = new TreeSet<>(left.keySet());
        keys.addAll(right.keySet());
        for (String key : keys) {
            if (!Objects.equals(left.get(key), right.get(key))) {
                out.printf("metadata %s: A %s, B %s%n", key, shorten(left.getOrDefault(key, "(none)")),
                        shorten(right.getOrDefault(key, "(none)")));
            }
        }
    }

    /** A metadata value cut to a line's worth ('vblk inspect' shows it whole). */
    private static String shorten(String value) {
        return value.length() <= 60 ? value : value.substring(0, 57) + "...";
    }

    private static SortedMap<String, String> flatten(TraceMetadata metadata) {
        SortedMap<String, String> map = new TreeMap<>();
        map.put("created", metadata.created().toString());
        map.put("projectVersion", metadata.projectVersion());
        map.put("workload", metadata.workload().strip().replace('\n', ';'));
        metadata.platform().forEach((k, v) -> map.put("platform." + k, v));
        metadata.board().forEach((k, v) -> map.put("board." + k, v));
        for (int i = 0; i < metadata.diskImages().size(); i++) {
            var disk = metadata.diskImages().get(i);
            map.put("disk." + i, disk.name() + " " + disk.sizeBytes() + " " + disk.sha256());
        }
        return map;
    }

    private static void printCounts(PrintWriter out, SortedMap<String, Long> left, SortedMap<String, Long> right) {
        TreeSet<String> kinds = new TreeSet<>(left.keySet());
        kinds.addAll(right.keySet());
        out.printf("%-16s %8s %8s%n", "events", "A", "B");
        for (String kind : kinds) {
            long l = left.getOrDefault(kind, 0L);
            long r = right.getOrDefault(kind, 0L);
            out.printf("%-16s %8d %8d%s%n", kind, l, r, l == r ? "" : "  *");
        }
    }

    /**
     * Reads both traces side by side and prints the operations that differ, pairing the n-th
     * operation of one with the n-th of the other; only operations not yet paired are held.
     */
    private static void printOperations(PrintWriter out, TraceFile a, TraceFile b) {
        OperationPairs pairs = new OperationPairs(out);
        try (TraceReader left = a.open(); TraceReader right = b.open()) {
            OperationLines leftLines = new OperationLines();
            OperationLines rightLines = new OperationLines();
            while (left.hasNext() || right.hasNext()) {
                if (left.hasNext()) {
                    pairs.left(leftLines.accept(left.next()));
                }
                if (right.hasNext()) {
                    pairs.right(rightLines.accept(right.next()));
                }
            }
            pairs.left(leftLines.finish());
            pairs.right(rightLines.finish());
        }
        pairs.finish();
    }

    /** Pairs operations from the two sides as they arrive and prints the pairs that differ. */
    private static final class OperationPairs {
        private final PrintWriter out;
        private final Deque<String> left = new ArrayDeque<>();
        private final Deque<String> right = new ArrayDeque<>();
        private long compared;
        private long differing;

        OperationPairs(PrintWriter out) {
            this.out = out;
        }

        void left(List<OperationLine> lines) {
            lines.forEach(line -> left.addLast(line.render()));
            compare();
        }

        void right(List<OperationLine> lines) {
            lines.forEach(line -> right.addLast(line.render()));
            compare();
        }

        private void compare() {
            while (!left.isEmpty() && !right.isEmpty()) {
                print(left.pollFirst(), right.pollFirst());
            }
        }

        /** Both sides have ended: the operations one has and the other not differ. */
        void finish() {
            while (!left.isEmpty() || !right.isEmpty()) {
                print(left.isEmpty() ? NONE : left.pollFirst(), right.isEmpty() ? NONE : right.pollFirst());
            }
            if (differing == 0) {
                out.println("the " + compared + " operations and their outcomes are the same");
            }
        }

        private void print(String l, String r) {
            compared++;
            if (!l.equals(r)) {
                if (differing++ == 0) {
                    out.println("operations that differ");
                }
                out.println("A " + l);
                out.println("B " + r);
            }
        }
    }
}
