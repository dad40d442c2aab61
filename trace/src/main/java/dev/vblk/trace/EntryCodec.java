package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Encoder;

/**
 * The Avro binary encoding of one trace entry in {@link TraceFormat#schema()}, written and read
 * straight between the {@link TraceEvent} records and Avro's encoder and decoder, without Avro's
 * generic records: the union branch index of the entry's kind, then its fields in schema order.
 * Entries are a {@link TraceEvent}, or the framing entries {@link Checkpoint} and {@link End} that
 * only the writer and reader see.
 *
 * <p>Union branch, enum symbol and nested union positions are looked up in the schema by name once.
 * A new entry kind is a {@link Branch} constant, a visit method of the event encoder and a case in
 * {@link #decode(BinaryDecoder)}.
 */
final class EntryCodec {

    /** Integrity check over the entries since the previous checkpoint. */
    record Checkpoint(long entryCount, int crc32c) {}

    /** The end marker of a complete trace. */
    record End(long eventCount) {}

    /** The branches of the entry union, by record name. */
    private enum Branch {
        REGISTER_READ("RegisterRead"),
        REGISTER_WRITE("RegisterWrite"),
        MEMORY_READ("MemoryRead"),
        MEMORY_WRITE("MemoryWrite"),
        FRAME_ALLOCATION("FrameAllocation"),
        FRAME_FREE("FrameFree"),
        INTERRUPT_WAIT("InterruptWait"),
        CLOCK_READ("ClockRead"),
        OPERATION_BEGIN("OperationBegin"),
        OPERATION_END("OperationEnd"),
        THREAD_SWITCH("ThreadSwitch"),
        SHARED_MEMORY_READ("SharedMemoryRead"),
        SHARED_MEMORY_WRITE("SharedMemoryWrite"),
        SHARED_DATA_END("SharedDataEnd"),
        REGISTER_READ_DELTA("RegisterReadDelta"),
        REGISTER_WRITE_DELTA("RegisterWriteDelta"),
        CHECKPOINT("Checkpoint"),
        END("End");

        final Schema schema;
        final int index;

        Branch(String name) {
            Schema union = TraceFormat.schema().getField("entry").schema();
            this.index = union.getIndexNamed(NAMESPACE + name);
            this.schema = union.getTypes().get(index);
        }
    }

    private static final String NAMESPACE = "dev.vblk.trace.avro.";
    private static final Branch[] BY_INDEX = byIndex();
    private static final int ADDRESS_ABSENT = nestedIndex(Branch.FRAME_ALLOCATION, "address", "null");
    private static final int ADDRESS_PRESENT = nestedIndex(Branch.FRAME_ALLOCATION, "address", "long");
    private static final int SUCCEEDED = nestedIndex(Branch.OPERATION_END, "outcome", NAMESPACE + "Succeeded");
    private static final int FAILED = nestedIndex(Branch.OPERATION_END, "outcome", NAMESPACE + "Failed");
    private static final int SHA256_BYTES = 32;
    private static final OperationKind[] KIND_BY_SYMBOL = kindsBySymbol();
    private static final int[] SYMBOL_BY_KIND = symbolsByKind();

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
        out.writeEnum(SYMBOL_BY_KIND[e.kind().ordinal()]);
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

    /**
     * Reads the next entry, written in {@link TraceFormat#schema()}: a {@link TraceEvent}, a
     * {@link Checkpoint} or an {@link End}. Every length is checked against the bytes left in the
     * decoder before anything is allocated.
     *
     * <p>{@code payloads} and {@code registers} are what the entries of a format 4 trace are written
     * against: the shared payloads this entry stores are added to the window and its references
     * resolved in it, and its register access moves the history on. Both are null for older traces,
     * which hold neither references nor compact entries.
     *
     * @throws IOException if the entry is cut short
     * @throws IllegalArgumentException if it holds values no writer produces
     */
    static Object decode(BinaryDecoder in, PayloadWindow payloads, RegisterHistory registers) throws IOException {
        return switch (branch(in.readIndex())) {
            case REGISTER_READ -> noted(new TraceEvent.RegisterRead(in.readLong(), AccessWidth.ofBytes(in.readInt()),
                    in.readLong()), registers);
            case REGISTER_WRITE -> noted(new TraceEvent.RegisterWrite(in.readLong(), AccessWidth.ofBytes(in.readInt()),
                    in.readLong()), registers);
            case REGISTER_READ_DELTA -> history(registers).read(in.readLong(), in.readLong(), false);
            case REGISTER_WRITE_DELTA -> history(registers).read(in.readLong(), in.readLong(), true);
            case MEMORY_READ -> new TraceEvent.MemoryRead(in.readLong(), shared(bytes(in), payloads));
            case MEMORY_WRITE -> new TraceEvent.MemoryWrite(in.readLong(), shared(bytes(in), payloads));
            case FRAME_ALLOCATION -> {
                int frameCount = in.readInt();
                long alignment = in.readLong();
                int address = in.readIndex();
                OptionalLong value;
                if (address == ADDRESS_PRESENT) {
                    value = OptionalLong.of(in.readLong());
                } else if (address == ADDRESS_ABSENT) {
                    value = OptionalLong.empty();
                } else {
                    throw new IllegalArgumentException("unknown address branch " + address);
                }
                yield new TraceEvent.FrameAllocation(frameCount, alignment, value);
            }
            case FRAME_FREE -> new TraceEvent.FrameFree(in.readLong(), in.readInt());
            case INTERRUPT_WAIT -> new TraceEvent.InterruptWait(in.readInt(), in.readLong(), in.readBoolean());
            case CLOCK_READ -> new TraceEvent.ClockRead(in.readLong());
            case OPERATION_BEGIN -> new TraceEvent.OperationBegin(
                    in.readLong(), kind(in.readEnum()), string(in), in.readLong(), in.readLong(), in.readInt(),
                    shared(bytes(in), payloads), in.readBoolean(), longs(in), in.readLong());
            case OPERATION_END -> new TraceEvent.OperationEnd(in.readLong(), outcome(in));
            case THREAD_SWITCH -> new TraceEvent.ThreadSwitch(in.readInt(), string(in));
            case SHARED_MEMORY_READ -> new TraceEvent.MemoryRead(in.readLong(), window(payloads).bytes(payloadRef(in)));
            case SHARED_MEMORY_WRITE -> new TraceEvent.MemoryWrite(in.readLong(), window(payloads).bytes(payloadRef(in)));
            case SHARED_DATA_END -> new TraceEvent.OperationEnd(in.readLong(), sharedData(in, window(payloads)));
            case CHECKPOINT -> new Checkpoint(in.readLong(), in.readInt());
            case END -> new End(in.readLong());
        };
    }

    private static OperationOutcome outcome(BinaryDecoder in) throws IOException {
        int branch = in.readIndex();
        if (branch == SUCCEEDED) {
            byte[] sha256 = new byte[SHA256_BYTES];
            in.readFixed(sha256);
            return new OperationOutcome.Succeeded(sha256);
        }
        if (branch == FAILED) {
            return new OperationOutcome.Failed(string(in), string(in));
        }
        throw new IllegalArgumentException("unknown outcome branch " + branch);
    }

    /** Adds {@code payload} to the window when it is a shared payload of a format 4 trace; returns it. */
    private static byte[] shared(byte[] payload, PayloadWindow payloads) {
        if (payloads != null && PayloadWindow.isShared(payload.length)) {
            payloads.add(payload);
        }
        return payload;
    }

    /** A register access written in full, which moves the history of a format 4 trace on too. */
    private static TraceEvent noted(TraceEvent event, RegisterHistory registers) {
        if (registers != null) {
            if (event instanceof TraceEvent.RegisterRead read) {
                registers.note(read.address(), read.width(), read.value());
            } else if (event instanceof TraceEvent.RegisterWrite write) {
                registers.note(write.address(), write.width(), write.value());
            }
        }
        return event;
    }

    private static RegisterHistory history(RegisterHistory registers) {
        if (registers == null) {
            throw new IllegalArgumentException("a compact register entry in a trace older than format 4");
        }
        return registers;
    }

    private static PayloadWindow window(PayloadWindow payloads) {
        if (payloads == null) {
            throw new IllegalArgumentException("a reference to a shared payload in a trace older than format 4");
        }
        return payloads;
    }

    private static PayloadRef payloadRef(BinaryDecoder in) throws IOException {
        return new PayloadRef(in.readLong(), in.readInt(), in.readInt());
    }

    /** The outcome of a {@code SharedDataEnd}: succeeded, with the SHA-256 of the bytes its references name. */
    private static OperationOutcome sharedData(BinaryDecoder in, PayloadWindow payloads) throws IOException {
        MessageDigest digest = OperationOutcome.Succeeded.sha256Digest();
        for (long count = in.readArrayStart(); count != 0; count = in.arrayNext()) {
            if (count < 0 || count > in.remainingBytes()) {
                throw new IllegalArgumentException("an array of " + count + " items does not fit in the block");
            }
            for (long i = 0; i < count; i++) {
                digest.update(payloads.bytes(payloadRef(in)));
            }
        }
        return new OperationOutcome.Succeeded(digest.digest());
    }

    private static Branch branch(int index) {
        if (index < 0 || index >= BY_INDEX.length || BY_INDEX[index] == null) {
            throw new IllegalArgumentException("unknown entry branch " + index);
        }
        return BY_INDEX[index];
    }

    private static OperationKind kind(int symbol) {
        if (symbol < 0 || symbol >= KIND_BY_SYMBOL.length) {
            throw new IllegalArgumentException("unknown operation kind symbol " + symbol);
        }
        return KIND_BY_SYMBOL[symbol];
    }

    /** An Avro array of longs; each block's count must fit in what is left of the decoder. */
    private static long[] longs(BinaryDecoder in) throws IOException {
        long[] values = new long[0];
        for (long count = in.readArrayStart(); count != 0; count = in.arrayNext()) {
            if (count < 0 || count > in.remainingBytes()) {
                throw new IllegalArgumentException("an array of " + count + " items does not fit in the block");
            }
            int at = values.length;
            values = Arrays.copyOf(values, at + (int) count);
            for (int i = at; i < values.length; i++) {
                values[i] = in.readLong();
            }
        }
        return values;
    }

    /** An Avro {@code bytes} value whose length must fit in what is left of the decoder. */
    private static byte[] bytes(BinaryDecoder in) throws IOException {
        long length = in.readLong();
        if (length < 0 || length > in.remainingBytes()) {
            throw new IllegalArgumentException("a length of " + length + " bytes does not fit in the block");
        }
        byte[] bytes = new byte[(int) length];
        in.readFixed(bytes);
        return bytes;
    }

    /** An Avro {@code string}, bounded as {@link #bytes}; malformed UTF-8 decodes as Avro's does. */
    private static String string(BinaryDecoder in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }

    private static Branch[] byIndex() {
        Branch[] branches = new Branch[TraceFormat.schema().getField("entry").schema().getTypes().size()];
        for (Branch branch : Branch.values()) {
            branches[branch.index] = branch;
        }
        return branches;
    }

    private static int nestedIndex(Branch branch, String field, String name) {
        Integer index = branch.schema.getField(field).schema().getIndexNamed(name);
        if (index == null) {
            throw new IllegalStateException(branch + "." + field + " has no branch " + name);
        }
        return index;
    }

    private static OperationKind[] kindsBySymbol() {
        List<String> symbols = Branch.OPERATION_BEGIN.schema.getField("kind").schema().getEnumSymbols();
        return symbols.stream().map(OperationKind::valueOf).toArray(OperationKind[]::new);
    }

    private static int[] symbolsByKind() {
        Schema kinds = Branch.OPERATION_BEGIN.schema.getField("kind").schema();
        int[] symbols = new int[OperationKind.values().length];
        for (OperationKind kind : OperationKind.values()) {
            symbols[kind.ordinal()] = kinds.getEnumOrdinal(kind.name());
        }
        return symbols;
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
