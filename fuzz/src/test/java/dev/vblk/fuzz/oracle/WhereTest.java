package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class WhereTest {

    /** A step whose text may not be asked for. */
    private static final Object UNSPOKEN = new Object() {
        @Override
        public String toString() {
            throw new AssertionError("a place's text was written without a finding");
        }
    };

    @Test
    void aStepAndACallOfItsBatchAreNamedAsFindingsShowThem() {
        Where batch = Where.step(5, "batch of 2: write 1 at 8; read 1 at 8");

        assertEquals("step 5 (batch of 2: write 1 at 8; read 1 at 8)", batch.toString());
        assertEquals("step 5 (batch of 2: write 1 at 8; read 1 at 8), call 1 (read 1 at 8)",
                batch.call(1, "read 1 at 8").toString());
        assertEquals("recovery", Where.named("recovery").toString());
    }

    @Test
    void theTextIsWrittenOnlyWhenAFindingNeedsIt() {
        Findings findings = new Findings();
        Where.step(0, UNSPOKEN);
        Where.step(1, UNSPOKEN).call(0, UNSPOKEN);

        findings.add(Invariant.BOUNDED, Where.step(2, "flush"), "took too long");

        assertEquals(List.of(new Finding(Invariant.BOUNDED, "step 2 (flush)", "took too long")), findings.all());
    }
}
