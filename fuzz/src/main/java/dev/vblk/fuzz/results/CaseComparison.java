package dev.vblk.fuzz.results;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Compares two campaigns' {@value ResultFiles#CASES} files record by record: the same cases in the
 * same order, each with the same verdict, invariants, findings, platform calls, virtual time and new
 * coverage (the files hold no wall-clock timings, so nothing is left out). Used to show that a change
 * (more threads, a rewritten oracle) leaves every case's judgement as it was.
 *
 * <pre>java -cp CLASSPATH dev.vblk.fuzz.results.CaseComparison A/cases.avro B/cases.avro</pre>
 *
 * prints {@code equal: N cases} and exits 0, or prints the first differences and exits 1; an
 * unreadable file gives one line and exit 2.
 */
public final class CaseComparison {

    /** The most differing records {@link #differences} describes. */
    public static final int MOST_REPORTED = 10;

    private CaseComparison() {}

    /**
     * The differences between two case lists, at most {@link #MOST_REPORTED} of them, described one a
     * line; empty when both hold equal records in the same order.
     */
    public static List<String> differences(List<CaseResult> expected, List<CaseResult> actual) {
        List<String> differences = new ArrayList<>();
        if (expected.size() != actual.size()) {
            differences.add("the first holds " + expected.size() + " cases, the second " + actual.size());
        }
        int common = Math.min(expected.size(), actual.size());
        for (int i = 0; i < common && differences.size() < MOST_REPORTED; i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                differences.add("record " + i + ":\n  first:  " + expected.get(i) + "\n  second: " + actual.get(i));
            }
        }
        return differences;
    }

    /** The differences between two {@value ResultFiles#CASES} files, as {@link #differences(List, List)}. */
    public static List<String> differences(Path expected, Path actual) {
        return differences(read(expected), read(actual));
    }

    private static List<CaseResult> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no such file: " + file);
        }
        ResultFiles.Contents<CaseResult> contents = ResultFiles.readCases(file);
        if (contents.cutShort()) {
            throw new IllegalArgumentException(file + " was cut short while written");
        }
        return contents.records();
    }

    /** Compares the two files named on the command line. */
    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: CaseComparison FIRST/cases.avro SECOND/cases.avro");
            System.exit(2);
        }
        List<String> differences;
        try {
            differences = differences(Path.of(args[0]), Path.of(args[1]));
        } catch (RuntimeException e) {
            System.err.println("case comparison: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (differences.isEmpty()) {
            System.out.println("equal: " + ResultFiles.readCases(Path.of(args[0])).records().size() + " cases");
            return;
        }
        differences.forEach(System.out::println);
        System.exit(1);
    }
}
