package dev.vblk.virtio.queue.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.testing.MemoryOnlyPlatform;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Descriptor chains written by hand into guest memory, decoded or rejected for the right reason. */
class ChainDecoderTest {

    private static final int NEXT = 1;
    private static final int WRITE = 2;
    private static final int INDIRECT = 4;
    private static final long TABLE = MemoryOnlyPlatform.RAM_BASE;
    private static final long INDIRECT_TABLE = MemoryOnlyPlatform.RAM_BASE + 0x1000;
    private static final long BUFFERS = MemoryOnlyPlatform.RAM_BASE + 0x10_0000;

    private final MemoryOnlyPlatform memory = new MemoryOnlyPlatform();
    private final ChainDecoder decoder = new ChainDecoder(memory::readMemory, TABLE, 8, true);

    private void descriptor(long table, int index, long address, long length, int flags, int next) {
        long at = table + 16L * index;
        memory.writeU64(at, address);
        memory.writeU32(at + 8, length);
        memory.writeU16(at + 12, flags);
        memory.writeU16(at + 14, next);
    }

    private MalformedChainException rejected(ChainDecoder chains, int head, ChainDefect defect) {
        MalformedChainException error = assertThrows(MalformedChainException.class, () -> chains.decode(head));
        assertEquals(defect, error.defect(), error.getMessage());
        return error;
    }

    @Test
    void directChainIsFollowedInLinkOrder() {
        descriptor(TABLE, 5, BUFFERS, 16, NEXT, 2);
        descriptor(TABLE, 2, BUFFERS + 0x1000, 512, NEXT | WRITE, 7);
        descriptor(TABLE, 7, BUFFERS + 16, 1, WRITE, 0);

        DecodedChain chain = decoder.decode(5);

        assertEquals(new DecodedChain(5, List.of(new ChainSegment(BUFFERS, 16, false),
                new ChainSegment(BUFFERS + 0x1000, 512, true), new ChainSegment(BUFFERS + 16, 1, true)), false, 3), chain);
        assertEquals(List.of(new ChainSegment(BUFFERS, 16, false)), chain.readable());
        assertEquals(513, ChainSegment.total(chain.writable()));
    }

    @Test
    void indirectTableIsWalkedByItsOwnLinks() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 2);
        descriptor(INDIRECT_TABLE, 2, BUFFERS + 0x1000, 512, NEXT | WRITE, 1);
        descriptor(INDIRECT_TABLE, 1, BUFFERS + 16, 1, WRITE, 0);
        descriptor(TABLE, 3, INDIRECT_TABLE, 48, INDIRECT | WRITE, 0);

        DecodedChain chain = decoder.decode(3);

        assertTrue(chain.indirect());
        assertEquals(List.of(new ChainSegment(BUFFERS, 16, false), new ChainSegment(BUFFERS + 0x1000, 512, true),
                new ChainSegment(BUFFERS + 16, 1, true)), chain.segments());
    }

    @Test
    void directDescriptorsMayEndInAnIndirectOne() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS + 0x1000, 512, NEXT | WRITE, 1);
        descriptor(INDIRECT_TABLE, 1, BUFFERS + 16, 1, WRITE, 0);
        descriptor(TABLE, 0, BUFFERS, 16, NEXT, 1);
        descriptor(TABLE, 1, INDIRECT_TABLE, 32, INDIRECT, 0);

        DecodedChain chain = decoder.decode(0);

        assertEquals(3, chain.segments().size());
        assertEquals(List.of(new ChainSegment(BUFFERS, 16, false)), chain.readable());
        assertTrue(chain.indirect());
    }

    @Test
    void headBeyondTheQueueIsRejected() {
        rejected(decoder, 8, ChainDefect.HEAD_OUT_OF_RANGE);
    }

    @Test
    void linkBeyondTheTableIsRejected() {
        descriptor(TABLE, 0, BUFFERS, 16, NEXT, 8);
        MalformedChainException error = rejected(decoder, 0, ChainDefect.NEXT_OUT_OF_RANGE);
        assertEquals(TABLE, error.address());
    }

    @Test
    void loopInTheQueueIsRejected() {
        descriptor(TABLE, 0, BUFFERS, 16, NEXT, 1);
        descriptor(TABLE, 1, BUFFERS, 16, NEXT, 0);
        assertTrue(rejected(decoder, 0, ChainDefect.LOOP).getMessage().contains("loop"));
    }

    @Test
    void loopInAnIndirectTableIsRejectedAtTheTablesSize() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 1);
        descriptor(INDIRECT_TABLE, 1, BUFFERS, 16, NEXT, 0);
        descriptor(TABLE, 0, INDIRECT_TABLE, 32, INDIRECT, 0);
        int[] reads = new int[1];
        ChainDecoder counting = new ChainDecoder((address, length) -> {
            reads[0]++;
            return memory.readMemory(address, length);
        }, TABLE, 8, true);
        MalformedChainException error = rejected(counting, 0, ChainDefect.LOOP);
        assertEquals(INDIRECT_TABLE, error.address());
        assertEquals(3, reads[0], "the head, then the table's two descriptors once each");
    }

    @Test
    void indirectLinkBeyondItsTableIsRejectedEvenInsideTheQueueSize() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS, 16, NEXT, 2);
        descriptor(TABLE, 0, INDIRECT_TABLE, 32, INDIRECT, 0);
        rejected(decoder, 0, ChainDefect.NEXT_OUT_OF_RANGE);
    }

    @Test
    void indirectWithoutTheFeatureIsRejected() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS + 16, 1, WRITE, 0);
        descriptor(TABLE, 0, INDIRECT_TABLE, 16, INDIRECT, 0);
        rejected(new ChainDecoder(memory::readMemory, TABLE, 8, false), 0, ChainDefect.INDIRECT_NOT_NEGOTIATED);
        assertTrue(decoder.decode(0).indirect(), "the same chain decodes when negotiated");
    }

    @Test
    void nestedIndirectIsRejected() {
        descriptor(INDIRECT_TABLE, 0, INDIRECT_TABLE, 16, INDIRECT, 0);
        descriptor(TABLE, 0, INDIRECT_TABLE, 16, INDIRECT, 0);
        MalformedChainException error = rejected(decoder, 0, ChainDefect.NESTED_INDIRECT);
        assertEquals(INDIRECT_TABLE, error.address());
    }

    @Test
    void indirectWithNextIsRejected() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS + 16, 1, WRITE, 0);
        descriptor(TABLE, 0, INDIRECT_TABLE, 16, INDIRECT | NEXT, 1);
        descriptor(TABLE, 1, BUFFERS, 16, 0, 0);
        rejected(decoder, 0, ChainDefect.INDIRECT_WITH_NEXT);
    }

    @Test
    void indirectTableOfAWrongLengthIsRejected() {
        descriptor(TABLE, 0, INDIRECT_TABLE, 24, INDIRECT, 0);
        descriptor(TABLE, 1, INDIRECT_TABLE, 0, INDIRECT, 0);
        rejected(decoder, 0, ChainDefect.BAD_INDIRECT_LENGTH);
        rejected(decoder, 1, ChainDefect.BAD_INDIRECT_LENGTH);
    }

    @Test
    void emptyBufferIsRejected() {
        descriptor(TABLE, 0, BUFFERS, 0, 0, 0);
        assertEquals("zero-sized buffer in descriptor 0", rejected(decoder, 0, ChainDefect.EMPTY_BUFFER).getMessage());
    }

    @Test
    void readableAfterWritableIsRejectedAcrossTheIndirectTable() {
        descriptor(INDIRECT_TABLE, 0, BUFFERS, 16, 0, 0);
        descriptor(TABLE, 0, BUFFERS + 16, 1, WRITE | NEXT, 1);
        descriptor(TABLE, 1, INDIRECT_TABLE, 16, INDIRECT, 0);
        MalformedChainException error = rejected(decoder, 0, ChainDefect.READABLE_AFTER_WRITABLE);
        assertEquals(INDIRECT_TABLE, error.address());
        assertEquals("device-readable indirect descriptor 0 after a device-writable one", error.getMessage());
    }

    @Test
    void buffersAndTablesOutsideTheReachableMemoryAreRejected() {
        GuestMemoryReader bounded = new GuestMemoryReader() {
            @Override
            public byte[] read(long address, int length) {
                return memory.readMemory(address, length);
            }

            @Override
            public boolean contains(long address, long length) {
                return address >= TABLE && address + length <= BUFFERS + 0x1000;
            }
        };
        ChainDecoder chains = new ChainDecoder(bounded, TABLE, 8, true);
        descriptor(TABLE, 0, BUFFERS + 0xff0, 32, 0, 0);
        descriptor(TABLE, 1, BUFFERS + 0x2000, 16, INDIRECT, 0);
        descriptor(TABLE, 2, BUFFERS, 16, 0, 0);
        assertEquals(String.format("buffer of descriptor 0 at 0x%x (32 bytes) is outside guest RAM", BUFFERS + 0xff0),
                rejected(chains, 0, ChainDefect.OUTSIDE_MEMORY).getMessage());
        assertEquals(String.format("indirect descriptor table of descriptor 1 at 0x%x (16 bytes) is outside guest RAM",
                BUFFERS + 0x2000), rejected(chains, 1, ChainDefect.OUTSIDE_MEMORY).getMessage());
        assertFalse(chains.decode(2).indirect());
    }

    @Test
    void slicesKeepDirectionAndSplitAcrossSegments() {
        List<ChainSegment> segments = List.of(new ChainSegment(BUFFERS, 16, false),
                new ChainSegment(BUFFERS + 0x1000, 100, true));
        assertEquals(List.of(new ChainSegment(BUFFERS + 10, 6, false), new ChainSegment(BUFFERS + 0x1000, 4, true)),
                ChainSegment.slice(segments, 10, 20));
        assertEquals(List.of(), ChainSegment.slice(segments, 116, 200));
    }
}
