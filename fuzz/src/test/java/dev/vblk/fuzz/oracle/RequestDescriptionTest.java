package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The false-success and tiling checks describe a request only for the finding that names it. */
class RequestDescriptionTest {

    @Test
    void aRequestIsDescribedOnlyForItsFinding() {
        Findings findings = new Findings();
        FalseSuccessCheck.Evidence done = new FalseSuccessCheck.Evidence(() -> {
            throw new AssertionError("a request the call may count as done was described");
        }, null);
        FalseSuccessCheck.Evidence notDone = new FalseSuccessCheck.Evidence(() -> "#3 (type 0)", "its status byte was 1");

        FalseSuccessCheck.check(findings, Where.named("step 2 (read 1 at 0)"), List.of(done, notDone));

        assertEquals(List.of(new Finding(Invariant.NO_FALSE_SUCCESS, "step 2 (read 1 at 0)",
                "reported success, but request #3 (type 0): its status byte was 1")), findings.all());
    }

    @Test
    void aTilingFindingNamesTheRequestThatBreaksIt() {
        Findings findings = new Findings();
        List<DataIntegrityCheck.Span> spans = List.of(
                new DataIntegrityCheck.Span(() -> {
                    throw new AssertionError("a request that continues the call was described");
                }, 0, 4, 1, 512),
                new DataIntegrityCheck.Span(() -> "#8 (type 0)", 0, 9, 1, 512));

        DataIntegrityCheck.tiling(findings, Where.named("step 0"), spans, 0, 4, 2, 4096, 64);

        assertEquals(List.of(new Finding(Invariant.DATA_INTEGRITY, "step 0", "request #8 (type 0) does not continue the"
                + " call at sector 5 with whole sectors of at most maxTransferBytes")), findings.all());
    }
}
