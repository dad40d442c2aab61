package dev.vblk.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.avro.Schema;

/** The trace file format: its version, its Avro schema and the version of vblk that writes it. */
public final class TraceFormat {

    /**
     * The format version this code writes and the newest it reads. Raised on any change that a
     * reader of the previous version could not read through Avro schema resolution.
     */
    public static final int FORMAT_VERSION = 5;

    private static final String PROJECT_VERSION = loadProjectVersion();

    private TraceFormat() {}

    /** The Avro schema of one trace entry, as written into every trace file. */
    public static Schema schema() {
        return SchemaHolder.SCHEMA;
    }

    /**
     * The schema's JSON text, as a writer stores it in a file's header: Avro's rendering of
     * {@link #schema()}, kept as it is in {@code trace-entry.stored.json} so that reading a file of the
     * current schema, which compares its text with this, parses no schema (a test checks the two agree).
     */
    static String schemaText() {
        return TextHolder.TEXT;
    }

    /** Parses the schema on first use only, so that asking for the versions loads no Avro classes. */
    private static final class SchemaHolder {
        static final Schema SCHEMA = loadSchema();
    }

    /** Reads the stored schema text on first use only. */
    private static final class TextHolder {
        static final String TEXT = loadText();
    }

    /** The version of vblk this code belongs to. */
    public static String projectVersion() {
        return PROJECT_VERSION;
    }

    private static Schema loadSchema() {
        try (InputStream in = resource("trace-entry.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace schema from the class path", e);
        }
    }

    private static String loadText() {
        try (InputStream in = resource("trace-entry.stored.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace schema from the class path", e);
        }
    }

    private static String loadProjectVersion() {
        Properties properties = new Properties();
        try (InputStream in = resource("project.properties")) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the project version from the class path", e);
        }
        return properties.getProperty("project.version");
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = TraceFormat.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("resource dev/vblk/trace/" + name + " is missing");
        }
        return in;
    }
}
