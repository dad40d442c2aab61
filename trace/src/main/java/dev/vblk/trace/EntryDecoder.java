package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;
import org.apache.avro.io.BinaryDecoder;

/**
 * Reads trace entries from Avro's binary encoding in {@link TraceFormat#schema()} into the
 * {@link TraceEvent} records, as {@link EntryCodec} writes them: the union branch index of the
 * entry's kind, then its fields in schema order. Every length is checked against the bytes left in
 * the block before anything is allocated; a value no writer produces is an
 * {@link IllegalArgumentException} whose message says what is wrong, in the file's terms.
 *
 * <p>One decoder serves one reader: the data of a memory access or an operation's payload is read
 * into an array used again (for {@link PayloadWindow#SHARED_MIN_BYTES} or more, while the lengths
 * repeat; below that, one array per length), since the event copies it in anyway; only the event's
 * copy is allocated.
 */
final class EntryDecoder {

    /** The large data last read, which the event built from it has copied. */
    private byte[] large = new byte[0];
    /** Arrays for data shorter than a shared payload, one per length, used again for each entry of that length. */
    private final byte[][] small = new byte[PayloadWindow.SHARED_MIN_BYTES][];

    /**
     * Reads the next entry, written in {@link TraceFormat#schema()}: a {@link TraceEvent}, a
     * {@link EntryCodec.Checkpoint} or an {@link EntryCodec.End}. Every length is checked against the bytes left in the
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
    Object decode(BinaryDecoder in, PayloadWindow payloads, RegisterHistory registers) throws IOException {
        return switch (branch(in.readIndex())) {
            case REGISTER_READ -> noted(new TraceEvent.RegisterRead(in.readLong(), AccessWidth.ofBytes(in.readInt()),
                    in.readLong()), registers);
            case REGISTER_WRITE -> noted(new TraceEvent.RegisterWrite(in.readLong(), AccessWidth.ofBytes(in.readInt()),
                    in.readLong()), registers);
            case REGISTER_READ_DELTA -> history(registers).read(in.readLong(), in.readLong(), false);
            case REGISTER_WRITE_DELTA -> history(registers).read(in.readLong(), in.readLong(), true);
            case MEMORY_READ -> {
                TraceEvent.MemoryRead read = new TraceEvent.MemoryRead(in.readLong(), copiedBytes(in));
                shared(read.bytes(), payloads);
                yield read;
            }
            case MEMORY_WRITE -> {
                TraceEvent.MemoryWrite write = new TraceEvent.MemoryWrite(in.readLong(), copiedBytes(in));
                shared(write.bytes(), payloads);
                yield write;
            }
            case FRAME_ALLOCATION -> {
                int frameCount = in.readInt();
                long alignment = in.readLong();
                int address = in.readIndex();
                OptionalLong value;
                if (address == EntryCodec.ADDRESS_PRESENT) {
                    value = OptionalLong.of(in.readLong());
                } else if (address == EntryCodec.ADDRESS_ABSENT) {
                    value = OptionalLong.empty();
                } else {
                    throw new IllegalArgumentException("unknown kind " + address + " of frame address");
                }
                yield new TraceEvent.FrameAllocation(frameCount, alignment, value);
            }
            case FRAME_FREE -> new TraceEvent.FrameFree(in.readLong(), in.readInt());
            case INTERRUPT_WAIT -> new TraceEvent.InterruptWait(in.readInt(), in.readLong(), in.readBoolean());
            case CLOCK_READ -> new TraceEvent.ClockRead(in.readLong());
            case OPERATION_BEGIN -> {
                TraceEvent.OperationBegin begin = new TraceEvent.OperationBegin(
                        in.readLong(), kind(in.readEnum()), string(in), in.readLong(), in.readLong(), in.readInt(),
                        copiedBytes(in), in.readBoolean(), longs(in), in.readLong());
                shared(begin.payloadBytes(), payloads);
                yield begin;
            }
            case OPERATION_END -> new TraceEvent.OperationEnd(in.readLong(), outcome(in));
            case THREAD_SWITCH -> new TraceEvent.ThreadSwitch(in.readInt(), string(in));
            case SHARED_MEMORY_READ -> new TraceEvent.MemoryRead(in.readLong(), window(payloads).bytes(payloadRef(in)));
            case SHARED_MEMORY_WRITE -> new TraceEvent.MemoryWrite(in.readLong(), window(payloads).bytes(payloadRef(in)));
            case SHARED_DATA_END -> new TraceEvent.OperationEnd(in.readLong(), sharedData(in, window(payloads)));
            case CHECKPOINT -> new EntryCodec.Checkpoint(in.readLong(), in.readInt());
            case END -> new EntryCodec.End(in.readLong());
        };
    }

    private static OperationOutcome outcome(BinaryDecoder in) throws IOException {
        int branch = in.readIndex();
        if (branch == EntryCodec.SUCCEEDED) {
            byte[] sha256 = new byte[OperationOutcome.Succeeded.DIGEST_LENGTH];
            in.readFixed(sha256);
            return new OperationOutcome.Succeeded(sha256);
        }
        if (branch == EntryCodec.FAILED) {
            return new OperationOutcome.Failed(string(in), string(in));
        }
        throw new IllegalArgumentException("unknown kind " + branch + " of operation outcome");
    }

    /**
     * Adds {@code payload} to the window when it is a shared payload of a format 4 trace. It is the
     * event's own array, which nothing changes, so that the outcomes referring to it hold the very
     * bytes the event hands out, not a second copy of them.
     */
    private static void shared(byte[] payload, PayloadWindow payloads) {
        if (payloads != null && PayloadWindow.isShared(payload.length)) {
            payloads.add(payload);
        }
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

    /** The outcome of a {@code SharedDataEnd}: succeeded, returning the bytes its references name (its digest worked out when asked). */
    private static OperationOutcome sharedData(BinaryDecoder in, PayloadWindow payloads) throws IOException {
        ByteSlices.Builder data = new ByteSlices.Builder();
        for (long count = in.readArrayStart(); count != 0; count = in.arrayNext()) {
            if (count < 0 || count > in.remainingBytes()) {
                throw new IllegalArgumentException("an array of " + count + " items does not fit in the block");
            }
            for (long i = 0; i < count; i++) {
                payloads.addTo(data, payloadRef(in));
            }
        }
        return OperationOutcome.Succeeded.returning(data.build());
    }

    private static EntryCodec.Branch branch(int index) {
        if (index < 0 || index >= EntryCodec.BY_INDEX.length || EntryCodec.BY_INDEX[index] == null) {
            throw new IllegalArgumentException("unknown entry kind " + index);
        }
        return EntryCodec.BY_INDEX[index];
    }

    private static OperationKind kind(int symbol) {
        if (symbol < 0 || symbol >= EntryCodec.KIND_BY_SYMBOL.length) {
            throw new IllegalArgumentException("unknown operation kind " + symbol);
        }
        return EntryCodec.KIND_BY_SYMBOL[symbol];
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
        byte[] bytes = new byte[length(in)];
        in.readFixed(bytes);
        return bytes;
    }

    /**
     * An Avro {@code bytes} value, bounded as {@link #bytes}, that the caller copies before the next
     * one is read: a large one is read into {@link #large}, which is replaced only when the length
     * changes, a shorter one into the array kept for its length.
     */
    private byte[] copiedBytes(BinaryDecoder in) throws IOException {
        int length = length(in);
        byte[] bytes;
        if (PayloadWindow.isShared(length)) {
            if (large.length != length) {
                large = new byte[length];
            }
            bytes = large;
        } else {
            bytes = small[length];
            if (bytes == null) {
                bytes = new byte[length];
                small[length] = bytes;
            }
        }
        in.readFixed(bytes);
        return bytes;
    }

    /** The length of an Avro {@code bytes} value, which must fit in what is left of the decoder. */
    private static int length(BinaryDecoder in) throws IOException {
        long length = in.readLong();
        if (length < 0 || length > in.remainingBytes()) {
            throw new IllegalArgumentException("a length of " + length + " bytes does not fit in the block");
        }
        return (int) length;
    }

    /** An Avro {@code string}, bounded as {@link #bytes}; malformed UTF-8 decodes as Avro's does. */
    private static String string(BinaryDecoder in) throws IOException {
        return new String(bytes(in), StandardCharsets.UTF_8);
    }
}
