package dev.vblk.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingPlatformTest {

    @TempDir
    Path dir;

    static TraceMetadata metadata() {
        return TraceMetadata.of(Instant.EPOCH, Map.of("kind", "test"), List.of(), "unit test", OptionalLong.empty(), Map.of());
    }

    /** Memory of 64 KiB at address 0, registers that return their address plus one, one frame. */
    static final class TinyPlatform implements Platform {
        final byte[] memory = new byte[1 << 16];
        long clock = 100;
        boolean frameTaken;

        @Override
        public long readRegister(long address, AccessWidth width) {
            return width.truncate(address + 1);
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {}

        @Override
        public void readMemory(long address, byte[] destination, int offset, int length) {
            System.arraycopy(memory, (int) address, destination, offset, length);
        }

        @Override
        public void writeMemory(long address, byte[] source, int offset, int length) {
            System.arraycopy(source, offset, memory, (int) address, length);
        }

        @Override
        public OptionalLong allocateFrames(int frameCount, long alignment) {
            if (frameTaken || frameCount != 1) {
                return OptionalLong.empty();
            }
            frameTaken = true;
            return OptionalLong.of(0x1000);
        }

        @Override
        public void freeFrames(long address, int frameCount) {
            frameTaken = false;
        }

        @Override
        public boolean awaitInterrupt(int line, long timeoutNanos) {
            return line == 5;
        }

        @Override
        public boolean awaitEdge(int line, long timeoutNanos) {
            return line == 48;
        }

        @Override
        public long nanoTime() {
            return clock += 10;
        }
    }

    @Test
    void recordsEveryPrimitiveCallWithItsResultInOrder() {
        Path file = dir.resolve("trace.avro");
        TinyPlatform inner = new TinyPlatform();
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata(), TraceCodec.DEFLATE))) {
            Platform platform = new RecordingPlatform(inner, recorder);

            assertEquals(0x71, platform.readRegister(0x70, AccessWidth.WORD));
            platform.writeRegister(0x50, AccessWidth.HALF, 7);
            platform.writeU32(0x2000, 0xdeadbeefL);
            assertEquals(0xdeadbeefL, platform.readU32(0x2000));
            assertEquals(OptionalLong.of(0x1000), platform.allocateFrames(1, 4096));
            assertEquals(OptionalLong.empty(), platform.allocateFrames(2, 8192));
            platform.freeFrames(0x1000, 1);
            assertTrue(platform.awaitInterrupt(5, 1000));
            assertTrue(platform.awaitEdge(48, 2000));
            assertEquals(110, platform.nanoTime());
        }

        Trace trace = TraceReader.readComplete(file);

        byte[] word = {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde};
        assertEquals(List.of(
                new TraceEvent.RegisterRead(0x70, AccessWidth.WORD, 0x71),
                new TraceEvent.RegisterWrite(0x50, AccessWidth.HALF, 7),
                new TraceEvent.MemoryWrite(0x2000, word),
                new TraceEvent.MemoryRead(0x2000, word),
                new TraceEvent.FrameAllocation(1, 4096, OptionalLong.of(0x1000)),
                new TraceEvent.FrameAllocation(2, 8192, OptionalLong.empty()),
                new TraceEvent.FrameFree(0x1000, 1),
                new TraceEvent.InterruptWait(5, 1000, true),
                new TraceEvent.InterruptWait(48, 2000, true),
                new TraceEvent.ClockRead(110)), trace.events());
        assertTrue(trace.complete());
        assertEquals(metadata(), trace.metadata());
    }

    @Test
    void recordsOnlyTheRangeOfABufferThatWasAccessed() {
        Path file = dir.resolve("range.avro");
        TinyPlatform inner = new TinyPlatform();
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata(), TraceCodec.NONE))) {
            Platform platform = new RecordingPlatform(inner, recorder);
            platform.writeMemory(0x100, new byte[] {9, 1, 2, 9}, 1, 2);
            byte[] destination = new byte[5];
            platform.readMemory(0x100, destination, 3, 2);
        }

        assertEquals(List.of(
                new TraceEvent.MemoryWrite(0x100, new byte[] {1, 2}),
                new TraceEvent.MemoryRead(0x100, new byte[] {1, 2})), TraceReader.readComplete(file).events());
    }

    @Test
    void operationsAreOnDiskWithinTheFlushIntervalWhileTheTraceIsOpen() throws InterruptedException {
        Path file = dir.resolve("open.avro");
        TinyPlatform inner = new TinyPlatform();
        TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata(), TraceCodec.DEFLATE));
        Platform platform = new RecordingPlatform(inner, recorder);

        recorder.recordOperation(OperationKind.DISCOVERY, "", 0, 0, () -> platform.readRegister(0x0a000000, AccessWidth.WORD));

        // Nothing more is recorded and nothing asks for a checkpoint: the writer thread writes by itself.
        Trace prefix = TraceReader.readValidPrefix(file);
        for (int wait = 0; prefix.events().size() < 3 && wait < 100; wait++) {
            Thread.sleep(TraceWriter.FLUSH_INTERVAL_MILLIS / 4);
            prefix = TraceReader.readValidPrefix(file);
        }
        assertEquals(List.of(
                new TraceEvent.OperationBegin(1, OperationKind.DISCOVERY, "", 0, 0, 0, new byte[0]),
                new TraceEvent.RegisterRead(0x0a000000, AccessWidth.WORD, 0x0a000001),
                new TraceEvent.OperationEnd(1, OperationOutcome.Succeeded.ofNothing())), prefix.events());
        assertEquals(false, prefix.complete());
        recorder.close();
        assertTrue(TraceReader.readComplete(file).complete());
    }
}
