package dev.vblk.trace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Re-encodes entries of a file written with another schema than {@link TraceFormat#schema()} (one
 * that Avro schema resolution reads as it, such as a schema of the same format version with a field
 * more or less) into the current schema, so that {@link EntryCodec} decodes them. Resolution is
 * Avro's own, through its generic records; files written by this code never need it.
 */
final class EntryTranslator {

    private final GenericDatumReader<Object> reader;
    private final GenericDatumWriter<Object> writer = new GenericDatumWriter<>(TraceFormat.schema());
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
    private BinaryDecoder translated;
    private Object reuse;

    private EntryTranslator(Schema fileSchema) {
        this.reader = new GenericDatumReader<>(fileSchema, TraceFormat.schema());
    }

    /**
     * A translator for entries written with {@code fileSchema}, or empty when it encodes entries as
     * the current schema does: the same Parsing Canonical Form, or an entry union whose branches are
     * the first branches of the current one, unchanged (a file of an earlier format whose kinds of
     * entry the current format only added to, as format 3 added {@code ThreadSwitch} to format 2).
     */
    static Optional<EntryTranslator> forSchema(Schema fileSchema) {
        if (fileSchema == TraceFormat.schema() || SchemaNormalization.parsingFingerprint64(fileSchema)
                == SchemaNormalization.parsingFingerprint64(TraceFormat.schema()) || isUnionPrefix(fileSchema)) {
            return Optional.empty();
        }
        return Optional.of(new EntryTranslator(fileSchema));
    }

    /** Whether {@code fileSchema} is the current entry record with only the first branches of its union. */
    private static boolean isUnionPrefix(Schema fileSchema) {
        Schema current = TraceFormat.schema();
        if (fileSchema.getType() != Schema.Type.RECORD || !fileSchema.getFullName().equals(current.getFullName())
                || fileSchema.getFields().size() != 1 || fileSchema.getField("entry") == null) {
            return false;
        }
        Schema fileUnion = fileSchema.getField("entry").schema();
        List<Schema> branches = current.getField("entry").schema().getTypes();
        if (fileUnion.getType() != Schema.Type.UNION || fileUnion.getTypes().size() > branches.size()) {
            return false;
        }
        for (int i = 0; i < fileUnion.getTypes().size(); i++) {
            if (SchemaNormalization.parsingFingerprint64(fileUnion.getTypes().get(i))
                    != SchemaNormalization.parsingFingerprint64(branches.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Reads one entry from {@code in} and returns a decoder over it in the current schema. */
    BinaryDecoder translate(BinaryDecoder in) throws IOException {
        reuse = reader.read(reuse, in);
        bytes.reset();
        writer.write(reuse, encoder);
        translated = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), translated);
        return translated;
    }
}
