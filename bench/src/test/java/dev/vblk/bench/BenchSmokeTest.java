package dev.vblk.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.trace.TraceCodec;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs each benchmark's body once, on the fixtures that need no QEMU, so that a benchmark that no
 * longer measures what it says (a replay that diverges, a trace read short) fails the build.
 */
class BenchSmokeTest {

    private static final Blackhole SINK = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    @Test
    void replaysOfTheFakeFixtureReproduceAndAreCounted() {
        ReplayBench bench = new ReplayBench();
        bench.trace = "fake-mixed";
        bench.setUp();
        Counters counters = new Counters();

        assertTrue(bench.strict(counters).reproduced());
        assertTrue(bench.strictOneThread(counters).reproduced());
        assertTrue(bench.strictInMemory(counters).reproduced());
        assertTrue(bench.relaxed(counters).reproduced());

        assertEquals(4L * bench.eventCount(), counters.events, "every event of each of the four replays is counted");
        // Per pass, each of the 500 writes carries its 4 KiB as payload and as a memory write, each of
        // the 500 reads as a memory read; descriptors and rings add more.
        assertTrue(counters.payloadBytes > 4 * 500 * 4096 * 3, "payload counted: " + counters.payloadBytes);
    }

    @Test
    void everyCodecWritesAndReadsTheSyntheticEvents() {
        for (TraceCodec codec : TraceCodec.values()) {
            TraceIoBench bench = new TraceIoBench();
            bench.source = "synthetic";
            bench.codec = codec;
            bench.setUp();
            Counters counters = new Counters();

            assertTrue(bench.write(counters).length > 0);
            bench.read(counters, SINK);

            assertEquals(2 * 52_676, counters.events, codec.name());
        }
    }

    @Test
    void aFuzzCaseAndDriverRequestsRun() {
        FuzzCaseBench fuzz = new FuzzCaseBench();
        fuzz.setUp();
        assertTrue(fuzz.fuzzCase().platformCalls() > 0);
        assertEquals(FuzzCaseBench.CAMPAIGN_CASES, fuzz.campaignCase().cases());
        assertEquals(1 << 11, fuzz.initialisation().info().capacitySectors());
        fuzz.tearDown();
        DriverBench driver = new DriverBench();
        driver.setUp();
        assertEquals(4096, driver.read4k().length);
        driver.write4k();
    }
}
