package dev.vblk.qemu.junit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;

/** The skip-or-fail decision of {@link RequiresQemu}. */
class QemuAvailabilityTest {

    private static final String MISSING = "QEMU not found: no executable qemu-system-aarch64";

    @Test
    void runsWhenQemuIsPresent() {
        assertFalse(QemuAvailability.evaluate(null, false).isDisabled());
        assertDoesNotThrow(() -> QemuAvailability.check(null, true));
    }

    @Test
    void skipsWithTheReasonWhenMissingOutsideCi() {
        ConditionEvaluationResult result = QemuAvailability.evaluate(MISSING, false);
        assertTrue(result.isDisabled());
        assertTrue(result.getReason().orElseThrow().contains(MISSING));
        assertDoesNotThrow(() -> QemuAvailability.check(MISSING, false));
    }

    @Test
    void failsWhenMissingOnCi() {
        assertFalse(QemuAvailability.evaluate(MISSING, true).isDisabled(), "not skipped on CI");
        AssertionError failure = assertThrows(AssertionError.class, () -> QemuAvailability.check(MISSING, true));
        assertTrue(failure.getMessage().contains("CI=true") && failure.getMessage().contains(MISSING));
    }
}
