package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The schema of each format version is checked in; the current schema reads every older one, and
 * within the current version it may only change in ways Avro schema resolution absorbs both ways.
 */
class TraceSchemaCompatibilityTest {

    private static Schema format(int version) throws IOException {
        try (InputStream in = TraceSchemaCompatibilityTest.class.getResourceAsStream(
                "trace-entry-format-" + version + ".avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    private static SchemaCompatibilityType reading(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    @Test
    void theCurrentSchemaReadsFormatOneFiles() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE, reading(TraceFormat.schema(), format(1)));
    }

    @Test
    void formatTwoIsANewVersionBecauseFormatOneReadersCannotReadIt() throws IOException {
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, reading(format(1), TraceFormat.schema()),
                "the operation kinds of format 2 are unknown to a format 1 reader");
    }

    @Test
    void theCurrentSchemaReadsFormatTwoFiles() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE, reading(TraceFormat.schema(), format(2)));
    }

    @Test
    void formatThreeIsANewVersionBecauseFormatTwoReadersCannotReadIt() throws IOException {
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, reading(format(2), TraceFormat.schema()),
                "the thread switches of format 3 are unknown to a format 2 reader");
    }

    @Test
    void formatThreeOnlyAddsAnEntryKindAfterFormatTwosSoFormatTwoFilesNeedNoTranslation() throws IOException {
        assertTrue(EntryTranslator.forSchema(format(2)).isEmpty(), "format 2 entries decode as format 3 entries");
        assertTrue(EntryTranslator.forSchema(format(1)).isPresent(), "format 1 entries are translated");
    }

    @Test
    void theCurrentSchemaReadsFormatThreeFiles() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE, reading(TraceFormat.schema(), format(3)));
    }

    @Test
    void formatFourIsANewVersionBecauseFormatThreeReadersCannotReadIt() throws IOException {
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, reading(format(3), TraceFormat.schema()),
                "the shared payload references of format 4 are unknown to a format 3 reader");
    }

    @Test
    void formatFourOnlyAddsEntryKindsAfterFormatThreesSoFormatThreeFilesNeedNoTranslation() throws IOException {
        assertTrue(EntryTranslator.forSchema(format(3)).isEmpty(), "format 3 entries decode as format 4 entries");
    }

    @Test
    void theCurrentSchemaReadsFormatFourFiles() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE, reading(TraceFormat.schema(), format(4)));
    }

    @Test
    void formatFiveIsANewVersionBecauseFormatFourReadersCannotReadIt() throws IOException {
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, reading(format(4), TraceFormat.schema()),
                "the SECURE_ERASE and GET_LIFETIME operation kinds of format 5 are unknown to a format 4 reader");
    }

    @Test
    void formatFiveOnlyAddsOperationKindsAfterFormatFoursSoOlderFilesNeedNoTranslation() throws IOException {
        assertTrue(EntryTranslator.forSchema(format(4)).isEmpty(), "format 4 entries decode as format 5 entries");
        assertTrue(EntryTranslator.forSchema(format(3)).isEmpty(), "format 3 entries decode as format 5 entries");
        assertTrue(EntryTranslator.forSchema(format(2)).isEmpty(), "format 2 entries decode as format 5 entries");
    }

    @Test
    void withinFormatFiveTheSchemaChangesOnlyCompatibly() throws IOException {
        assertEquals(SchemaCompatibilityType.COMPATIBLE, reading(TraceFormat.schema(), format(5)));
        assertEquals(SchemaCompatibilityType.COMPATIBLE, reading(format(5), TraceFormat.schema()));
    }

    @Test
    void formatFivesOperationKindsAreTheEnumsInItsOrderTheQueueResetLast() throws IOException {
        Schema begin = format(5).getField("entry").schema().getTypes().stream()
                .filter(branch -> branch.getName().equals("OperationBegin")).findFirst().orElseThrow();
        assertEquals(Arrays.stream(OperationKind.values()).map(Enum::name).toList(),
                begin.getField("kind").schema().getEnumSymbols());
        assertEquals(OperationKind.QUEUE_RESET, OperationKind.values()[OperationKind.values().length - 1]);
        assertEquals(OperationKind.ZONE_APPEND, OperationKind.values()[OperationKind.values().length - 2]);
    }

    @Test
    void theFormatVersionIsFive() {
        assertEquals(5, TraceFormat.FORMAT_VERSION, "a new format version needs its own checked-in schema copy");
    }
}
