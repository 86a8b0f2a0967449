package dev.guestcrypt.e2e.volumes.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * For a class whose ordered tests build on each other in one guest: once a test fails, the rest are
 * skipped (reported as skipped, naming the failed one) instead of running for tens of minutes on a
 * guest in an unknown state and burying the first failure under follow-on ones.
 */
public final class StopAfterFirstFailure implements TestWatcher, ExecutionCondition {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(StopAfterFirstFailure.class);
    private static final String FAILED = "failed";

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        store(context).put(FAILED, context.getDisplayName());
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            return ConditionEvaluationResult.enabled("class level");
        }
        String failed = store(context).get(FAILED, String.class);
        return failed == null ? ConditionEvaluationResult.enabled("no earlier failure")
                : ConditionEvaluationResult.disabled("skipped: builds on " + failed + ", which failed");
    }

    private static ExtensionContext.Store store(ExtensionContext context) {
        ExtensionContext classContext = context.getParent().filter(p -> p.getTestMethod().isEmpty()).orElse(context);
        return classContext.getStore(NS);
    }
}
