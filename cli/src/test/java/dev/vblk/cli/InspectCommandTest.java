package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk inspect} on the golden traces and on files that are not traces. */
class InspectCommandTest {

    @TempDir
    Path directory;

    /**
     * One count, one meaning: the operations (and failed operations) that {@code traces/README.md}
     * gives for each golden trace are the ones {@code inspect --summary} lists and {@code replay} compares.
     */
    @Test
    void theGoldenTracesReadmeCountsTheOperationsInspectListsAndReplayCompares() throws Exception {
        Pattern row = Pattern.compile("^\\| `([a-z0-9/-]+)\\.trace\\.avro` \\| [0-9,]+ \\| ([0-9,]+) \\(([0-9]+)\\) \\|.*");
        int rows = 0;
        for (String line : Files.readAllLines(Cli.golden("discovery").resolveSibling("README.md"))) {
            Matcher matcher = row.matcher(line);
            if (!matcher.matches()) {
                continue;
            }
            rows++;
            Path trace = Cli.golden(matcher.group(1));
            long operations = Long.parseLong(matcher.group(2).replace(",", ""));
            long failed = Long.parseLong(matcher.group(3));
            List<String> listed = Cli.run("inspect", "--summary", trace.toString()).out().lines()
                    .filter(text -> text.startsWith("  operation ")).toList();
            assertEquals(operations, listed.size(), trace + " in traces/README.md");
            assertEquals(failed, listed.stream().filter(text -> text.contains(" -> failed ")).count(), trace.toString());
            String replay = Cli.run("replay", trace.toString()).out();
            assertTrue(replay.contains("(" + operations + " of " + operations + " operations"), replay);
        }
        assertEquals(15, rows, "a row for each golden trace");
    }

    @Test
    void showsOperationsRequestsAndDecodedEvents() {
        Cli.Result result = Cli.run("inspect", Cli.golden("format-1/io-error").toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        String out = result.out();
        assertTrue(out.contains("complete, 298 events"), out);
        assertTrue(out.contains("drive.0.blkdebug = read_aio errno=5 sector=9 once=false"), out);
        assertTrue(out.contains("operation 2: read virtio-blk@0x0a003e00 sector 9, 1 sector(s) -> failed IO_ERROR"), out);
        assertTrue(out.contains("request 0 (slot 31): read sector 9, 1 sector(s) -> IOERR"), out);
        assertTrue(out.contains("request 1 (slot 31): read sector 8, 1 sector(s) -> OK"), out);
        assertTrue(out.contains("Status (slot 31)") && out.contains("ACKNOWLEDGE|DRIVER|FEATURES_OK"), out);
        assertTrue(out.contains("VERSION_1"), "feature words are decoded");
        assertEquals(298, out.lines().filter(line -> line.matches("\\s+\\d+  .*")).count(), "one line per event");
    }

    @Test
    void namesSecureEraseAndLifetimeOperationsAndRequestsInTextAndJson() throws Exception {
        Path file = Cli.golden("fake/secure-erase-lifetime");
        String out = Cli.run("inspect", "--summary", file.toString()).out();
        assertTrue(out.contains("operation 2: get_lifetime virtio-blk@0x0a003e00 -> succeeded"), out);
        assertTrue(out.contains("operation 4: secure_erase virtio-blk@0x0a003e00 sector 102, 4 sector(s) -> succeeded"), out);
        assertTrue(out.contains("request 0 (slot 31): get-lifetime -> OK"), out);
        assertTrue(out.contains("request 2 (slot 31): secure-erase sector 102, 4 sector(s) -> OK"), out);
        JsonNode root = new ObjectMapper().readTree(Cli.run("inspect", "--json", file.toString()).out());
        assertEquals(5, root.at("/metadata/formatVersion").asInt());
        assertEquals("GET_LIFETIME", root.at("/operations/1/kind").asText());
        assertEquals("SECURE_ERASE", root.at("/operations/3/kind").asText());
        assertEquals("secure-erase sector 102, 4 sector(s)", root.at("/requests/2/request").asText());
    }

    @Test
    void summaryLeavesOutTheEvents() {
        Cli.Result result = Cli.run("inspect", "--summary", Cli.golden("write-read").toString());
        assertEquals(ExitCodes.OK, result.exitCode());
        assertTrue(result.out().contains("request 0 (slot 31): write sector 40, 4 sector(s) -> OK"), result.out());
        assertTrue(!result.out().contains("\nevents"), result.out());
    }

    @Test
    void jsonHoldsMetadataOperationsRequestsAndEvents() throws Exception {
        Path file = Cli.golden("known-sectors");
        Cli.Result result = Cli.run("inspect", "--json", file.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        JsonNode root = new ObjectMapper().readTree(result.out());
        Trace trace = TraceReader.readComplete(file);
        assertEquals(trace.events().size(), root.get("events").size());
        assertEquals(trace.events().size(), root.get("eventCount").asInt());
        assertEquals("qemu", root.at("/metadata/platform/kind").asText());
        assertEquals(8, root.get("operations").size());
        assertEquals("READ", root.at("/operations/1/kind").asText());
        assertEquals(7, root.get("requests").size());
        assertEquals("read sector 17, 8 sector(s)", root.at("/requests/6/request").asText());
        assertEquals("OK", root.at("/requests/6/completion").asText());
    }

    /** Each event's fields, not only its line: what a program needs without parsing the text. */
    @Test
    void jsonGivesEachEventsFields() throws Exception {
        Path file = Cli.golden("known-sectors");
        JsonNode events = new ObjectMapper().readTree(Cli.run("inspect", "--json", file.toString()).out()).get("events");
        List<TraceEvent> trace = TraceReader.readComplete(file).events();
        JsonNode magic = events.get(1);
        assertEquals("RegisterRead", magic.get("kind").asText());
        assertEquals(0x0a000000L, magic.get("address").asLong());
        assertEquals("MagicValue", magic.get("register").asText());
        assertEquals(4, magic.get("width").asInt());
        assertEquals(0x74726976L, magic.get("value").asLong());
        assertEquals("0x74726976 (\"virt\")", magic.get("decoded").asText());
        boolean sawFeatures = false;
        boolean sawSector = false;
        for (int i = 0; i < trace.size(); i++) {
            JsonNode event = events.get(i);
            if (trace.get(i) instanceof TraceEvent.RegisterWrite write && event.get("register").asText().equals("Status")) {
                assertEquals(write.value(), event.get("value").asLong());
                assertTrue(event.get("decoded").asText().contains("ACKNOWLEDGE") || write.value() == 0, event.toString());
            }
            if (trace.get(i) instanceof TraceEvent.RegisterWrite && event.get("register").asText().equals("DriverFeatures")) {
                sawFeatures |= event.get("decoded").asText().contains("VERSION_1");
            }
            if (trace.get(i) instanceof TraceEvent.MemoryRead read && read.length() == 512) {
                assertEquals(HexFormat.of().formatHex(read.data()), event.get("data").asText(), "the data in full");
                sawSector = true;
            }
        }
        assertTrue(sawFeatures && sawSector);
        JsonNode end = events.get(trace.size() - 1);
        assertEquals("OperationEnd", end.get("kind").asText());
        assertTrue(end.get("succeeded").asBoolean());
        assertEquals(64, end.get("sha256").asText().length());
    }

    @Test
    void jsonGivesWholeDigests() throws Exception {
        Path file = Cli.golden("known-sectors");
        JsonNode root = new ObjectMapper().readTree(Cli.run("inspect", "--json", "--summary", file.toString()).out());
        TraceEvent.OperationEnd end = TraceReader.readComplete(file).events().stream()
                .filter(TraceEvent.OperationEnd.class::isInstance).map(TraceEvent.OperationEnd.class::cast)
                .filter(e -> e.operationId() == 2).findFirst().orElseThrow();
        String digest = HexFormat.of().formatHex(((OperationOutcome.Succeeded) end.outcome()).sha256());
        assertEquals(digest, root.at("/operations/1/sha256").asText());
        assertEquals(64, root.at("/operations/1/sha256").asText().length());
    }

    @Test
    void statsCountEventsByKind() throws Exception {
        Path file = Cli.golden("multi-sector-flush");
        Trace trace = TraceReader.readComplete(file);
        long memoryWrites = trace.events().stream().filter(TraceEvent.MemoryWrite.class::isInstance).count();
        Cli.Result result = Cli.run("inspect", "--stats", file.toString());
        assertEquals(ExitCodes.OK, result.exitCode());
        assertTrue(result.out().lines().anyMatch(line -> line.matches("\\s+MemoryWrite\\s+" + memoryWrites)), result.out());
        assertTrue(result.out().contains("READ                    3 (0)"), result.out());

        JsonNode json = new ObjectMapper().readTree(Cli.run("inspect", "--json", "--stats", file.toString()).out());
        assertEquals(memoryWrites, json.at("/stats/events/MemoryWrite").asLong());
    }

    @Test
    void aFileThatIsNotATraceIsABadTrace() throws Exception {
        Path file = Files.writeString(directory.resolve("notes.txt"), "not a trace at all\n");
        Cli.Result result = Cli.run("inspect", file.toString());
        assertEquals(ExitCodes.BAD_TRACE, result.exitCode());
        assertTrue(result.err().startsWith("vblk inspect: "), result.err());
        assertEquals(1, result.err().lines().count(), "one line, no stack trace: " + result.err());
    }

    @Test
    void aTruncatedTraceIsABadTraceUnlessItsValidPrefixIsAskedFor() throws Exception {
        byte[] whole = Files.readAllBytes(Cli.golden("multi-sector-flush"));
        Path cut = Files.write(directory.resolve("cut.trace.avro"), Arrays.copyOf(whole, whole.length * 2 / 3));
        Cli.Result refused = Cli.run("inspect", cut.toString());
        assertEquals(ExitCodes.BAD_TRACE, refused.exitCode());
        assertTrue(refused.err().contains("cut short") && refused.err().contains("--valid-prefix"), refused.err());

        Cli.Result prefix = Cli.run("inspect", "--valid-prefix", "--summary", cut.toString());
        assertEquals(ExitCodes.OK, prefix.exitCode(), prefix.toString());
        assertTrue(prefix.out().contains("truncated (valid prefix)"), prefix.out());
    }

    @Test
    void aMissingFileIsBadInput() {
        Cli.Result result = Cli.run("inspect", directory.resolve("nothing.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("does not exist"), result.err());
    }

    @Test
    void verboseAddsTheStackTrace() throws Exception {
        Path file = Files.writeString(directory.resolve("notes.txt"), "not a trace\n");
        Cli.Result result = Cli.run("inspect", "--verbose", file.toString());
        assertEquals(ExitCodes.BAD_TRACE, result.exitCode());
        assertTrue(result.err().contains("\tat dev.vblk.trace.TraceReader"), result.err());
    }
}
