package dev.vblk.bench;

import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * One fuzz case as {@code vblk fuzz} runs it: a scenario generated from the next case seed of
 * campaign seed 7, run and judged by the oracle. Cases per second, on one core
 * ({@code -XX:ActiveProcessorCount=1}; bench/run also pins the JVM to one CPU).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-XX:ActiveProcessorCount=1")
public class FuzzCaseBench extends Throughput {

    private final ScenarioRunner runner = new ScenarioRunner();
    private long index;

    /** Generates, runs and judges one case. */
    @Benchmark
    public Verdict fuzzCase() {
        return runner.run(ScenarioGenerator.generate(FuzzCampaign.caseSeed(7, index++)));
    }
}
