package dev.vblk.fuzz.results;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericRecord;

/**
 * Writes a running campaign's {@link ResultFiles} into its output folder as it goes: a case's record
 * when it ends, a saved failure's when it is saved, the summary at the end. Complete blocks reach the
 * file at least every {@link #FLUSH_NANOS} nanoseconds and after every failure, so a campaign killed
 * midway leaves files readable up to a second or so before it stopped, and no summary.
 */
public final class CampaignLog implements AutoCloseable {

    /** The longest a case's record waits in memory before its block is written out. */
    public static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path folder;
    private final CampaignHeader header;
    private final DataFileWriter<GenericRecord> cases;
    private final DataFileWriter<GenericRecord> failures;
    private long lastFlush = System.nanoTime();

    private CampaignLog(Path folder, CampaignHeader header, DataFileWriter<GenericRecord> cases,
            DataFileWriter<GenericRecord> failures) {
        this.folder = folder;
        this.header = header;
        this.cases = cases;
        this.failures = failures;
    }

    /**
     * Starts the files of a campaign in {@code folder} (created if missing), replacing those of an
     * earlier campaign there; an earlier summary is deleted until this campaign writes its own.
     */
    public static CampaignLog create(Path folder, CampaignHeader header) {
        try {
            Files.createDirectories(folder);
            Files.deleteIfExists(folder.resolve(ResultFiles.SUMMARY));
            DataFileWriter<GenericRecord> cases = ResultFiles.create(folder.resolve(ResultFiles.CASES),
                    ResultFiles.CASE_SCHEMA, header);
            try {
                return new CampaignLog(folder, header, cases, ResultFiles.create(folder.resolve(ResultFiles.FAILURES),
                        ResultFiles.FAILURE_SCHEMA, header));
            } catch (IOException e) {
                cases.close();
                throw e;
            }
        } catch (IOException e) {
            throw failed(folder, e);
        }
    }

    /** The campaign and shard the files are of. */
    public CampaignHeader header() {
        return header;
    }

    /** Appends one case's record. */
    public void add(CaseResult result) {
        try {
            cases.append(ResultFiles.record(result));
            long now = System.nanoTime();
            if (now - lastFlush >= FLUSH_NANOS) {
                cases.flush();
                lastFlush = now;
            }
        } catch (IOException e) {
            throw failed(folder, e);
        }
    }

    /** Appends one saved failure's record, and writes it out with the cases before it. */
    public void add(CorpusEntry entry) {
        try {
            failures.append(ResultFiles.record(entry));
            failures.flush();
            cases.flush();
        } catch (IOException e) {
            throw failed(folder, e);
        }
    }

    /** Writes every record out and the summary file: the campaign is over. */
    public void finish(CampaignSummary summary) {
        try {
            cases.flush();
            failures.flush();
            try (DataFileWriter<GenericRecord> writer = ResultFiles.create(folder.resolve(ResultFiles.SUMMARY),
                    ResultFiles.SUMMARY_SCHEMA, header)) {
                writer.append(ResultFiles.record(summary));
            }
        } catch (IOException e) {
            throw failed(folder, e);
        }
    }

    @Override
    public void close() {
        try (DataFileWriter<GenericRecord> first = cases; DataFileWriter<GenericRecord> second = failures) {
            // Both closed, the second even if closing the first fails.
        } catch (IOException e) {
            throw failed(folder, e);
        }
    }

    private static UncheckedIOException failed(Path folder, IOException e) {
        return new UncheckedIOException("cannot write the campaign results in " + folder + ": " + e.getMessage(), e);
    }
}
