package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes the Avro object container of a trace: the header, then blocks of entries, each closed by a
 * checkpoint, compressed and handed to the operating system. It stores every shared payload once
 * (format 4): memory accesses and returned data whose bytes an earlier payload in the window holds
 * are written as references to it ({@link PayloadIndex}).
 *
 * <p>Used by one thread at a time: the writer thread of a {@link TraceWriter}.
 */
final class BlockWriter {

    /** Uncompressed size at which a block is closed even in the middle of a batch. */
    static final int BLOCK_BYTES = 64 << 10;

    /** Payloads at least this long are sampled for whether they would compress. */
    private static final int SAMPLED_PAYLOAD_BYTES = 4096;

    private final OutputStream out;
    private final FileOutputStream file;
    private final TraceCodec.Compressor compressor;
    private final byte[] sync;
    private final Buffer block = new Buffer();
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(block, null);
    private final byte[] blockHeader = new byte[20];
    private final CRC32C crc = new CRC32C();
    private final PayloadBuffers buffers;
    private final PayloadIndex payloads;
    private final RegisterHistory registers = new RegisterHistory();
    private long entries;
    private int blockEntries;
    private long incompressibleBytes;

    /**
     * A writer to {@code out}; {@code file}, when the trace is a file, is the same stream, which
     * {@link #finish} forces to the device. Payloads whose arrays came from {@code buffers} go back
     * to them once the trace no longer needs them.
     */
    BlockWriter(OutputStream out, FileOutputStream file, TraceCodec codec, byte[] sync, PayloadBuffers buffers) {
        this.buffers = buffers;
        this.payloads = new PayloadIndex(buffers);
        this.out = out;
        this.file = file;
        this.compressor = codec.compressor();
        this.sync = sync.clone();
    }

    /** Writes the container header: the magic bytes, the metadata and the sync marker. */
    void header(Map<String, byte[]> metadata) throws IOException {
        BinaryEncoder header = EncoderFactory.get().directBinaryEncoder(out, null);
        header.writeFixed(DataFileConstants.MAGIC);
        header.writeMapStart();
        header.setItemCount(metadata.size());
        for (Map.Entry<String, byte[]> entry : metadata.entrySet()) {
            header.startItem();
            header.writeString(entry.getKey());
            header.writeBytes(entry.getValue());
        }
        header.writeMapEnd();
        header.writeFixed(sync);
        out.flush();
    }

    /** Adds an event to the current block. */
    void add(TraceEvent event) throws IOException {
        if (event instanceof TraceEvent.RegisterRead read) {
            register(false, read.address(), read.width(), read.value(), event);
        } else if (event instanceof TraceEvent.RegisterWrite write) {
            register(true, write.address(), write.width(), write.value(), event);
        } else if (event instanceof TraceEvent.MemoryRead read) {
            memory(false, read.address(), read.bytes(), false);
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            memory(true, write.address(), write.bytes(), false);
        } else if (event instanceof TraceEvent.OperationBegin begin) {
            begin(begin, begin.payloadBytes(), false);
        } else {
            EntryCodec.encode(event, encoder);
            entryAdded();
        }
    }

    /**
     * Adds the start of an operation whose payload is {@code payload} (the event's own is not used),
     * which nobody changes any more; with {@code recycled} the array came from the buffers, and goes
     * back once the trace no longer needs it.
     */
    void begin(TraceEvent.OperationBegin begin, byte[] payload, boolean recycled) throws IOException {
        EntryCodec.encodeBegin(begin, payload, encoder);
        if (PayloadWindow.isShared(payload.length)) {
            payloads.store(payload, true, recycled);
            noteStored(payload);
        } else if (recycled) {
            buffers.give(payload);
        }
        entryAdded();
    }

    /** Adds a register access: compact, against the history, unless its address is too far from the one before. */
    private void register(boolean write, long address, AccessWidth width, long value, TraceEvent event)
            throws IOException {
        if (registers.compact(address)) {
            long[] compact = registers.write(address, width, value);
            EntryCodec.encodeRegisterDelta(write, compact[0], compact[1], encoder);
        } else {
            registers.note(address, width, value);
            EntryCodec.encode(event, encoder);
        }
        entryAdded();
    }

    /**
     * Adds a memory access whose bytes are {@code data}, which nobody changes any more; with
     * {@code recycled} the array came from the buffers, and goes back once the trace no longer needs it.
     */
    void memory(boolean write, long address, byte[] data, boolean recycled) throws IOException {
        PayloadRef ref = payloads.find(data, 0, data.length);
        boolean kept = false;
        if (ref != null) {
            EntryCodec.encodeSharedMemory(write, address, ref, encoder);
        } else {
            EntryCodec.encodeMemory(write, address, data, encoder);
            if (PayloadWindow.isShared(data.length)) {
                payloads.store(data, false, recycled);
                kept = true;
            }
            noteStored(data);
        }
        if (recycled && !kept) {
            buffers.give(data);
        }
        entryAdded();
    }

    /**
     * Adds the end of operation {@code operationId}, which succeeded returning {@code data} (an array
     * from the buffers, which goes back to them): as references to the payloads that hold those
     * bytes, or else with their SHA-256.
     */
    void succeeded(long operationId, byte[] data) throws IOException {
        List<PayloadRef> refs = PayloadWindow.isShared(data.length) ? payloads.cover(data) : null;
        if (refs != null) {
            EntryCodec.encodeSharedDataEnd(operationId, refs, encoder);
        } else {
            EntryCodec.encode(new TraceEvent.OperationEnd(operationId, OperationOutcome.Succeeded.ofData(data)), encoder);
        }
        buffers.give(data);
        entryAdded();
    }

    /** Closes the current block, if it has entries: checkpoint, compression, and out to the stream's buffer. */
    private void endBlock() throws IOException {
        if (blockEntries == 0) {
            return;
        }
        crc.reset();
        crc.update(block.array(), 0, block.size());
        EntryCodec.encode(new EntryCodec.Checkpoint(entries, (int) crc.getValue()), encoder);
        // Mostly data that does not compress: framed as the codec requires, written straight from the block.
        boolean random = incompressibleBytes * 4 >= block.size() * 3L;
        long stored = compressor.storedSize(block.size());
        if (!compressor.compresses() || (random && stored >= 0)) {
            writeBlockHeader(stored);
            compressor.writeStored(block.array(), block.size(), out);
        } else {
            compressor.compress(block.array(), block.size());
            writeBlockHeader(compressor.length());
            out.write(compressor.output(), 0, compressor.length());
        }
        out.write(sync);
        block.reset();
        blockEntries = 0;
        incompressibleBytes = 0;
    }

    /** Writes an Avro block's header: its entry count (the checkpoint included) and its size in bytes. */
    private void writeBlockHeader(long size) throws IOException {
        int headerLength = varint(blockEntries + 1, blockHeader, 0);
        headerLength = varint(size, blockHeader, headerLength);
        out.write(blockHeader, 0, headerLength);
    }

    /** Closes the current block and hands everything written to the operating system. */
    void flush() throws IOException {
        endBlock();
        out.flush();
    }

    /** Ends the trace: the end marker when {@code complete}, the last block, forced to the device, closed. */
    void finish(boolean complete, long eventCount) throws IOException {
        try (out) {
            if (complete) {
                EntryCodec.encode(new EntryCodec.End(eventCount), encoder);
                entryAdded();
            }
            flush();
            if (file != null) {
                file.getFD().sync();
            }
        }
    }

    /** Closes the stream after a failure, writing nothing more. */
    void closeQuietly() {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // The stream has already failed; that failure is the one reported.
        }
    }

    private void entryAdded() throws IOException {
        entries++;
        blockEntries++;
        if (block.size() >= BLOCK_BYTES) {
            endBlock();
        }
    }

    /** Counts a stored payload that looks like random bytes towards the block's incompressible bytes. */
    private void noteStored(byte[] data) {
        if (data.length >= SAMPLED_PAYLOAD_BYTES && looksRandom(data)) {
            incompressibleBytes += data.length;
        }
    }

    /**
     * Whether bytes look random: 1,024 bytes sampled across them hold more than 200 distinct values,
     * and so do the differences between neighbouring bytes. Random bytes hold about 250 of each;
     * text about 60 values, zero-filled data one, and data made by a rule (a counter, a sector's
     * signature) may hold every value but few differences.
     */
    private static boolean looksRandom(byte[] data) {
        long[] values = new long[4];
        long[] differences = new long[4];
        int runs = 16;
        int run = 64;
        int stride = (data.length - run) / (runs - 1);
        for (int r = 0; r < runs; r++) {
            int start = r * stride;
            int previous = data[start] & 0xff;
            for (int i = start; i < start + run; i++) {
                int value = data[i] & 0xff;
                int difference = (value - previous) & 0xff;
                values[value >>> 6] |= 1L << value;
                differences[difference >>> 6] |= 1L << difference;
                previous = value;
            }
        }
        return distinct(values) > 200 && distinct(differences) > 200;
    }

    private static int distinct(long[] set) {
        int count = 0;
        for (long bits : set) {
            count += Long.bitCount(bits);
        }
        return count;
    }

    /** Writes an Avro zig-zag varint; returns the position after it. */
    private static int varint(long value, byte[] to, int at) {
        long zigzag = (value << 1) ^ (value >> 63);
        while ((zigzag & ~0x7fL) != 0) {
            to[at++] = (byte) ((zigzag & 0x7f) | 0x80);
            zigzag >>>= 7;
        }
        to[at++] = (byte) zigzag;
        return at;
    }

    /** The bytes of the open block, reused from block to block. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(1 << 16);
        }

        byte[] array() {
            return buf;
        }
    }
}
