package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code vblk replay --junit}: the report, read back with the JDK's XML parser. */
class ReplayJunitReportTest {

    @TempDir
    Path directory;

    @Test
    void oneTestCasePerTraceWithTheDivergenceAsTheFailure() throws Exception {
        Traces.Changed changed = Traces.withChangedSector("known-sectors", directory.resolve("changed.trace.avro"));
        Path junk = Files.write(directory.resolve("junk.trace.avro"), new byte[] {'O', 'b', 'j', 1, 0, 0});
        Path report = directory.resolve("report.xml");
        Cli.Result result = Cli.run("replay", Cli.golden("write-read").toString(), changed.file().toString(),
                junk.toString(), "--junit", report.toString());
        assertEquals(ExitCodes.BAD_TRACE, result.exitCode(), result.toString());

        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        Element suites = xml.getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        assertEquals("3", suites.getAttribute("tests"));
        assertEquals("1", suites.getAttribute("failures"));
        assertEquals("1", suites.getAttribute("errors"));
        NodeList cases = xml.getElementsByTagName("testcase");
        assertEquals(3, cases.getLength());
        Element good = (Element) cases.item(0);
        assertEquals(Cli.golden("write-read").toString(), good.getAttribute("name"));
        assertEquals("vblk.replay.strict", good.getAttribute("classname"));
        assertEquals(0, good.getElementsByTagName("failure").getLength() + good.getElementsByTagName("error").getLength());

        Element diverged = (Element) cases.item(1);
        Element failure = (Element) diverged.getElementsByTagName("failure").item(0);
        String message = failure.getAttribute("message");
        assertTrue(message.startsWith("event ") && message.contains("trace has succeeded (sha256"), message);
        assertTrue(result.out().contains(message), "the message is the report's headline: " + message);
        assertTrue(failure.getTextContent().contains("Replay diverged (strict) in " + changed.file()),
                failure.getTextContent());
        assertTrue(result.out().contains(failure.getTextContent().strip().lines().findFirst().orElseThrow()),
                "the failure text is the report the command printed");

        Element bad = (Element) cases.item(2);
        assertEquals(1, bad.getElementsByTagName("error").getLength());
    }

    @Test
    void theExitStatusIsAsWithoutTheReport() throws Exception {
        Traces.Changed changed = Traces.withChangedSector("known-sectors", directory.resolve("changed.trace.avro"));
        Cli.Result result = Cli.run("replay", changed.file().toString(), "--junit", directory.resolve("r.xml").toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, result.exitCode(), result.toString());
        Cli.Result good = Cli.run("replay", Cli.golden("discovery").toString(), "--junit", directory.resolve("g.xml").toString());
        assertEquals(ExitCodes.OK, good.exitCode(), good.toString());
    }

    @Test
    void theReportMayNotBeATrace() {
        Path trace = Cli.golden("discovery");
        Cli.Result result = Cli.run("replay", trace.toString(), "--junit", trace.toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertTrue(result.err().contains("is the input"), result.err());
    }
}
