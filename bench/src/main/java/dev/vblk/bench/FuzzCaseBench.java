package dev.vblk.bench;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.ScenarioMachine;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Fuzz cases as a long {@code vblk fuzz} campaign runs them, warm, with the launcher's settings for
 * one (the optimising compiler inlining small methods only, the serial collector), on one core
 * ({@code -XX:ActiveProcessorCount=1}; bench/run also pins the JVM to one CPU), in cases per second:
 * {@link #fuzzCase} is one scenario generated from the next case seed of campaign seed 7, run and
 * judged by the oracle;
 * {@link #campaignCase} is a case of a whole campaign on one thread, with what the campaign adds to
 * each case (coverage merged in case order, the case's record written to {@code cases.avro});
 * {@link #initialisation} is the driver initialisation every case starts with, the largest share of
 * a case's time: a new fake machine, {@code open()} and one {@code reset()}.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-XX:ActiveProcessorCount=1", "-XX:+UseSerialGC", "-XX:MaxInlineSize=20",
    "-XX:FreqInlineSize=60", "-XX:InlineSmallCode=500"})
public class FuzzCaseBench extends Throughput {

    /** The cases of one campaign in {@link #campaignCase}. */
    public static final int CAMPAIGN_CASES = 1_000;

    private final ScenarioRunner runner = new ScenarioRunner();
    private long index;
    private long campaignSeed = 7;
    private Path results;

    /** A folder for the campaigns' results files. */
    @Setup
    public void setUp() {
        try {
            results = Files.createTempDirectory("vblk-fuzz-bench");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the results folder. */
    @TearDown
    public void tearDown() {
        try (Stream<Path> files = Files.walk(results)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Generates, runs and judges one case. */
    @Benchmark
    public Verdict fuzzCase() {
        return runner.run(ScenarioGenerator.generate(FuzzCampaign.caseSeed(7, index++)));
    }

    /**
     * Builds a fake machine with a well-behaved device in the oracle's slot, opens the driver on it
     * with the oracle's options, resets it once and closes it.
     */
    @Benchmark
    public VirtioBlkDevice initialisation() {
        FakePlatform machine = FakePlatform.create();
        int slot = ScenarioMachine.SLOT;
        machine.attachBlockDevice(slot, FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(1 << 11)).build());
        VirtioBlkDevice device = VirtioBlkDevice.open(machine,
                new MmioSlot(slot, FakePlatform.slotAddress(slot), machine.interruptLine(slot)), ScenarioRunner.OPTIONS);
        device.reset();
        device.close();
        return device;
    }

    /** Runs a campaign of {@value #CAMPAIGN_CASES} cases (a new campaign seed each time) on one thread, results files written. */
    @Benchmark
    @OperationsPerInvocation(CAMPAIGN_CASES)
    public CampaignResult campaignCase() {
        CampaignSettings settings = CampaignSettings.of(campaignSeed++, CAMPAIGN_CASES).withResultsFolder(results)
                .withProgressInterval(CAMPAIGN_CASES);
        return new FuzzCampaign(settings).run(progress -> { });
    }
}
