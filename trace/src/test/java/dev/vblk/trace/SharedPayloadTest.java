package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/** Format 4 stores every shared payload once: repeated bytes are references that read back as the bytes. */
class SharedPayloadTest {

    private static final int KIB = 1024;

    /** The size of a trace without events: the header (the schema, the metadata) and the end marker. */
    private static final int EMPTY = write(writer -> {}).length;

    @Test
    void aWritesDataIsStoredOnceThoughTheDriverCopiesItIntoGuestMemory() {
        byte[] data = random(1, 256 * KIB);
        byte[] file = write(writer -> {
            writer.append(new TraceEvent.OperationBegin(1, OperationKind.WRITE, "d", 0, data.length / 512, 0, data));
            for (int at = 0; at < data.length; at += 64 * KIB) {
                writer.appendMemoryWrite(0x4000_0000L + at, data, at, 64 * KIB);
            }
            writer.appendSucceeded(1, new byte[0], 0, 0);
        });

        assertTrue(file.length - EMPTY < data.length * 1.01, file.length + " bytes for " + data.length + " bytes of data");
        List<TraceEvent> events = read(file);
        assertArrayEquals(Arrays.copyOfRange(data, 64 * KIB, 128 * KIB), ((TraceEvent.MemoryWrite) events.get(2)).data());
        assertEquals(new TraceEvent.OperationEnd(1, OperationOutcome.Succeeded.ofNothing()), events.get(5));
    }

    @Test
    void theSameSectorsReadAgainAndTheDataAReadReturnedAreStoredOnce() {
        byte[] data = random(2, 128 * KIB);
        byte[] file = write(writer -> {
            for (int read = 1; read <= 4; read++) {
                writer.append(new TraceEvent.OperationBegin(read, OperationKind.READ, "d", 0, data.length / 512,
                        data.length, new byte[0]));
                writer.appendMemoryRead(0x4000_0000L, data, 0, 64 * KIB);
                writer.appendMemoryRead(0x4001_0000L, data, 64 * KIB, 64 * KIB);
                writer.appendSucceeded(read, data, 0, data.length);
            }
        });

        assertTrue(file.length - EMPTY < data.length * 1.01, file.length + " bytes for four reads of " + data.length);
        List<TraceEvent> events = read(file);
        assertEquals(16, events.size());
        assertArrayEquals(Arrays.copyOfRange(data, 64 * KIB, 128 * KIB), ((TraceEvent.MemoryRead) events.get(14)).data());
        assertEquals(new TraceEvent.OperationEnd(4, OperationOutcome.Succeeded.ofData(data)), events.get(15));
    }

    @Test
    void zeroFilledReadsTakeAlmostNothing() {
        byte[] zeros = new byte[128 * KIB];
        byte[] file = write(writer -> {
            for (int i = 0; i < 2048; i++) {
                writer.appendMemoryRead(0x4000_0000L, zeros, 0, zeros.length);
            }
        });

        assertTrue(file.length < 64 * KIB, file.length + " bytes for 256 MiB of zeros");
        long zeroReads = 0;
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            while (reader.hasNext()) {
                zeroReads += Arrays.equals(zeros, ((TraceEvent.MemoryRead) reader.next()).data()) ? 1 : 0;
            }
        }
        assertEquals(2048, zeroReads);
    }

    @Test
    void aPayloadThatLeftTheWindowIsStoredAgainAndReadsBackTheSame() {
        byte[] first = random(3, 64 * KIB);
        byte[] filler = random(4, (int) PayloadWindow.WINDOW_BYTES);
        byte[] file = write(writer -> {
            writer.appendMemoryRead(0, first, 0, first.length);
            for (int at = 0; at < filler.length; at += 64 * KIB) {
                writer.appendMemoryRead(at, filler, at, 64 * KIB);
            }
            writer.appendMemoryRead(0, first, 0, first.length);
        });

        List<TraceEvent> events = read(file);
        assertArrayEquals(first, ((TraceEvent.MemoryRead) events.get(events.size() - 1)).data());
        assertTrue(file.length > filler.length + 2L * first.length, "the first payload is stored twice");
    }

    @Property(tries = 300)
    void memoryAccessesAndReturnedDataMadeOfRepeatedPiecesReadBackEqual(@ForAll("pieces") List<Integer> picks) {
        byte[] pool = random(5, 64 * KIB);
        List<TraceEvent> expected = new ArrayList<>();
        byte[] file = write(writer -> {
            long id = 1;
            for (int pick : picks) {
                int offset = (pick % 16) * 4 * KIB;
                int length = Math.min(pool.length - offset, 512 * (1 + pick % 24));
                byte[] bytes = Arrays.copyOfRange(pool, offset, offset + length);
                if (pick % 3 == 0) {
                    writer.appendMemoryWrite(offset, pool, offset, length);
                    expected.add(new TraceEvent.MemoryWrite(offset, bytes));
                } else if (pick % 3 == 1) {
                    writer.appendMemoryRead(offset, pool, offset, length);
                    expected.add(new TraceEvent.MemoryRead(offset, bytes));
                } else {
                    writer.appendSucceeded(id, bytes, 0, bytes.length);
                    expected.add(new TraceEvent.OperationEnd(id++, OperationOutcome.Succeeded.ofData(bytes)));
                }
            }
        });

        assertEquals(expected, read(file));
    }

    @Provide
    Arbitrary<List<Integer>> pieces() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(40);
    }

    @Test
    void avrosOwnReaderReadsEveryEntryOfAFormatFourTrace() throws Exception {
        byte[] data = random(6, 32 * KIB);
        byte[] file = write(writer -> {
            writer.append(new TraceEvent.OperationBegin(1, OperationKind.WRITE, "d", 0, data.length / 512, 0, data));
            writer.appendMemoryWrite(0x4000_0000L, data, 0, data.length);
            writer.appendMemoryRead(0x4000_0000L, data, 0, data.length);
            writer.appendSucceeded(1, data, 0, data.length);
        });

        List<String> kinds = new ArrayList<>();
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(new SeekableByteArrayInput(file),
                new GenericDatumReader<>())) {
            reader.forEach(entry -> kinds.add(((GenericRecord) entry.get("entry")).getSchema().getName()));
        }
        assertEquals(List.of("OperationBegin", "SharedMemoryWrite", "SharedMemoryRead", "SharedDataEnd", "Checkpoint",
                "End", "Checkpoint"), kinds);
    }

    private static byte[] write(Consumer<TraceWriter> appends) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter writer = TraceWriter.create(out, TraceSamples.metadata(), TraceCodec.DEFLATE)) {
            appends.accept(writer);
        }
        return out.toByteArray();
    }

    private static List<TraceEvent> read(byte[] file) {
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            reader.forEachRemaining(events::add);
        }
        return events;
    }

    private static byte[] random(long seed, int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }
}
