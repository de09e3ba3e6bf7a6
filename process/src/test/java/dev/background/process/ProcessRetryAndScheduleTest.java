package dev.background.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.RetryPolicy;
import dev.background.Task;
import dev.background.testkit.Counter;
import dev.background.testkit.RetryAndScheduleContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Retries, delays and periodic tasks on worker processes, and how retries meet a worker's death. */
class ProcessRetryAndScheduleTest extends RetryAndScheduleContract {
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

    /** Halts its worker on its first three runs, and says which run succeeded. */
    static String dieThreeTimes(Counter runs) {
        runs.enter();
        runs.exit();
        long run = runs.total();
        if (run <= 3) {
            Runtime.getRuntime().halt(9);
        }
        return "run " + run;
    }

    @Test
    void aPolicyRetriesWhatRetriesOnWorkerDeathGaveUpOn() {
        var kind = ProcessKind.builder().retriesOnWorkerDeath(1).build();
        BackgroundPool pool = build(BackgroundPool.builder().kind(kind).n(1));
        Counter runs = counter("runs");
        var policy = RetryPolicy.builder()
                .maxAttempts(2)
                .retryOn(WorkerDiedException.class)
                .delay(Duration.ZERO)
                .build();

        Task<String> t = pool.task(() -> dieThreeTimes(runs)).retry(policy).call();

        // attempt 1: runs 1 and 2 (the kind's own rerun); attempt 2: runs 3 and 4
        assertThat(t.result(PATIENCE)).isEqualTo("run 4");
        assertThat(t.attempt()).isEqualTo(2);
    }

    @Test
    void aFailureAfterBothKindsOfRetriesCarriesTheFirstAttemptsWorkerDeath() {
        var kind = ProcessKind.builder().retriesOnWorkerDeath(0).build();
        BackgroundPool pool = build(BackgroundPool.builder().kind(kind).n(1));
        Counter runs = counter("runs");
        var policy = RetryPolicy.builder().maxAttempts(2).delay(Duration.ZERO).build();

        Throwable failure =
                pool.task(() -> dieThreeTimes(runs)).retry(policy).call().exception(PATIENCE);

        assertThat(failure).isInstanceOf(WorkerDiedException.class);
        assertThat(failure.getSuppressed()).singleElement().isInstanceOf(WorkerDiedException.class);
        assertThat(runs.total()).isEqualTo(2);
    }
}
