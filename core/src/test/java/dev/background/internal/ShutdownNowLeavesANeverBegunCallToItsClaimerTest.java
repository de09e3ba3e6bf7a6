package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A call that someone else has just decided will never begin (its run state is NEVER, its
 * settlement not yet made) is that one's to settle: {@code shutdownNow} must neither cancel it
 * nor list it. The interleaving: a submit finds the pool stopped and wins the CAS NEW to NEVER
 * ({@code refuseIfNotBegun}); {@code shutdownNow} scans before the submit settles. It is made
 * here by setting the run state, then calling {@code shutdownNow}, then the submit's settlement.
 */
class ShutdownNowLeavesANeverBegunCallToItsClaimerTest {
    private static final int NEVER = 5;

    @ParameterizedTest(name = "limited={0}")
    @ValueSource(booleans = {true, false})
    void aCallItsSubmitClaimedIsRefusedThereAndNotCancelledByShutdownNow(boolean limited) throws Exception {
        VarHandle runState = MethodHandles.privateLookupIn(TaskFuture.class, MethodHandles.lookup())
                .findVarHandle(TaskFuture.class, "runState", int.class);
        PoolCore pool = new PoolCore("never-" + limited, ThreadEngine.PLATFORM, 1, 16, List.of(), false);
        // limited: the call waits at its function's limit; unlimited: in the engine's queue
        CallOptions options = limited ? CallOptions.DEFAULT.withLimit(1) : CallOptions.DEFAULT;
        CountDownLatch hold = new CountDownLatch(1);
        TaskFuture<Object> blocker = pool.submit(
                () -> {
                    hold.await();
                    return null;
                },
                options);
        TaskFuture<Object> waiting = pool.submit(() -> "ran", options);
        runState.setVolatile(waiting, NEVER); // the submit's CAS in refuseIfNotBegun

        List<Runnable> listed = pool.shutdownNow();
        boolean refused = waiting.settle(null, new RejectedExecutionException("refused at its submit"));

        assertThat(listed).as("listed by shutdownNow").doesNotContain(waiting);
        assertThat(refused)
                .as("the submit's refusal settles the call it claimed")
                .isTrue();
        assertThat(waiting.isCancelled()).isFalse();
        assertThat(blocker.isCancelled())
                .as("the running call is cancelled as before")
                .isTrue();
        hold.countDown();
    }
}
