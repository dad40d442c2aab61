package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.ChainFootprint;
import dev.vblk.fake.blk.MemorySpan;
import dev.vblk.fake.blk.MemoryTarget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What counts as published memory: every byte the fetched chain's driver wrote and the ring fields,
 * until the driver writes it again, a chain hands it to the device or its frames are freed; of a
 * packed ring's descriptors only the address.
 */
class PublishedMemoryTest {

    private final FakePlatform platform = FakePlatform.create();
    private final long base = platform.allocateFrames(2, 4096).orElseThrow();
    private final PublishedMemory memory = new PublishedMemory(platform);

    private ChainFootprint footprint(boolean packed) {
        return new ChainFootprint(Map.of(
                MemoryTarget.DESCRIPTORS, List.of(new MemorySpan(base, packed ? 14 : 16)),
                MemoryTarget.HEADER, List.of(new MemorySpan(base + 0x100, 16)),
                MemoryTarget.WRITE_DATA, List.of(new MemorySpan(base + 0x200, 512))),
                List.of(new MemorySpan(base + 0x400, 513)), List.of(new MemorySpan(base + 0x800, 4)), packed);
    }

    /** How many reads of published memory reading {@code length} bytes at {@code offset} from the base makes. */
    private long reads(long offset, int length) {
        memory.takeReads();
        memory.readMemory(base + offset, new byte[length], 0, length);
        return memory.takeReads().count();
    }

    @Test
    void everyPublishedByteIsWatchedUntilTheDriverWritesItAgain() {
        memory.fetched(0, footprint(false));
        assertEquals(1, reads(0, 8), "a split descriptor's address");
        assertEquals(1, reads(12, 2), "a split descriptor's flags");
        assertEquals(1, reads(0x10f, 1), "the header's last byte");
        assertEquals(1, reads(0x3ff, 1), "the write's last data byte");
        assertEquals(1, reads(0x802, 2), "the available index");
        assertEquals(0, reads(0x400, 513), "the device-writable buffers");
        assertEquals(0, reads(0x110, 0xf0), "memory between the parts");

        memory.writeMemory(base + 0x104, new byte[8], 0, 8);
        assertEquals(0, reads(0x104, 8), "the part of the header written again");
        assertEquals(1, reads(0x100, 4), "the header before it");
        assertEquals(1, reads(0x10c, 4), "the header after it");

        memory.freeFrames(base, 2);
        assertEquals(0, reads(0, 0x1000), "freed frames");
    }

    @Test
    void ofAPackedDescriptorOnlyTheAddressIsWatched() {
        memory.fetched(0, footprint(true));
        assertEquals(1, reads(7, 1));
        assertEquals(0, reads(8, 8), "length, buffer id and flags, where the device writes a used descriptor");
    }

    @Test
    void aLaterChainHandsPublishedMemoryToTheDevice() {
        memory.fetched(0, footprint(false));
        memory.fetched(1, new ChainFootprint(Map.of(), List.of(new MemorySpan(base + 0x200, 512)), List.of(), false));
        assertEquals(0, reads(0x200, 512), "a read's buffer where a write's data was");
    }

    @Test
    void manyChainsAreWatchedApartAndNamedInTheFinding() {
        for (int request = 0; request < 40; request++) {
            memory.fetched(request, new ChainFootprint(Map.of(MemoryTarget.HEADER,
                    List.of(new MemorySpan(base + 0x40L * request, 16))), List.of(), List.of(), false));
        }
        for (int request = 0; request < 40; request++) {
            assertEquals(1, reads(0x40L * request + 15, 1), "request " + request + "'s header");
            assertEquals(0, reads(0x40L * request + 16, 0x30), "the gap after request " + request + "'s header");
        }
        memory.writeMemory(base + 0x40 * 10 + 8, new byte[0x40 * 2], 0, 0x40 * 2);
        assertEquals(1, reads(0x40 * 10, 8), "the part of request 10's header before the write");
        assertEquals(0, reads(0x40 * 10 + 8, 0x40 * 2), "what was written again");
        assertEquals(1, reads(0x40 * 12 + 8, 8), "the part of request 12's header after the write");

        memory.takeReads();
        memory.readMemory(base + 0x40 * 25 + 4, new byte[2], 0, 2);
        assertEquals(List.of(String.format("read 2 byte(s) at 0x%x, which hold the HEADER of request #25 the driver "
                + "wrote for the device (0x%x..0x%x)", base + 0x40 * 25 + 4, base + 0x40 * 25, base + 0x40 * 25 + 16)),
                memory.takeReads().described());
    }
}
