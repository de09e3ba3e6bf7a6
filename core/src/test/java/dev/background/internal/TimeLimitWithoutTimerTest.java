package dev.background.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.testkit.ChildJvm;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call with a time limit whose limit cannot be scheduled (the shared timer thread could not
 * start: out of memory) fails with that error instead of staying "running" forever. The timer
 * is made to refuse by shutting it down, in a child JVM since it is shared by every pool.
 */
class TimeLimitWithoutTimerTest {

    @Test
    void aLimitedCallWhoseTimerCannotBeScheduledFailsAndEnds() throws Exception {
        ChildJvm.Result r = ChildJvm.run(BrokenTimer.class);
        assertThat(r.output()).contains("failed with RejectedExecutionException", "ran=false", "terminated=true");
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    /** The child: breaks the timer, then submits a limited call. */
    public static final class BrokenTimer {
        public static void main(String[] args) throws Exception {
            Class<?> holder = Class.forName(Timer.class.getName() + "$Holder");
            Field timer = holder.getDeclaredField("TIMER");
            timer.setAccessible(true);
            ((ScheduledThreadPoolExecutor) timer.get(null)).shutdown();
            PoolCore pool = new PoolCore("no-timer", ThreadEngine.PLATFORM, 1, 16, List.of(), false);
            boolean[] ran = {false};
            TaskFuture<Object> t = pool.submit(
                    () -> {
                        ran[0] = true;
                        return null;
                    },
                    CallOptions.DEFAULT.withTimeout(Duration.ofSeconds(5)));
            try {
                t.get(20, TimeUnit.SECONDS);
                System.out.println("succeeded");
            } catch (ExecutionException e) {
                System.out.println("failed with " + e.getCause().getClass().getSimpleName());
            }
            pool.shutdown(); // terminates only once the call has ended, bookkeeping included
            System.out.println("ran=" + ran[0] + " terminated=" + pool.awaitTermination(20, TimeUnit.SECONDS));
        }
    }
}
