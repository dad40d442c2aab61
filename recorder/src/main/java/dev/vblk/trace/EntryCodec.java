package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;

/**
 * The generic mapping between trace entries and Avro records of {@link TraceFormat#schema()}: one
 * union branch per {@link TraceEvent} kind, plus the framing entries {@link Checkpoint} and
 * {@link End} that only the writer and reader see.
 */
final class EntryCodec {

    /** Integrity check over the entries since the previous checkpoint. */
    record Checkpoint(long entryCount, int crc32c) {}

    /** The end marker of a complete trace. */
    record End(long eventCount) {}

    private static final Schema ENTRY = TraceFormat.schema();
    private static final Schema UNION = ENTRY.getField("entry").schema();

    private EntryCodec() {}

    /** The Avro record for an event. */
    static GenericRecord encode(TraceEvent event) {
        return wrap(event.accept(new Encoder()));
    }

    static GenericRecord encode(Checkpoint checkpoint) {
        GenericRecord record = branch("Checkpoint");
        record.put("entryCount", checkpoint.entryCount());
        record.put("crc32c", checkpoint.crc32c());
        return wrap(record);
    }

    static GenericRecord encode(End end) {
        GenericRecord record = branch("End");
        record.put("eventCount", end.eventCount());
        return wrap(record);
    }

    /**
     * The entry an Avro record holds: a {@link TraceEvent}, a {@link Checkpoint} or an {@link End}.
     *
     * @throws IllegalArgumentException if the record holds values no writer produces
     */
    static Object decode(GenericRecord wrapper) {
        GenericRecord r = (GenericRecord) wrapper.get("entry");
        return switch (r.getSchema().getName()) {
            case "RegisterRead" -> new TraceEvent.RegisterRead(
                    longOf(r, "address"), AccessWidth.ofBytes(intOf(r, "widthBytes")), longOf(r, "value"));
            case "RegisterWrite" -> new TraceEvent.RegisterWrite(
                    longOf(r, "address"), AccessWidth.ofBytes(intOf(r, "widthBytes")), longOf(r, "value"));
            case "MemoryRead" -> new TraceEvent.MemoryRead(longOf(r, "address"), bytesOf(r, "data"));
            case "MemoryWrite" -> new TraceEvent.MemoryWrite(longOf(r, "address"), bytesOf(r, "data"));
            case "FrameAllocation" -> {
                Object address = r.get("address");
                yield new TraceEvent.FrameAllocation(
                        intOf(r, "frameCount"),
                        longOf(r, "alignment"),
                        address == null ? OptionalLong.empty() : OptionalLong.of((Long) address));
            }
            case "FrameFree" -> new TraceEvent.FrameFree(longOf(r, "address"), intOf(r, "frameCount"));
            case "InterruptWait" -> new TraceEvent.InterruptWait(
                    intOf(r, "line"), longOf(r, "timeoutNanos"), (Boolean) r.get("raised"));
            case "ClockRead" -> new TraceEvent.ClockRead(longOf(r, "nanos"));
            case "OperationBegin" -> new TraceEvent.OperationBegin(
                    longOf(r, "operationId"),
                    OperationKind.valueOf(r.get("kind").toString()),
                    r.get("device").toString(),
                    longOf(r, "sector"),
                    longOf(r, "sectorCount"),
                    intOf(r, "readLength"),
                    bytesOf(r, "payload"),
                    (Boolean) r.get("submitted"),
                    longsOf(r, "awaited"),
                    longOf(r, "budgetNanos"));
            case "OperationEnd" -> new TraceEvent.OperationEnd(
                    longOf(r, "operationId"), outcome((GenericRecord) r.get("outcome")));
            case "Checkpoint" -> new Checkpoint(longOf(r, "entryCount"), intOf(r, "crc32c"));
            case "End" -> new End(longOf(r, "eventCount"));
            default -> throw new IllegalArgumentException("unknown entry type " + r.getSchema().getFullName());
        };
    }

    private static OperationOutcome outcome(GenericRecord r) {
        return switch (r.getSchema().getName()) {
            case "Succeeded" -> new OperationOutcome.Succeeded(((GenericFixed) r.get("sha256")).bytes());
            case "Failed" -> new OperationOutcome.Failed(r.get("errorKind").toString(), r.get("message").toString());
            default -> throw new IllegalArgumentException("unknown outcome type " + r.getSchema().getFullName());
        };
    }

    private static long longOf(GenericRecord r, String field) {
        return (Long) r.get(field);
    }

    private static int intOf(GenericRecord r, String field) {
        return (Integer) r.get(field);
    }

    private static long[] longsOf(GenericRecord r, String field) {
        Collection<?> values = (Collection<?>) r.get(field);
        long[] longs = new long[values.size()];
        int i = 0;
        for (Object value : values) {
            longs[i++] = (Long) value;
        }
        return longs;
    }

    private static byte[] bytesOf(GenericRecord r, String field) {
        ByteBuffer buffer = ((ByteBuffer) r.get(field)).duplicate();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static GenericRecord wrap(GenericRecord entry) {
        GenericRecord wrapper = new GenericData.Record(ENTRY);
        wrapper.put("entry", entry);
        return wrapper;
    }

    private static GenericRecord branch(String name) {
        return new GenericData.Record(member(UNION, name));
    }

    private static Schema member(Schema union, String name) {
        return union.getTypes().get(union.getIndexNamed("dev.vblk.trace.avro." + name));
    }

    /** Builds the union branch record of each event kind. */
    private static final class Encoder implements TraceEventVisitor<GenericRecord> {

        @Override
        public GenericRecord visit(TraceEvent.RegisterRead e) {
            GenericRecord r = branch("RegisterRead");
            r.put("address", e.address());
            r.put("widthBytes", e.width().bytes());
            r.put("value", e.value());
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.RegisterWrite e) {
            GenericRecord r = branch("RegisterWrite");
            r.put("address", e.address());
            r.put("widthBytes", e.width().bytes());
            r.put("value", e.value());
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.MemoryRead e) {
            GenericRecord r = branch("MemoryRead");
            r.put("address", e.address());
            r.put("data", ByteBuffer.wrap(e.data()));
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.MemoryWrite e) {
            GenericRecord r = branch("MemoryWrite");
            r.put("address", e.address());
            r.put("data", ByteBuffer.wrap(e.data()));
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.FrameAllocation e) {
            GenericRecord r = branch("FrameAllocation");
            r.put("frameCount", e.frameCount());
            r.put("alignment", e.alignment());
            r.put("address", e.address().isPresent() ? e.address().getAsLong() : null);
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.FrameFree e) {
            GenericRecord r = branch("FrameFree");
            r.put("address", e.address());
            r.put("frameCount", e.frameCount());
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.InterruptWait e) {
            GenericRecord r = branch("InterruptWait");
            r.put("line", e.line());
            r.put("timeoutNanos", e.timeoutNanos());
            r.put("raised", e.raised());
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.ClockRead e) {
            GenericRecord r = branch("ClockRead");
            r.put("nanos", e.nanos());
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.OperationBegin e) {
            GenericRecord r = branch("OperationBegin");
            r.put("operationId", e.operationId());
            r.put("kind", new GenericData.EnumSymbol(r.getSchema().getField("kind").schema(), e.kind().name()));
            r.put("device", e.device());
            r.put("sector", e.sector());
            r.put("sectorCount", e.sectorCount());
            r.put("readLength", e.readLength());
            r.put("payload", ByteBuffer.wrap(e.payload()));
            r.put("submitted", e.submitted());
            List<Long> awaited = new ArrayList<>();
            for (long id : e.awaited()) {
                awaited.add(id);
            }
            r.put("awaited", awaited);
            r.put("budgetNanos", e.budgetNanos());
            return r;
        }

        @Override
        public GenericRecord visit(TraceEvent.OperationEnd e) {
            GenericRecord r = branch("OperationEnd");
            r.put("operationId", e.operationId());
            Schema outcomes = r.getSchema().getField("outcome").schema();
            GenericRecord outcome;
            if (e.outcome() instanceof OperationOutcome.Succeeded ok) {
                outcome = new GenericData.Record(member(outcomes, "Succeeded"));
                Schema fixed = outcome.getSchema().getField("sha256").schema();
                outcome.put("sha256", new GenericData.Fixed(fixed, ok.sha256()));
            } else {
                OperationOutcome.Failed failed = (OperationOutcome.Failed) e.outcome();
                outcome = new GenericData.Record(member(outcomes, "Failed"));
                outcome.put("errorKind", failed.errorKind());
                outcome.put("message", failed.message());
            }
            r.put("outcome", outcome);
            return r;
        }
    }
}
