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

    /** The current schema's Parsing Canonical Form fingerprint, worked out once, when a file first needs it. */
    private static final class CurrentFingerprint {
        static final long VALUE = SchemaNormalization.parsingFingerprint64(TraceFormat.schema());
    }

    private EntryTranslator(Schema fileSchema) {
        this.reader = new GenericDatumReader<>(fileSchema, TraceFormat.schema());
    }

    /**
     * A translator for entries written with {@code fileSchema}, or empty when it encodes entries as
     * the current schema does: the same Parsing Canonical Form, or a schema whose unions and enums are
     * the first branches and symbols of the current one's, unchanged otherwise (a file of an earlier
     * format whose kinds of entry and operation the current format only added to: format 3 added
     * {@code ThreadSwitch} to format 2's entries, format 5 two operation kinds to format 4's).
     */
    static Optional<EntryTranslator> forSchema(Schema fileSchema) {
        if (fileSchema == TraceFormat.schema() || SchemaNormalization.parsingFingerprint64(fileSchema)
                == CurrentFingerprint.VALUE || isPrefix(fileSchema, TraceFormat.schema())) {
            return Optional.empty();
        }
        return Optional.of(new EntryTranslator(fileSchema));
    }

    /**
     * Whether data written with {@code file} is read as {@code current} reads it: the same types,
     * names and fields, each union's branches and each enum's symbols the first of {@code current}'s
     * (their indexes, which is what Avro writes, then mean the same).
     */
    private static boolean isPrefix(Schema file, Schema current) {
        if (file.getType() != current.getType()) {
            return false;
        }
        switch (file.getType()) {
            case RECORD: {
                List<Schema.Field> fields = file.getFields();
                if (!file.getFullName().equals(current.getFullName()) || fields.size() != current.getFields().size()) {
                    return false;
                }
                for (int i = 0; i < fields.size(); i++) {
                    Schema.Field field = current.getFields().get(i);
                    if (!fields.get(i).name().equals(field.name()) || !isPrefix(fields.get(i).schema(), field.schema())) {
                        return false;
                    }
                }
                return true;
            }
            case UNION: {
                List<Schema> branches = file.getTypes();
                if (branches.size() > current.getTypes().size()) {
                    return false;
                }
                for (int i = 0; i < branches.size(); i++) {
                    if (!isPrefix(branches.get(i), current.getTypes().get(i))) {
                        return false;
                    }
                }
                return true;
            }
            case ENUM:
                return file.getFullName().equals(current.getFullName()) && file.getEnumSymbols().size()
                        <= current.getEnumSymbols().size()
                        && file.getEnumSymbols().equals(current.getEnumSymbols().subList(0, file.getEnumSymbols().size()));
            case ARRAY:
                return isPrefix(file.getElementType(), current.getElementType());
            case MAP:
                return isPrefix(file.getValueType(), current.getValueType());
            case FIXED:
                return file.getFullName().equals(current.getFullName()) && file.getFixedSize() == current.getFixedSize();
            default:
                return true;
        }
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
