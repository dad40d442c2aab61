package dev.vblk.fuzz.results;

import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.shrink.ShrinkSize;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableFileInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * The Avro files a campaign writes into its output folder: {@value #CASES} (one record per case,
 * schema {@code campaign-case.avsc}), {@value #FAILURES} (the failure corpus: one record per saved
 * failure, {@code failure-corpus.avsc}) and, once the campaign ends, {@value #SUMMARY} (one record,
 * {@code campaign-summary.avsc}). The schemas are read at run time from this package's resources,
 * as the recorder reads the trace schema; records are generic. Every file's header names the
 * campaign and shard ({@link CampaignHeader}) in its metadata.
 *
 * <p>{@link #readCases} and the other readers read a file cut short (a campaign killed while
 * writing) up to its last complete block and say so; records reach the file a block at a time
 * ({@link CampaignLog} says when).
 */
public final class ResultFiles {

    /** The results file: one record per case. */
    public static final String CASES = "cases.avro";
    /** The failure corpus: one record per saved failure. */
    public static final String FAILURES = "failures.avro";
    /** The summary, written when the campaign ends. */
    public static final String SUMMARY = "summary.avro";

    /** Schema of {@value #CASES}. */
    public static final Schema CASE_SCHEMA = schema("campaign-case.avsc");
    /** Schema of {@value #FAILURES}. */
    public static final Schema FAILURE_SCHEMA = schema("failure-corpus.avsc");
    /** Schema of {@value #SUMMARY}. */
    public static final Schema SUMMARY_SCHEMA = schema("campaign-summary.avsc");

    private static final Schema FINDING_SCHEMA = FAILURE_SCHEMA.getField("findings").schema().getElementType();

    static final String SEED_KEY = "vblk.campaign.seed";
    static final String MAX_CASES_KEY = "vblk.campaign.maxCases";
    static final String SOURCE_KEY = "vblk.campaign.source";
    static final String SHARDS_KEY = "vblk.campaign.shards";

    private ResultFiles() {}

    /**
     * What a results file holds.
     *
     * @param <T> the record type
     * @param header the campaign and shards its header names
     * @param records its complete records, in file order
     * @param cutShort whether the file ends inside a block: it was cut while written, and records are missing
     */
    public record Contents<T>(CampaignHeader header, List<T> records, boolean cutShort) {

        public Contents {
            records = List.copyOf(records);
        }
    }

    /** Reads {@value #CASES} (or a merged results file). */
    public static Contents<CaseResult> readCases(Path file) {
        return read(file, CASE_SCHEMA, ResultFiles::caseResult);
    }

    /** Reads {@value #FAILURES}. */
    public static Contents<CorpusEntry> readFailures(Path file) {
        return read(file, FAILURE_SCHEMA, ResultFiles::corpusEntry);
    }

    /** Reads {@value #SUMMARY}. */
    public static Contents<CampaignSummary> readSummary(Path file) {
        return read(file, SUMMARY_SCHEMA, ResultFiles::summary);
    }

    private static <T> Contents<T> read(Path file, Schema schema, Function<GenericRecord, T> convert) {
        try (DataFileReader<GenericRecord> reader = open(file, schema)) {
            CampaignHeader header = header(file, reader);
            byte[] sync = bytes(file, reader.previousSync() - DataFileConstants.SYNC_SIZE);
            List<T> records = new ArrayList<>();
            boolean cutShort = false;
            try {
                while (reader.hasNext()) {
                    records.add(convert.apply(reader.next()));
                }
            } catch (RuntimeException e) {
                // Avro fails in several ways on a block cut short (its own exception, or a bare
                // NullPointerException when the cut is inside a block's counts): the records end there.
                cutShort = true;
            }
            // Every block ends with the file's sync marker: a file that does not was cut inside one.
            cutShort |= !Arrays.equals(sync, bytes(file, Files.size(file) - DataFileConstants.SYNC_SIZE));
            return new Contents<>(header, records, cutShort);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static DataFileReader<GenericRecord> open(Path file, Schema schema) throws IOException {
        DataFileReader<GenericRecord> reader;
        try {
            reader = new DataFileReader<>(new SeekableFileInput(file.toFile()), new GenericDatumReader<>(null, schema));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(file + " is not an Avro file of campaign results: " + e.getMessage(), e);
        }
        if (!reader.getSchema().getFullName().equals(schema.getFullName())) {
            reader.close();
            throw new IllegalArgumentException(file + " holds " + reader.getSchema().getFullName() + " records, not "
                    + schema.getFullName());
        }
        return reader;
    }

    /** The {@value DataFileConstants#SYNC_SIZE} bytes of {@code file} from {@code position}. */
    private static byte[] bytes(Path file, long position) throws IOException {
        try (FileChannel channel = FileChannel.open(file)) {
            ByteBuffer buffer = ByteBuffer.allocate(DataFileConstants.SYNC_SIZE);
            while (buffer.hasRemaining() && channel.read(buffer, position + buffer.position()) > 0) {
                // Reads on until the marker's bytes are in, or the file ends.
            }
            return buffer.array();
        }
    }

    private static CampaignHeader header(Path file, DataFileReader<GenericRecord> stream) {
        try {
            return CampaignHeader.parse(Long.parseLong(meta(stream, SEED_KEY)), Long.parseLong(meta(stream, MAX_CASES_KEY)),
                    meta(stream, SOURCE_KEY), meta(stream, SHARDS_KEY));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " does not say which campaign it is of: " + e.getMessage(), e);
        }
    }

    private static String meta(DataFileReader<GenericRecord> stream, String key) {
        String value = stream.getMetaString(key);
        if (value == null) {
            throw new IllegalArgumentException("no " + key + " in its header");
        }
        return value;
    }

    /**
     * Creates {@code file} (replacing it) for records of {@code schema}, its header naming
     * {@code header}'s campaign and shards; blocks are deflated.
     */
    static DataFileWriter<GenericRecord> create(Path file, Schema schema, CampaignHeader header) throws IOException {
        DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema));
        writer.setCodec(CodecFactory.deflateCodec(1));
        writer.setMeta(SEED_KEY, Long.toString(header.seed()));
        writer.setMeta(MAX_CASES_KEY, Long.toString(header.maxCases()));
        writer.setMeta(SOURCE_KEY, header.source());
        writer.setMeta(SHARDS_KEY, header.shardsText());
        return writer.create(schema, file.toFile());
    }

    // ---- records ----

    static GenericRecord record(CaseResult result) {
        GenericRecord record = new GenericData.Record(CASE_SCHEMA);
        putCampaign(record, result.campaignSeed(), result.shard());
        record.put("caseIndex", result.caseIndex());
        record.put("caseSeed", result.caseSeed());
        record.put("source", result.source());
        record.put("seedTrace", result.seedTrace().orElse(null));
        record.put("mutation", result.mutation().orElse(null));
        record.put("passed", result.passed());
        record.put("invariants", result.invariants());
        record.put("findings", result.findings());
        record.put("platformCalls", result.platformCalls());
        record.put("virtualNanos", result.virtualNanos().isPresent() ? result.virtualNanos().getAsLong() : null);
        record.put("newCoverage", result.newCoverage());
        return record;
    }

    static CaseResult caseResult(GenericRecord record) {
        Object nanos = record.get("virtualNanos");
        return new CaseResult((Long) record.get("campaignSeed"), shard(record), (Long) record.get("caseIndex"),
                (Long) record.get("caseSeed"), text(record, "source"), optionalText(record, "seedTrace"),
                optionalText(record, "mutation"), (Boolean) record.get("passed"), texts(record, "invariants"),
                texts(record, "findings"), (Long) record.get("platformCalls"),
                nanos == null ? OptionalLong.empty() : OptionalLong.of((Long) nanos), longs(record, "newCoverage"));
    }

    static GenericRecord record(CorpusEntry entry) {
        GenericRecord record = new GenericData.Record(FAILURE_SCHEMA);
        putCampaign(record, entry.campaignSeed(), entry.shard());
        record.put("caseIndex", entry.caseIndex());
        record.put("caseSeed", entry.caseSeed());
        record.put("name", entry.name());
        record.put("description", entry.description());
        record.put("invariant", entry.findings().get(0).invariant().name());
        record.put("detail", entry.findings().get(0).detail());
        List<GenericRecord> findings = new ArrayList<>();
        for (Finding finding : entry.findings()) {
            GenericRecord one = new GenericData.Record(FINDING_SCHEMA);
            one.put("invariant", finding.invariant().name());
            one.put("where", finding.where());
            one.put("detail", finding.detail());
            findings.add(one);
        }
        record.put("findings", findings);
        record.put("scenarioFile", entry.scenarioFile().map(Path::toString).orElse(null));
        record.put("traceFile", entry.traceFile().map(Path::toString).orElse(null));
        record.put("shrinkSteps", entry.shrunkTo().steps());
        record.put("shrinkFaults", entry.shrunkTo().faults());
        record.put("shrinkOutcomes", entry.shrunkTo().outcomes());
        record.put("shrinkDeviceChanges", entry.shrunkTo().deviceChanges());
        record.put("shrinking", entry.shrinking());
        return record;
    }

    static CorpusEntry corpusEntry(GenericRecord record) {
        List<Finding> findings = new ArrayList<>();
        for (Object item : (List<?>) record.get("findings")) {
            GenericRecord one = (GenericRecord) item;
            findings.add(new Finding(Invariant.valueOf(text(one, "invariant")), text(one, "where"), text(one, "detail")));
        }
        return new CorpusEntry((Long) record.get("campaignSeed"), shard(record), (Long) record.get("caseIndex"),
                (Long) record.get("caseSeed"), text(record, "name"), text(record, "description"), findings,
                optionalText(record, "scenarioFile").map(Path::of), optionalText(record, "traceFile").map(Path::of),
                new ShrinkSize((Integer) record.get("shrinkSteps"), (Integer) record.get("shrinkFaults"),
                        (Integer) record.get("shrinkOutcomes"), (Integer) record.get("shrinkDeviceChanges")),
                text(record, "shrinking"));
    }

    static GenericRecord record(CampaignSummary summary) {
        GenericRecord record = new GenericData.Record(SUMMARY_SCHEMA);
        putCampaign(record, summary.campaignSeed(), summary.shard());
        record.put("maxCases", summary.maxCases());
        record.put("source", summary.source());
        record.put("cases", summary.cases());
        record.put("failures", summary.failures());
        record.put("coverage", summary.coverage());
        record.put("casesWithNewBehaviour", summary.casesWithNewBehaviour());
        record.put("elapsedMillis", summary.elapsedMillis());
        return record;
    }

    static CampaignSummary summary(GenericRecord record) {
        return new CampaignSummary((Long) record.get("campaignSeed"), shard(record), (Long) record.get("maxCases"),
                text(record, "source"), (Long) record.get("cases"), (Long) record.get("failures"),
                (Integer) record.get("coverage"), (Long) record.get("casesWithNewBehaviour"),
                (Long) record.get("elapsedMillis"));
    }

    /** The campaign fields every kind of record starts with: its seed and the shard. */
    private static void putCampaign(GenericRecord record, long campaignSeed, Shard shard) {
        record.put("campaignSeed", campaignSeed);
        record.put("shardNumber", shard.number());
        record.put("shardCount", shard.count());
    }

    private static Shard shard(GenericRecord record) {
        return new Shard((Integer) record.get("shardNumber"), (Integer) record.get("shardCount"));
    }

    private static String text(GenericRecord record, String field) {
        return record.get(field).toString();
    }

    private static Optional<String> optionalText(GenericRecord record, String field) {
        return Optional.ofNullable(record.get(field)).map(Object::toString);
    }

    private static List<String> texts(GenericRecord record, String field) {
        return ((List<?>) record.get(field)).stream().map(Object::toString).toList();
    }

    private static List<Long> longs(GenericRecord record, String field) {
        return ((List<?>) record.get(field)).stream().map(Long.class::cast).toList();
    }

    private static Schema schema(String name) {
        try (InputStream in = ResultFiles.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the schema " + name + " is missing from the fuzz module's resources");
            }
            return new Schema.Parser().parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema " + name, e);
        }
    }
}
