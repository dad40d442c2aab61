package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TraceDamageTest {

    private static final List<TraceEvent> EVENTS = TraceSamples.smallWorkload(6);

    /** What reading a damaged file gave: the intact events and flags, or the error. */
    private record Outcome(List<TraceEvent> events, boolean complete, TraceFormatException error) {}

    private static Outcome readPrefix(byte[] file) {
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.VALID_PREFIX)) {
            reader.forEachRemaining(events::add);
            assertEquals(!reader.isComplete(), reader.isTruncated());
            assertEquals(TraceSamples.metadata(), reader.metadata());
            return new Outcome(events, reader.isComplete(), null);
        } catch (TraceFormatException e) {
            return new Outcome(events, false, e);
        }
    }

    @ParameterizedTest
    @EnumSource(TraceCodec.class)
    void aTraceCutAnywhereReadsAsAValidPrefixFlaggedTruncated(TraceCodec codec) {
        byte[] file = TraceRoundTripTest.write(EVENTS, codec);
        int longestPrefix = 0;
        for (int cut = 0; cut < file.length; cut++) {
            Outcome outcome = readPrefix(Arrays.copyOf(file, cut));
            if (outcome.error != null) {
                // Only a cut inside the header leaves nothing to read.
                assertEquals(TraceFormatException.Reason.TRUNCATED, outcome.error.reason(), "cut at " + cut);
                assertEquals(0, outcome.error.readableEvents().orElseThrow());
                assertEquals(0, longestPrefix, "cut at " + cut + " after events were readable");
                continue;
            }
            assertFalse(outcome.complete, "cut at " + cut);
            assertEquals(EVENTS.subList(0, outcome.events.size()), outcome.events, "cut at " + cut);
            assertTrue(outcome.events.size() >= longestPrefix, "a longer cut lost events at " + cut);
            longestPrefix = outcome.events.size();
        }
        // Every operation end is checkpointed: the last cut before the end marker holds all events.
        assertEquals(EVENTS.size(), longestPrefix);
        Outcome whole = readPrefix(file);
        assertTrue(whole.complete);
        assertEquals(EVENTS, whole.events);
    }

    @Test
    void aCutTraceInCompleteModeReportsHowManyEventsAreReadable() {
        byte[] file = TraceRoundTripTest.write(EVENTS, TraceCodec.DEFLATE);
        // Losing the last byte loses the end marker; the operations before it were checkpointed.
        byte[] cut = Arrays.copyOf(file, file.length - 1);
        List<TraceEvent> seen = new ArrayList<>();

        TraceFormatException e = assertThrows(TraceFormatException.class, () -> {
            try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(cut), TraceReader.Mode.COMPLETE)) {
                reader.forEachRemaining(seen::add);
            }
        });

        assertEquals(TraceFormatException.Reason.TRUNCATED, e.reason());
        assertEquals(seen.size(), e.readableEvents().orElseThrow());
        assertEquals(EVENTS, seen);
    }

    @ParameterizedTest
    @EnumSource(TraceCodec.class)
    void aFlippedByteAnywhereIsCaught(TraceCodec codec) {
        byte[] file = TraceRoundTripTest.write(EVENTS, codec);
        Random random = new Random(7);
        int harmless = 0;
        for (int position = 0; position < file.length; position++) {
            for (int mask : new int[] {0xff, 1 << random.nextInt(8)}) {
                byte[] damaged = file.clone();
                damaged[position] ^= (byte) mask;
                Outcome outcome = readPrefix(damaged);
                String where = "byte " + position + " ^ " + mask;
                if (outcome.error != null) {
                    TraceFormatException.Reason reason = outcome.error.reason();
                    boolean expected = reason == TraceFormatException.Reason.CORRUPT
                            || reason == TraceFormatException.Reason.TRUNCATED
                            || (reason == TraceFormatException.Reason.NOT_A_TRACE && position < 4);
                    assertTrue(expected, where + " gave " + outcome.error);
                    assertEquals(EVENTS.subList(0, outcome.events.size()), outcome.events, where);
                } else if (outcome.complete) {
                    // Bits that no decoder reads (deflate padding, the unused top bits of a varint
                    // in a checkpoint) may flip harmlessly; what is read must then be the original.
                    assertEquals(EVENTS, outcome.events, where + " read as a different complete trace");
                    harmless++;
                } else {
                    assertEquals(EVENTS.subList(0, outcome.events.size()), outcome.events, where);
                }
            }
        }
        assertTrue(harmless < file.length / 50, harmless + " flips went unnoticed");
    }

    @Test
    void aHugeBlockSizeIsNotAllocated() {
        byte[] file = TraceRoundTripTest.write(EVENTS, TraceCodec.NONE);
        int header = headerLength(file);
        ByteArrayOutputStream hostile = new ByteArrayOutputStream();
        hostile.write(file, 0, header);
        writeLong(hostile, 1);
        // The largest block the reader accepts: with its sync marker, the largest array there is.
        writeLong(hostile, Integer.MAX_VALUE - 8L - 16);
        hostile.write(new byte[100], 0, 100);

        Outcome outcome = readPrefix(hostile.toByteArray());

        assertTrue(outcome.error == null && outcome.events.isEmpty() && !outcome.complete, String.valueOf(outcome));
    }

    @Test
    void aHugeBytesLengthInsideABlockIsCorrupt() {
        byte[] file = TraceRoundTripTest.write(EVENTS, TraceCodec.NONE);
        ByteArrayOutputStream entry = new ByteArrayOutputStream();
        writeLong(entry, 2); // union branch MemoryRead
        writeLong(entry, 0x1000); // address
        writeLong(entry, 1L << 30); // a gigabyte of data, which the block does not hold
        entry.write(new byte[16], 0, 16);

        Outcome outcome = readPrefix(hostileBlock(file, entry.toByteArray(), 1));

        assertEquals(TraceFormatException.Reason.CORRUPT, outcome.error.reason(), String.valueOf(outcome));
        assertEquals(0, outcome.error.eventIndex().orElseThrow());
    }

    @Test
    void anUnknownEntryKindIsNamedInTheFilesTerms() {
        byte[] file = TraceRoundTripTest.write(EVENTS, TraceCodec.NONE);
        ByteArrayOutputStream entries = new ByteArrayOutputStream();
        writeLong(entries, 7); // union branch ClockRead
        writeLong(entries, 1234); // nanos
        writeLong(entries, 47); // a union branch the format does not have

        Outcome outcome = readPrefix(hostileBlock(file, entries.toByteArray(), 2));

        assertEquals(TraceFormatException.Reason.CORRUPT, outcome.error.reason(), String.valueOf(outcome));
        String message = outcome.error.getMessage();
        assertTrue(message.contains("unknown entry kind 47 (at byte 3 of the block's entries)"), message);
        assertFalse(message.contains("Exception"), message);
    }

    /** The header of {@code file}, then one block of {@code count} entries, {@code entries}, with its sync marker. */
    private static byte[] hostileBlock(byte[] file, byte[] entries, int count) {
        int header = headerLength(file);
        byte[] sync = Arrays.copyOfRange(file, header - DataFileConstants.SYNC_SIZE, header);
        ByteArrayOutputStream hostile = new ByteArrayOutputStream();
        hostile.write(file, 0, header);
        writeLong(hostile, count);
        writeLong(hostile, entries.length);
        hostile.write(entries, 0, entries.length);
        hostile.write(sync, 0, sync.length);
        return hostile.toByteArray();
    }

    @Test
    void aHugeMetadataLengthIsCorrupt() {
        ByteArrayOutputStream hostile = new ByteArrayOutputStream();
        hostile.write(DataFileConstants.MAGIC, 0, 4);
        writeLong(hostile, 1);
        writeLong(hostile, 1L << 40);

        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceReader.open(new ByteArrayInputStream(hostile.toByteArray()), TraceReader.Mode.VALID_PREFIX));

        assertEquals(TraceFormatException.Reason.CORRUPT, e.reason());
    }

    @Test
    void aFileThatIsNotAvroIsNotATrace() {
        byte[] text = "#!/bin/sh\necho this is not a trace\n".getBytes(StandardCharsets.US_ASCII);

        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceReader.open(new ByteArrayInputStream(text), TraceReader.Mode.COMPLETE));

        assertEquals(TraceFormatException.Reason.NOT_A_TRACE, e.reason());
    }

    @Test
    void anAvroFileThatIsNotATraceIsNotATrace() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Schema strings = Schema.create(Schema.Type.STRING);
        try (DataFileWriter<CharSequence> writer = new DataFileWriter<>(new GenericDatumWriter<CharSequence>(strings))) {
            writer.create(strings, out);
            writer.append("hello");
        }

        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceReader.open(new ByteArrayInputStream(out.toByteArray()), TraceReader.Mode.COMPLETE));

        assertEquals(TraceFormatException.Reason.NOT_A_TRACE, e.reason());
    }

    @Test
    void aNewerFormatVersionIsIncompatible() throws Exception {
        TraceMetadata metadata = TraceSamples.metadata();
        Map<String, byte[]> header = new TreeMap<>();
        header.put(DataFileConstants.SCHEMA, TraceFormat.schema().toString().getBytes(StandardCharsets.UTF_8));
        header.put(DataFileConstants.CODEC, "null".getBytes(StandardCharsets.UTF_8));
        MetadataCodec.encode(metadata).forEach((k, v) -> header.put(k, v.getBytes(StandardCharsets.UTF_8)));
        header.put(MetadataCodec.FORMAT_VERSION, Integer.toString(TraceFormat.FORMAT_VERSION + 1).getBytes(StandardCharsets.UTF_8));
        String checksum = MetadataCodec.headerChecksum(header);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(TraceFormat.schema()))) {
            header.forEach((k, v) -> {
                if (!DataFileWriter.isReservedMeta(k)) {
                    writer.setMeta(k, v);
                }
            });
            writer.setMeta(MetadataCodec.HEADER_CRC, checksum);
            writer.setCodec(CodecFactory.nullCodec());
            writer.create(TraceFormat.schema(), out);
        }

        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> TraceReader.open(new ByteArrayInputStream(out.toByteArray()), TraceReader.Mode.VALID_PREFIX));

        assertEquals(TraceFormatException.Reason.INCOMPATIBLE_VERSION, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("version " + (TraceFormat.FORMAT_VERSION + 1)), e.getMessage());
    }

    @Test
    void dataAfterTheEndMarkerIsCorrupt() {
        byte[] file = TraceRoundTripTest.write(EVENTS, TraceCodec.DEFLATE);
        int header = headerLength(file);
        byte[] doubled = Arrays.copyOf(file, file.length + file.length - header);
        System.arraycopy(file, header, doubled, file.length, file.length - header);

        Outcome outcome = readPrefix(doubled);

        assertEquals(TraceFormatException.Reason.CORRUPT, outcome.error.reason(), String.valueOf(outcome));
        assertEquals(EVENTS, outcome.events);
    }

    private static int headerLength(byte[] file) {
        // The header ends with the sync marker, which every block repeats at its end.
        byte[] lastSync = Arrays.copyOfRange(file, file.length - DataFileConstants.SYNC_SIZE, file.length);
        for (int i = 4; i + lastSync.length <= file.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(file, i, i + lastSync.length), lastSync)) {
                return i + lastSync.length;
            }
        }
        fail("no sync marker");
        return -1;
    }

    private static void writeLong(ByteArrayOutputStream out, long value) {
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7fL) != 0) {
            out.write((int) ((raw & 0x7f) | 0x80));
            raw >>>= 7;
        }
        out.write((int) raw);
    }
}
