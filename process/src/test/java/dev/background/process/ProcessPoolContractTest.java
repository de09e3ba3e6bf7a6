package dev.background.process;

import dev.background.BackgroundPool;
import dev.background.testkit.PoolContract;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The core's shared behaviour suite, run on worker processes. */
@ExtendWith(ProcessPoolContractTest.NotForProcesses.class)
class ProcessPoolContractTest extends PoolContract {
    /** One kind for all tests: workers start lazily, and a stuck task is killed soon. */
    private static final ProcessKind KIND =
            ProcessKind.builder().cancelGracePeriod(Duration.ofSeconds(1)).build();

    @Override
    protected BackgroundPool.Builder newPoolBuilder() {
        return BackgroundPool.builder().kind(KIND);
    }

    @Override
    protected Duration timeLimitMetByQuickCalls() {
        return Duration.ofSeconds(5); // includes starting a worker JVM on a busy machine
    }

    /** The contract's tests that assume what a new worker JVM cannot give, each with the reason. */
    static final class NotForProcesses implements ExecutionCondition {
        private static final Map<String, String> SKIPPED = Map.of(
                "invokeAllWithATimeoutCancelsWhatHasNotEnded",
                "expects a quick task of a pool built in the same instant to answer within 50 ms;"
                        + " a new worker JVM needs 70-300 ms to start");

        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            String why =
                    context.getTestMethod().map(m -> SKIPPED.get(m.getName())).orElse(null);
            return why == null
                    ? ConditionEvaluationResult.enabled("runs on processes")
                    : ConditionEvaluationResult.disabled(why);
        }
    }
}
