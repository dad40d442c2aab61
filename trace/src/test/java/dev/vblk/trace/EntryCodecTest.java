package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vblk.platform.AccessWidth;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.OptionalLong;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/** {@link EntryCodec}'s encoding is Avro's binary encoding of {@link TraceFormat#schema()}. */
class EntryCodecTest {

    @Property(tries = 2000)
    void avroReadsWhatTheCodecWritesAndWritesItBackTheSame(@ForAll("events") TraceEvent event) throws IOException {
        byte[] bytes = encode(event);

        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, null);
        Object record = new GenericDatumReader<>(TraceFormat.schema()).read(null, in);
        assertEquals(0, in.remainingBytes(), "Avro reads the whole entry");
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(again, null);
        new GenericDatumWriter<>(TraceFormat.schema()).write(record, out);
        assertArrayEquals(bytes, again.toByteArray());

        BinaryDecoder direct = DecoderFactory.get().binaryDecoder(bytes, null);
        assertEquals(event, new EntryDecoder().decode(direct, null, null));
        assertEquals(0, direct.remainingBytes());
    }

    @Test
    void fieldValuesAreInTheFieldsTheSchemaNames() throws IOException {
        assertEquals("{\"entry\": {\"address\": 167788032, \"widthBytes\": 4, \"value\": 1953655158}}",
                generic(new TraceEvent.RegisterRead(0x0a003e00L, AccessWidth.WORD, 0x74726976L)));
        assertEquals("{\"entry\": {\"address\": 167788112, \"widthBytes\": 2, \"value\": 7}}",
                generic(new TraceEvent.RegisterWrite(0x0a003e50L, AccessWidth.HALF, 7)));
        assertEquals("{\"entry\": {\"address\": 4096, \"data\": \"\\u0001\\u0002\"}}",
                generic(new TraceEvent.MemoryRead(4096, new byte[] {1, 2})));
        assertEquals("{\"entry\": {\"address\": 8192, \"data\": \"\\u0003\"}}",
                generic(new TraceEvent.MemoryWrite(8192, new byte[] {3})));
        assertEquals("{\"entry\": {\"frameCount\": 2, \"alignment\": 4096, \"address\": 1073741824}}",
                generic(new TraceEvent.FrameAllocation(2, 4096, OptionalLong.of(0x4000_0000L))));
        assertEquals("{\"entry\": {\"frameCount\": 3, \"alignment\": 8192, \"address\": null}}",
                generic(new TraceEvent.FrameAllocation(3, 8192, OptionalLong.empty())));
        assertEquals("{\"entry\": {\"address\": 1073745920, \"frameCount\": 1}}",
                generic(new TraceEvent.FrameFree(0x4000_1000L, 1)));
        assertEquals("{\"entry\": {\"line\": 47, \"timeoutNanos\": 1000, \"raised\": true}}",
                generic(new TraceEvent.InterruptWait(47, 1000, true)));
        assertEquals("{\"entry\": {\"nanos\": 123456789}}", generic(new TraceEvent.ClockRead(123456789)));
        assertEquals("{\"entry\": {\"operationId\": 5, \"kind\": \"WRITE_ZEROES\", \"device\": \"virtio-blk@0x0a003e00\", "
                + "\"sector\": 9, \"sectorCount\": 4, \"readLength\": 0, \"payload\": \"\", \"submitted\": false, "
                + "\"awaited\": [], \"budgetNanos\": -1}}",
                generic(new TraceEvent.OperationBegin(5, OperationKind.WRITE_ZEROES, "virtio-blk@0x0a003e00", 9, 4, 0,
                        new byte[0])));
        assertEquals("{\"entry\": {\"operationId\": 8, \"kind\": \"WAIT_ALL\", \"device\": \"virtio-blk@0x0a003e00\", "
                + "\"sector\": 0, \"sectorCount\": 0, \"readLength\": 0, \"payload\": \"\", \"submitted\": false, "
                + "\"awaited\": [3, 4], \"budgetNanos\": 500}}",
                generic(new TraceEvent.OperationBegin(8, OperationKind.WAIT_ALL, "virtio-blk@0x0a003e00", 0, 0, 0,
                        new byte[0], false, new long[] {3, 4}, 500)));
        assertEquals("{\"entry\": {\"operationId\": 6, \"outcome\": {\"errorKind\": \"IO_ERROR\", \"message\": \"bad\"}}}",
                generic(new TraceEvent.OperationEnd(6, new OperationOutcome.Failed("IO_ERROR", "bad"))));
        byte[] sha = new byte[32];
        Arrays.fill(sha, (byte) 'a');
        assertEquals("{\"entry\": {\"operationId\": 7, \"outcome\": {\"sha256\": [" + "97, ".repeat(31) + "97]}}}",
                generic(new TraceEvent.OperationEnd(7, new OperationOutcome.Succeeded(sha))));
    }

    @Test
    void oneDecoderGivesEachLargeAccessAndTheWindowItsOwnBytes() throws IOException {
        byte[] first = pattern(4096, 1);
        byte[] second = pattern(4096, 2);
        byte[] payload = pattern(4096, 3);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (TraceEvent event : new TraceEvent[] {new TraceEvent.MemoryRead(16, first), new TraceEvent.MemoryWrite(32, second),
                new TraceEvent.OperationBegin(1, OperationKind.WRITE, "d", 0, 8, 0, payload)}) {
            bytes.write(encode(event));
        }
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null);
        EntryDecoder decoder = new EntryDecoder();
        PayloadWindow window = new PayloadWindow();
        RegisterHistory registers = new RegisterHistory();

        assertEquals(new TraceEvent.MemoryRead(16, first), decoder.decode(in, window, registers));
        assertEquals(new TraceEvent.MemoryWrite(32, second), decoder.decode(in, window, registers));
        assertEquals(new TraceEvent.OperationBegin(1, OperationKind.WRITE, "d", 0, 8, 0, payload),
                decoder.decode(in, window, registers));
        assertArrayEquals(first, window.payload(0));
        assertArrayEquals(second, window.payload(1));
        assertArrayEquals(payload, window.payload(2));
    }

    @Test
    void aLengthLongerThanTheEntryIsRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] bytes = encode(new TraceEvent.MemoryRead(16, new byte[] {1, 2, 3}));
        bytes[2] = 0x7e; // the data length: 63, with 3 bytes left

        BinaryDecoder in = DecoderFactory.get().binaryDecoder(bytes, null);
        assertThrows(IllegalArgumentException.class, () -> new EntryDecoder().decode(in, null, null));
    }

    @Provide
    Arbitrary<TraceEvent> events() {
        return TraceSamples.events();
    }

    private static String generic(TraceEvent event) throws IOException {
        BinaryDecoder in = DecoderFactory.get().binaryDecoder(encode(event), null);
        return new GenericDatumReader<>(TraceFormat.schema()).read(null, in).toString();
    }

    /** {@code length} bytes counting up from {@code seed}. */
    private static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i);
        }
        return bytes;
    }

    private static byte[] encode(TraceEvent event) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder out = EncoderFactory.get().directBinaryEncoder(bytes, null);
        EntryCodec.encode(event, out);
        return bytes.toByteArray();
    }
}
