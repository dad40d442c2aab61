package dev.vblk.virtio.queue.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A decoded chain splits into its device-readable buffers and the device-writable ones after them. */
class DecodedChainTest {

    private static final ChainSegment HEADER = new ChainSegment(0x1000, 16, false);
    private static final ChainSegment DATA = new ChainSegment(0x2000, 512, false);
    private static final ChainSegment STATUS = new ChainSegment(0x3000, 1, true);

    @Test
    void readableBuffersComeFirstThenWritableOnes() {
        DecodedChain chain = new DecodedChain(0, List.of(HEADER, DATA, STATUS), false, 3);
        assertEquals(List.of(HEADER, DATA), chain.readable());
        assertEquals(List.of(STATUS), chain.writable());
        assertEquals(List.of(), new DecodedChain(0, List.of(STATUS), false, 1).readable());
        assertEquals(List.of(), new DecodedChain(0, List.of(HEADER), false, 1).writable());
    }

    @Test
    void aReadableBufferAfterAWritableOneIsNoChain() {
        assertThrows(IllegalArgumentException.class, () -> new DecodedChain(0, List.of(HEADER, STATUS, DATA), false, 3));
    }
}
