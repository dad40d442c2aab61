package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Python's {@code avro} package (Debian's {@code python3-avro}) reads every entry of a format 4
 * trace and of every golden trace, as Avro's Java reader (what {@code avro-tools tojson} uses) does.
 * Skipped without it, except in CI ({@code CI=true}), where it fails.
 */
class PythonAvroReaderTest {

    private static final String PYTHON = "/usr/bin/python3";

    /** Prints, for each file, how many entries have each set of fields (a record's fields, sorted). */
    private static final String COUNT_ENTRIES = String.join("\n",
            "import sys, collections",
            "from avro.datafile import DataFileReader",
            "from avro.io import DatumReader",
            "for path in sys.argv[1:]:",
            "    counts = collections.Counter()",
            "    with DataFileReader(open(path, 'rb'), DatumReader()) as reader:",
            "        for entry in reader:",
            "            counts[','.join(sorted(entry['entry'].keys()))] += 1",
            "    print(path, ' '.join(k + '=' + str(v) for k, v in sorted(counts.items())))",
            "");

    @TempDir
    Path directory;

    @Test
    void pythonsAvroPackageReadsEveryEntryJavasAvroReads() throws Exception {
        assumePythonAvro();
        byte[] data = new byte[64 * 1024];
        new SplittableRandom(7).nextBytes(data);
        Path written = directory.resolve("format-4.trace.avro");
        try (TraceWriter writer = TraceWriter.create(written, TraceSamples.metadata(), TraceCodec.DEFLATE)) {
            writer.append(new TraceEvent.OperationBegin(1, OperationKind.WRITE, "d", 0, data.length / 512, 0, data));
            writer.appendMemoryWrite(0x4000_0000L, data, 0, data.length);
            writer.appendMemoryRead(0x4000_0000L, data, 4096, 8192);
            writer.appendSucceeded(1, data, 0, data.length);
            TraceSamples.events().sampleStream().limit(200).forEach(writer::append);
        }
        List<Path> files = new ArrayList<>(List.of(written));
        try (Stream<Path> golden = Files.walk(Path.of(System.getProperty("vblk.traces", "../traces")))) {
            golden.filter(path -> path.toString().endsWith(".trace.avro")).sorted().forEach(files::add);
        }
        assertTrue(files.size() > 10, "the golden traces are found: " + files);

        List<String> command = new ArrayList<>(List.of(PYTHON, "-c", COUNT_ENTRIES));
        files.forEach(file -> command.add(file.toString()));
        Process python = new ProcessBuilder(command).redirectErrorStream(true).start();
        String printed = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, python.exitValue(), printed);

        List<String> expected = new ArrayList<>();
        for (Path file : files) {
            expected.add(file + " " + javaCounts(file));
        }
        assertEquals(String.join("\n", expected), printed.strip());
    }

    private static String javaCounts(Path file) throws IOException {
        TreeMap<String, Integer> counts = new TreeMap<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(file.toFile(), new GenericDatumReader<>())) {
            for (GenericRecord entry : reader) {
                String fields = ((GenericRecord) entry.get("entry")).getSchema().getFields().stream()
                        .map(Schema.Field::name).sorted().collect(Collectors.joining(","));
                counts.merge(fields, 1, Integer::sum);
            }
        }
        return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    private static void assumePythonAvro() throws Exception {
        boolean present = Files.isExecutable(Path.of(PYTHON))
                && new ProcessBuilder(PYTHON, "-c", "import avro.datafile").start().waitFor() == 0;
        String reason = "Python's avro package is not installed (apt-get install python3-avro)";
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(reason + "; CI installs it (.ci/run)");
        }
        Assumptions.assumeTrue(present, reason);
    }
}
