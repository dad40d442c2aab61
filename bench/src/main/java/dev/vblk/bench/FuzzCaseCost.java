package dev.vblk.bench;

import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Where a fuzz campaign's processor time goes by the size of its cases: the cases of a campaign
 * seed run once to warm up, then again with the processor time of each case's run (generation
 * apart) taken, grouped by the platform calls the case made. Shows whether a few long cases or the
 * many short ones hold the time, and the cost of a platform call in each group (the driver, the
 * fake device, the oracle and coverage together). Not a JMH benchmark, since it times each case:
 * {@code java -XX:TieredStopAtLevel=1 -cp benchmarks.jar dev.vblk.bench.FuzzCaseCost [CASES [SEED]]}
 * (default 20,000 cases of seed 11), pinned to one CPU with {@code taskset -c 0}.
 */
public final class FuzzCaseCost {

    /** The upper bounds of the groups, in platform calls per case. */
    private static final long[] GROUP_BOUNDS = {100, 200, 400, 800, 1_600, 3_200, 10_000, Long.MAX_VALUE};

    private FuzzCaseCost() {}

    /** Prints the mean cost of a case and, per group, its cases, their cost and the cost of a call. */
    public static void main(String[] args) {
        int cases = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 11;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        ScenarioRunner runner = new ScenarioRunner();
        for (int i = 0; i < cases; i++) {
            runner.run(ScenarioGenerator.generate(FuzzCampaign.caseSeed(seed, i)));
        }
        long[] count = new long[GROUP_BOUNDS.length];
        long[] nanos = new long[GROUP_BOUNDS.length];
        long[] calls = new long[GROUP_BOUNDS.length];
        long generation = 0;
        for (int i = 0; i < cases; i++) {
            long before = threads.getCurrentThreadCpuTime();
            Scenario scenario = ScenarioGenerator.generate(FuzzCampaign.caseSeed(seed, i));
            long generated = threads.getCurrentThreadCpuTime();
            Verdict verdict = runner.run(scenario);
            long spent = threads.getCurrentThreadCpuTime() - generated;
            generation += generated - before;
            int group = 0;
            while (verdict.platformCalls() > GROUP_BOUNDS[group]) {
                group++;
            }
            count[group]++;
            nanos[group] += spent;
            calls[group] += verdict.platformCalls();
        }
        long total = 0;
        for (long spent : nanos) {
            total += spent;
        }
        System.out.printf("%,d cases of seed %d: %.1f us of processor time per case run, %.1f us per generation%n",
                cases, seed, total / 1e3 / cases, generation / 1e3 / cases);
        for (int group = 0; group < GROUP_BOUNDS.length; group++) {
            if (count[group] > 0) {
                System.out.printf("up to %s calls: %,d cases, %.1f us and %.0f calls each, %.0f ns a call, %.1f%% of the time%n",
                        GROUP_BOUNDS[group] == Long.MAX_VALUE ? "any" : String.format("%,d", GROUP_BOUNDS[group]),
                        count[group], nanos[group] / 1e3 / count[group], (double) calls[group] / count[group],
                        (double) nanos[group] / calls[group], 100.0 * nanos[group] / total);
            }
        }
    }
}
