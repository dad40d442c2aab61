package dev.vblk.fuzz;

import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** The oracle's verdicts on the generated scenarios of one fuzz family, for the family tests. */
final class FamilyVerdicts {

    private FamilyVerdicts() {}

    /** The failing verdicts, as text, of the scenarios of seeds 0 to {@code seeds - 1} that {@code inFamily} takes. */
    static List<String> failingAmong(int seeds, Predicate<Scenario> inFamily) {
        List<String> failed = new ArrayList<>();
        ScenarioRunner runner = new ScenarioRunner();
        for (long seed = 0; seed < seeds; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed);
            if (inFamily.test(scenario)) {
                Verdict verdict = runner.run(scenario);
                if (!verdict.passed()) {
                    failed.add(verdict.toString());
                }
            }
        }
        return failed;
    }
}
