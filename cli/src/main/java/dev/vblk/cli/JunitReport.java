package dev.vblk.cli;

import dev.vblk.replay.DivergenceReport;
import dev.vblk.replay.ReplayResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * Replay verdicts as a JUnit XML report, the file CI servers (GitHub Actions, GitLab, Jenkins) show
 * as test results: one {@code testsuite} per run, one {@code testcase} per trace. A diverged trace is
 * a {@code failure} whose message is the divergence's headline and whose text is the whole report;
 * a trace that cannot be replayed is an {@code error}; the rendered verdict goes to {@code system-out}.
 */
final class JunitReport {

    /** One trace's verdict and how long its replay took. */
    private record Case(ReplayResult result, Duration time) {}

    private final List<Case> cases = new ArrayList<>();

    /** Adds one trace's verdict. */
    void add(ReplayResult result, Duration time) {
        cases.add(new Case(result, time));
    }

    /**
     * Writes the report, replacing {@code file}.
     *
     * @throws BadInputException if the file cannot be written
     */
    void write(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuites");
            writeCounts(xml);
            xml.writeCharacters("\n  ");
            xml.writeStartElement("testsuite");
            xml.writeAttribute("name", "vblk replay");
            writeCounts(xml);
            for (Case c : cases) {
                xml.writeCharacters("\n    ");
                writeCase(xml, c);
            }
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (IOException | XMLStreamException e) {
            throw new BadInputException("cannot write JUnit report " + file + ": " + e.getMessage(), e);
        }
    }

    private void writeCounts(XMLStreamWriter xml) throws XMLStreamException {
        xml.writeAttribute("tests", Integer.toString(cases.size()));
        xml.writeAttribute("failures", Long.toString(count(ReplayResult.Status.DIVERGED)));
        xml.writeAttribute("errors", Long.toString(count(ReplayResult.Status.BAD_TRACE)));
        xml.writeAttribute("skipped", "0");
        xml.writeAttribute("time", seconds(cases.stream().map(Case::time).reduce(Duration.ZERO, Duration::plus)));
    }

    private long count(ReplayResult.Status status) {
        return cases.stream().filter(c -> c.result().status() == status).count();
    }

    private static void writeCase(XMLStreamWriter xml, Case c) throws XMLStreamException {
        ReplayResult result = c.result();
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", "vblk.replay." + result.mode().name().toLowerCase(Locale.ROOT));
        xml.writeAttribute("name", result.trace());
        xml.writeAttribute("time", seconds(c.time()));
        switch (result.status()) {
            case DIVERGED -> {
                DivergenceReport report = result.divergence().orElseThrow();
                xml.writeStartElement("failure");
                xml.writeAttribute("type", "DIVERGED");
                xml.writeAttribute("message", xmlText(report.headline()));
                xml.writeCharacters(xmlText(report.render()));
                xml.writeEndElement();
            }
            case BAD_TRACE -> {
                xml.writeStartElement("error");
                xml.writeAttribute("type", "BAD_TRACE");
                xml.writeAttribute("message", xmlText(result.message()));
                xml.writeEndElement();
            }
            case REPRODUCED -> { }
        }
        xml.writeStartElement("system-out");
        xml.writeCharacters(xmlText(result.render()));
        xml.writeEndElement();
        xml.writeEndElement();
    }

    private static String seconds(Duration time) {
        return String.format(Locale.ROOT, "%.3f", time.toNanos() / 1e9);
    }

    /** The text with the characters XML 1.0 cannot hold (most control characters) replaced by '?'. */
    private static String xmlText(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> clean.appendCodePoint(c == '\t' || c == '\n' || c == '\r'
                || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000 ? c : '?'));
        return clean.toString();
    }
}
