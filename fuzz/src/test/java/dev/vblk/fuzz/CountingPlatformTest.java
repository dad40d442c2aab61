package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fuzz.oracle.CallBudgetExceeded;
import dev.vblk.fuzz.oracle.CountingPlatform;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.platform.AccessWidth;
import org.junit.jupiter.api.Test;

/** The counting decorator: budgets, window checks, and the findings they lead to. */
class CountingPlatformTest {

    @Test
    void stopsACallPastItsBudget() {
        CountingPlatform platform = new CountingPlatform(FakePlatform.create(), FakePlatform.slotAddress(31), 0x200, 3);
        platform.beginCall();
        platform.nanoTime();
        platform.nanoTime();
        platform.nanoTime();
        assertThrows(CallBudgetExceeded.class, platform::nanoTime);
        platform.beginCall();
        platform.nanoTime();
        assertEquals(1, platform.callsInCall());
        assertEquals(5, platform.totalCalls());
    }

    @Test
    void notesRegisterAccessesOutsideTheWindow() {
        long base = FakePlatform.slotAddress(31);
        CountingPlatform platform = new CountingPlatform(FakePlatform.create(), base, 0x200, 100);
        platform.readRegister(base + 0x1fc, AccessWidth.WORD);
        assertTrue(platform.strayRegisterAccesses().isEmpty());
        platform.readRegister(base + 0x1fe, AccessWidth.WORD);
        platform.writeRegister(base - 4, AccessWidth.WORD, 0);
        assertEquals(2, platform.strayRegisterAccesses().size(), platform.strayRegisterAccesses().toString());
    }

    @Test
    void aTinyBudgetIsReportedAsUnbounded() {
        Verdict verdict = new ScenarioRunner(10).run(ScenarioGenerator.generate(1));
        assertEquals(java.util.Set.of(Invariant.BOUNDED), verdict.violated(), verdict::toString);
    }
}
