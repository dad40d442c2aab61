package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.io.Encoder;

/**
 * The Avro binary encoding of one trace entry in {@link TraceFormat#schema()}, written straight
 * from the {@link TraceEvent} records into Avro's encoder, without Avro's generic records: the union
 * branch index of the entry's kind, then its fields in schema order. Entries are a
 * {@link TraceEvent}, or the framing entries {@link Checkpoint} and {@link End} that only the writer
 * and reader see.
 *
 * <p>Union branch, enum symbol and nested union positions are constants here, checked against the
 * schema by a test. Entries are read by {@link EntryDecoder}. A new entry kind is a {@link Branch}
 * constant, a visit method of the event encoder and a case in {@link EntryDecoder#decode}.
 */
final class EntryCodec {

    /** Integrity check over the entries since the previous checkpoint. */
    record Checkpoint(long entryCount, int crc32c) {}

    /** The end marker of a complete trace. */
    record End(long eventCount) {}

    /**
     * The branches of the entry union, with their positions in it: a format only adds branches after
     * the last, so a position never changes ({@code SchemaPositionsTest} checks them against the
     * schema, which is therefore not parsed to read or write a trace).
     */
    enum Branch {
        REGISTER_READ(0),
        REGISTER_WRITE(1),
        MEMORY_READ(2),
        MEMORY_WRITE(3),
        FRAME_ALLOCATION(4),
        FRAME_FREE(5),
        INTERRUPT_WAIT(6),
        CLOCK_READ(7),
        OPERATION_BEGIN(8),
        OPERATION_END(9),
        CHECKPOINT(10),
        END(11),
        THREAD_SWITCH(12),
        SHARED_MEMORY_READ(13),
        SHARED_MEMORY_WRITE(14),
        SHARED_DATA_END(15),
        REGISTER_READ_DELTA(16),
        REGISTER_WRITE_DELTA(17);

        final int index;

        Branch(int index) {
            this.index = index;
        }
    }

    /** The branches by position; each constant's position is its ordinal. */
    static final Branch[] BY_INDEX = Branch.values();
    /** The positions in {@code FrameAllocation.address}'s union. */
    static final int ADDRESS_ABSENT = 0;
    static final int ADDRESS_PRESENT = 1;
    /** The positions in {@code OperationEnd.outcome}'s union. */
    static final int SUCCEEDED = 0;
    static final int FAILED = 1;
    /** The symbols of the {@code OperationKind} enum of the schema, in order: the {@link OperationKind}s, in order. */
    static final OperationKind[] KIND_BY_SYMBOL = OperationKind.values();

    private EntryCodec() {}

    /** Writes an event. */
    static void encode(TraceEvent event, Encoder out) throws IOException {
        try {
            event.accept(new EventEncoder(out));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Writes a checkpoint. */
    static void encode(Checkpoint checkpoint, Encoder out) throws IOException {
        out.writeIndex(Branch.CHECKPOINT.index);
        out.writeLong(checkpoint.entryCount());
        out.writeInt(checkpoint.crc32c());
    }

    /** Writes the end marker. */
    static void encode(End end, Encoder out) throws IOException {
        out.writeIndex(Branch.END.index);
        out.writeLong(end.eventCount());
    }

    /** Writes a {@code MemoryRead} or {@code MemoryWrite} of the bytes {@code data}. */
    static void encodeMemory(boolean write, long address, byte[] data, Encoder out) throws IOException {
        out.writeIndex((write ? Branch.MEMORY_WRITE : Branch.MEMORY_READ).index);
        out.writeLong(address);
        out.writeBytes(data);
    }

    /** Writes a {@code SharedMemoryRead} or {@code SharedMemoryWrite}: a memory access whose bytes {@code ref} names. */
    static void encodeSharedMemory(boolean write, long address, PayloadRef ref, Encoder out) throws IOException {
        out.writeIndex((write ? Branch.SHARED_MEMORY_WRITE : Branch.SHARED_MEMORY_READ).index);
        out.writeLong(address);
        payloadRef(ref, out);
    }

    /** Writes a {@code SharedDataEnd}: operation {@code operationId} succeeded returning the bytes {@code refs} name. */
    static void encodeSharedDataEnd(long operationId, List<PayloadRef> refs, Encoder out) throws IOException {
        out.writeIndex(Branch.SHARED_DATA_END.index);
        out.writeLong(operationId);
        out.writeArrayStart();
        out.setItemCount(refs.size());
        for (PayloadRef ref : refs) {
            out.startItem();
            payloadRef(ref, out);
        }
        out.writeArrayEnd();
    }

    /** Writes a {@code RegisterReadDelta} or {@code RegisterWriteDelta} with a key and value from {@link RegisterHistory}. */
    static void encodeRegisterDelta(boolean write, long key, long value, Encoder out) throws IOException {
        out.writeIndex((write ? Branch.REGISTER_WRITE_DELTA : Branch.REGISTER_READ_DELTA).index);
        out.writeLong(key);
        out.writeLong(value);
    }

    /** Writes an {@code OperationBegin} whose payload is {@code payload} (the event's own is not used). */
    static void encodeBegin(TraceEvent.OperationBegin e, byte[] payload, Encoder out) throws IOException {
        out.writeIndex(Branch.OPERATION_BEGIN.index);
        out.writeLong(e.operationId());
        out.writeEnum(e.kind().ordinal());
        out.writeString(e.device());
        out.writeLong(e.sector());
        out.writeLong(e.sectorCount());
        out.writeInt(e.readLength());
        out.writeBytes(payload);
        out.writeBoolean(e.submitted());
        long[] awaited = e.awaited();
        out.writeArrayStart();
        out.setItemCount(awaited.length);
        for (long id : awaited) {
            out.startItem();
            out.writeLong(id);
        }
        out.writeArrayEnd();
        out.writeLong(e.budgetNanos());
    }

    private static void payloadRef(PayloadRef ref, Encoder out) throws IOException {
        out.writeLong(ref.payload());
        out.writeInt(ref.offset());
        out.writeInt(ref.length());
    }

    /** Writes the union branch index and the fields of each event kind. */
    private record EventEncoder(Encoder out) implements TraceEventVisitor<Void> {

        @Override
        public Void visit(TraceEvent.RegisterRead e) {
            return register(Branch.REGISTER_READ, e.address(), e.width(), e.value());
        }

        @Override
        public Void visit(TraceEvent.RegisterWrite e) {
            return register(Branch.REGISTER_WRITE, e.address(), e.width(), e.value());
        }

        /** The two register records have the same fields. */
        private Void register(Branch branch, long address, AccessWidth width, long value) {
            return write(() -> {
                out.writeIndex(branch.index);
                out.writeLong(address);
                out.writeInt(width.bytes());
                out.writeLong(value);
            });
        }

        @Override
        public Void visit(TraceEvent.MemoryRead e) {
            return write(() -> {
                out.writeIndex(Branch.MEMORY_READ.index);
                out.writeLong(e.address());
                out.writeBytes(e.bytes());
            });
        }

        @Override
        public Void visit(TraceEvent.MemoryWrite e) {
            return write(() -> {
                out.writeIndex(Branch.MEMORY_WRITE.index);
                out.writeLong(e.address());
                out.writeBytes(e.bytes());
            });
        }

        @Override
        public Void visit(TraceEvent.FrameAllocation e) {
            return write(() -> {
                out.writeIndex(Branch.FRAME_ALLOCATION.index);
                out.writeInt(e.frameCount());
                out.writeLong(e.alignment());
                if (e.address().isPresent()) {
                    out.writeIndex(ADDRESS_PRESENT);
                    out.writeLong(e.address().getAsLong());
                } else {
                    out.writeIndex(ADDRESS_ABSENT);
                }
            });
        }

        @Override
        public Void visit(TraceEvent.FrameFree e) {
            return write(() -> {
                out.writeIndex(Branch.FRAME_FREE.index);
                out.writeLong(e.address());
                out.writeInt(e.frameCount());
            });
        }

        @Override
        public Void visit(TraceEvent.InterruptWait e) {
            return write(() -> {
                out.writeIndex(Branch.INTERRUPT_WAIT.index);
                out.writeInt(e.line());
                out.writeLong(e.timeoutNanos());
                out.writeBoolean(e.raised());
            });
        }

        @Override
        public Void visit(TraceEvent.ClockRead e) {
            return write(() -> {
                out.writeIndex(Branch.CLOCK_READ.index);
                out.writeLong(e.nanos());
            });
        }

        @Override
        public Void visit(TraceEvent.OperationBegin e) {
            return write(() -> encodeBegin(e, e.payloadBytes(), out));
        }

        @Override
        public Void visit(TraceEvent.ThreadSwitch e) {
            return write(() -> {
                out.writeIndex(Branch.THREAD_SWITCH.index);
                out.writeInt(e.thread());
                out.writeString(e.name());
            });
        }

        @Override
        public Void visit(TraceEvent.OperationEnd e) {
            return write(() -> {
                out.writeIndex(Branch.OPERATION_END.index);
                out.writeLong(e.operationId());
                if (e.outcome() instanceof OperationOutcome.Succeeded ok) {
                    out.writeIndex(SUCCEEDED);
                    out.writeFixed(ok.sha256());
                } else {
                    OperationOutcome.Failed failed = (OperationOutcome.Failed) e.outcome();
                    out.writeIndex(FAILED);
                    out.writeString(failed.errorKind());
                    out.writeString(failed.message());
                }
            });
        }

        private static Void write(Fields fields) {
            try {
                fields.write();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return null;
        }
    }

    /** The writes of one event's fields. */
    private interface Fields {
        void write() throws IOException;
    }
}
