package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The positions {@link EntryCodec} writes and {@link EntryDecoder} reads without the schema are the schema's. */
class SchemaPositionsTest {

    private static final String NAMESPACE = "dev.vblk.trace.avro.";
    private static final Schema UNION = TraceFormat.schema().getField("entry").schema();

    @Test
    void everyBranchHasItsPositionInTheEntryUnion() {
        assertEquals(UNION.getTypes().size(), EntryCodec.BY_INDEX.length);
        for (EntryCodec.Branch branch : EntryCodec.Branch.values()) {
            assertEquals(UNION.getIndexNamed(NAMESPACE + recordName(branch)), branch.index, branch.name());
            assertEquals(branch, EntryCodec.BY_INDEX[branch.index], branch.name());
        }
    }

    @Test
    void nestedUnionsAndTheKindEnumHaveTheirPositions() {
        Schema address = branch(EntryCodec.Branch.FRAME_ALLOCATION).getField("address").schema();
        assertEquals(address.getIndexNamed("null"), EntryCodec.ADDRESS_ABSENT);
        assertEquals(address.getIndexNamed("long"), EntryCodec.ADDRESS_PRESENT);
        Schema outcome = branch(EntryCodec.Branch.OPERATION_END).getField("outcome").schema();
        assertEquals(outcome.getIndexNamed(NAMESPACE + "Succeeded"), EntryCodec.SUCCEEDED);
        assertEquals(outcome.getIndexNamed(NAMESPACE + "Failed"), EntryCodec.FAILED);
        List<String> symbols = branch(EntryCodec.Branch.OPERATION_BEGIN).getField("kind").schema().getEnumSymbols();
        assertEquals(symbols, Arrays.stream(EntryCodec.KIND_BY_SYMBOL).map(Enum::name).toList());
    }

    @Test
    void theStoredSchemaTextIsAvrosRenderingOfTheSchema() {
        assertEquals(TraceFormat.schema().toString(), TraceFormat.schemaText());
    }

    private static Schema branch(EntryCodec.Branch branch) {
        return UNION.getTypes().get(branch.index);
    }

    /** REGISTER_READ_DELTA: RegisterReadDelta. */
    private static String recordName(EntryCodec.Branch branch) {
        StringBuilder name = new StringBuilder();
        for (String word : branch.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }
}
