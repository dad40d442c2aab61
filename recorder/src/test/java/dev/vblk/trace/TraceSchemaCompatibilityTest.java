package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/** Within format version 1 the schema may only change in ways Avro schema resolution absorbs. */
class TraceSchemaCompatibilityTest {

    private static Schema formatOne() throws IOException {
        try (InputStream in = TraceSchemaCompatibilityTest.class.getResourceAsStream("trace-entry-format-1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void theCurrentSchemaReadsFormatOneFiles() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(TraceFormat.schema(), formatOne()).getType());
    }

    @Test
    void formatOneReadersReadFilesOfTheCurrentSchema() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(formatOne(), TraceFormat.schema()).getType());
    }

    @Test
    void theFormatVersionIsOne() {
        assertEquals(1, TraceFormat.FORMAT_VERSION, "a new format version needs its own checked-in schema copy");
    }
}
