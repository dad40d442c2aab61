package dev.vblk.qemu.junit;

import dev.vblk.qemu.QemuBinary;
import dev.vblk.qemu.QemuException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The extension behind {@link RequiresQemu}: disables tests when QEMU is missing, or fails them
 * when the environment variable {@code CI} is {@code true}.
 */
public final class QemuAvailability implements ExecutionCondition, BeforeAllCallback, BeforeEachCallback {

    /** The environment variable that marks a CI run. */
    public static final String CI_VARIABLE = "CI";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        return evaluate(missingReason(), onCi());
    }

    /** The decision: run when QEMU is there or on CI (where {@link #check} then fails), else skip. */
    static ConditionEvaluationResult evaluate(String missing, boolean ci) {
        if (missing == null) {
            return ConditionEvaluationResult.enabled("QEMU found");
        }
        if (ci) {
            return ConditionEvaluationResult.enabled("QEMU missing on CI; the test will fail");
        }
        return ConditionEvaluationResult.disabled("skipped, QEMU is not installed: " + missing);
    }

    /** Fails when QEMU is missing on CI. */
    static void check(String missing, boolean ci) {
        if (missing != null && ci) {
            throw new AssertionError("QEMU is required when " + CI_VARIABLE + "=true: " + missing);
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        failIfMissingOnCi();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        failIfMissingOnCi();
    }

    private static void failIfMissingOnCi() {
        check(missingReason(), onCi());
    }

    private static boolean onCi() {
        return "true".equalsIgnoreCase(System.getenv(CI_VARIABLE));
    }

    /** Why QEMU cannot be used, or {@code null} if it can. */
    private static String missingReason() {
        try {
            QemuBinary.locate(null);
            return null;
        } catch (QemuException e) {
            return e.getMessage();
        }
    }
}
