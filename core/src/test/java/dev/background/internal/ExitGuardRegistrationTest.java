package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import java.lang.invoke.MethodHandles;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which pools the exit hook waits for, seen in-process (ExitTest checks the exit itself, in child
 * JVMs that mutation testing cannot see into): a pool that awaits its tasks at exit is registered
 * until it has drained; one built with {@code awaitTasksAtExit(false)} never is.
 */
class ExitGuardRegistrationTest {

    @SuppressWarnings("unchecked")
    private static Set<PoolCore> open() throws ReflectiveOperationException {
        return (Set<PoolCore>) MethodHandles.privateLookupIn(ExitGuard.class, MethodHandles.lookup())
                .findStaticVarHandle(ExitGuard.class, "OPEN", Set.class)
                .get();
    }

    private static PoolCore core(BackgroundPool pool) throws ReflectiveOperationException {
        return (PoolCore) MethodHandles.privateLookupIn(BackgroundPool.class, MethodHandles.lookup())
                .findVarHandle(BackgroundPool.class, "core", PoolCore.class)
                .get(pool);
    }

    @Test
    void aPoolAwaitingItsTasksAtExitIsWatchedUntilItHasDrained() throws Exception {
        BackgroundPool pool = BackgroundPool.builder().name("exit-watched").n(1).build();
        assertThat(open()).contains(core(pool));

        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        assertThat(open()).doesNotContain(core(pool));
    }

    @Test
    void aPoolThatDoesNotAwaitItsTasksAtExitIsNeverWatched() throws Exception {
        BackgroundPool pool = BackgroundPool.builder()
                .name("exit-free")
                .n(1)
                .awaitTasksAtExit(false)
                .build();

        assertThat(open()).doesNotContain(core(pool));
        pool.close();
    }
}
