package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.PoolListener;
import dev.background.Task;
import java.lang.invoke.MethodHandles;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Guards that a task which ends while its submit is still under way (here cancelled by a listener
 * as it is submitted; a thread that found it in {@code results()} may do the same) does not stay
 * in the pool's sets of limited and periodic calls, which only a task's end empties.
 */
class TasksEndedAtTheirSubmitAreForgottenTest {

    private final BackgroundPool pool = BackgroundPool.builder()
            .name("ended-at-submit")
            .kind(new GatePermitTest.HoldingKind())
            .awaitTasksAtExit(false)
            .build();
    private final PoolCore core = core(pool);

    TasksEndedAtTheirSubmitAreForgottenTest() {
        pool.addListener(new PoolListener() {
            @Override
            public void taskSubmitted(BackgroundPool p, Task<?> task) {
                task.cancel(false);
            }
        });
    }

    @AfterEach
    void close() {
        pool.shutdownNow();
    }

    @Test
    void aLimitedCallCancelledAsItIsSubmittedIsNotTracked() {
        TaskFuture<Integer> call = core.submit(() -> 1, CallOptions.DEFAULT.withLimit(1));

        assertThat(call.isCancelled()).isTrue();
        assertThat(core.limitedCallsTracked()).isZero();
    }

    @Test
    void aDelayedLimitedCallCancelledAsItIsSubmittedIsNotTracked() {
        TaskFuture<Integer> call =
                core.submit(() -> 1, CallOptions.DEFAULT.withLimit(1).withDelay(TimeUnit.HOURS.toNanos(1)));

        assertThat(call.isCancelled()).isTrue();
        assertThat(core.limitedCallsTracked()).isZero();
    }

    @Test
    void aPeriodicTaskCancelledAsItIsSubmittedIsNotTracked() {
        TaskFuture<?> periodic = core.submitPeriodic(() -> {}, TimeUnit.HOURS.toNanos(1), TimeUnit.HOURS.toNanos(1));

        assertThat(periodic.isCancelled()).isTrue();
        assertThat(core.periodicTasksTracked()).isZero();
    }

    private static PoolCore core(BackgroundPool pool) {
        try {
            return (PoolCore) MethodHandles.privateLookupIn(BackgroundPool.class, MethodHandles.lookup())
                    .findVarHandle(BackgroundPool.class, "core", PoolCore.class)
                    .get(pool);
        } catch (ReflectiveOperationException e) {
            throw new LinkageError(e.getMessage(), e);
        }
    }
}
