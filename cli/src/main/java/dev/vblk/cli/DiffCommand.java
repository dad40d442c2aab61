package dev.vblk.cli;

import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

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

    @Override
    public Integer call() {
        Trace a = Inputs.trace(first, false);
        Trace b = Inputs.trace(second, false);
        PrintWriter out = spec.commandLine().getOut();
        printMetadataDifferences(out, a, b);
        List<TraceEvent> left = a.events();
        List<TraceEvent> right = b.events();
        int common = 0;
        while (common < left.size() && common < right.size() && left.get(common).equals(right.get(common))) {
            common++;
        }
        if (common == left.size() && common == right.size()) {
            out.println("the traces' " + left.size() + " events are the same");
            return ExitCodes.OK;
        }
        TraceEventFormatter leftText = new TraceEventFormatter(InspectCommand.window(a.metadata()));
        TraceEventFormatter rightText = new TraceEventFormatter(InspectCommand.window(b.metadata()));
        for (int i = 0; i < common; i++) {
            String rendered = leftText.format(left.get(i));
            rightText.format(right.get(i));
            if (i >= common - context) {
                out.printf("  %6d  %s%n", i, rendered);
            }
        }
        out.printf("first difference at event %d (after %d equal events):%n", common, common);
        out.printf("A %6d  %s%n", common, common < left.size() ? leftText.format(left.get(common)) : "(end of trace)");
        out.printf("B %6d  %s%n", common, common < right.size() ? rightText.format(right.get(common)) : "(end of trace)");
        out.println();
        printCounts(out, TraceStats.of(left).events(), TraceStats.of(right).events());
        printOperations(out, InspectCommand.operations(left), InspectCommand.operations(right));
        return ExitCodes.FOUND_PROBLEMS;
    }

    private void printMetadataDifferences(PrintWriter out, Trace a, Trace b) {
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

    private static SortedMap<String, String> flatten(Trace trace) {
        SortedMap<String, String> map = new TreeMap<>();
        map.put("created", trace.metadata().created().toString());
        map.put("projectVersion", trace.metadata().projectVersion());
        map.put("workload", trace.metadata().workload().strip().replace('\n', ';'));
        trace.metadata().platform().forEach((k, v) -> map.put("platform." + k, v));
        trace.metadata().board().forEach((k, v) -> map.put("board." + k, v));
        for (int i = 0; i < trace.metadata().diskImages().size(); i++) {
            var disk = trace.metadata().diskImages().get(i);
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

    private static void printOperations(PrintWriter out, List<InspectCommand.OperationLine> left,
            List<InspectCommand.OperationLine> right) {
        int differing = 0;
        for (int i = 0; i < Math.max(left.size(), right.size()); i++) {
            String l = i < left.size() ? left.get(i).render() : "     (none)";
            String r = i < right.size() ? right.get(i).render() : "     (none)";
            if (!l.equals(r)) {
                if (differing++ == 0) {
                    out.println("operations that differ");
                }
                out.println("A " + l);
                out.println("B " + r);
            }
        }
        if (differing == 0) {
            out.println("the " + left.size() + " operations and their outcomes are the same");
        }
    }
}
