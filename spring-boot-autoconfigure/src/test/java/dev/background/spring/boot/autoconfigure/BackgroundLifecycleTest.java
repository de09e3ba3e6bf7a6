package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import dev.background.Task;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.LifecycleAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** At close, the pools drain within Spring's shutdown-phase timeout, then what is left is cancelled. */
class BackgroundLifecycleTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(BackgroundAutoConfiguration.class, LifecycleAutoConfiguration.class));

    @Test
    void closingTheContextLetsSubmittedTasksFinishAndRejectsNewOnes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        runner.withPropertyValues("background.pools.io.kind=virtual-threads").run(context -> {
            BackgroundPools pools = context.getBean(BackgroundPools.class);
            assertThat(pools.isRunning()).isTrue();
            BackgroundPool pool = pools.defaultPool();
            Task<String> running = pool.run(() -> {
                started.countDown();
                release.await();
                return "done";
            });
            Task<String> queuedOnIo = pools.get("io").run(() -> {
                release.await();
                return "io";
            });
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            Thread closer = Thread.ofPlatform().start(context.getSourceApplicationContext()::close);
            // The close waits for the drain: the pools are shut down, the tasks still run.
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(pool::isShutdown);
            assertThat(pools.isRunning()).isFalse();
            assertThatThrownBy(() -> pool.run(() -> 1)).isInstanceOf(RejectedExecutionException.class);
            assertThat(closer.isAlive()).isTrue();
            assertThat(running.isDone()).isFalse();

            release.countDown();
            closer.join(TimeUnit.SECONDS.toMillis(30));
            assertThat(closer.isAlive()).isFalse();
            assertThat(running.result()).isEqualTo("done");
            assertThat(queuedOnIo.result()).isEqualTo("io");
            assertThat(pool.isTerminated()).isTrue();
            assertThat(pools.get("io").isTerminated()).isTrue();
        });
    }

    @Test
    void tasksStillRunningWhenTheShutdownPhaseTimesOutAreCancelled() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=200ms")
                .run(context -> {
                    BackgroundPool pool = context.getBean(BackgroundPools.class).defaultPool();
                    Task<String> stuck = pool.run(() -> {
                        started.countDown();
                        never.await(); // ends only by interrupt
                        return "unreachable";
                    });
                    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
                    context.getSourceApplicationContext().close();
                    assertThat(stuck.state()).isEqualTo(Future.State.CANCELLED);
                    assertThat(pool.isTerminated()).isTrue();
                });
    }
}
