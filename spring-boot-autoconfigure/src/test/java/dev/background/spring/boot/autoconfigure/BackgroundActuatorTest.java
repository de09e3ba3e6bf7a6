package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.background.BackgroundPool;
import dev.background.Task;
import dev.background.process.ProcessKind;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The endpoint, the health indicator and the meters show every pool. */
class BackgroundActuatorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    BackgroundAutoConfiguration.class,
                    BackgroundActuatorAutoConfiguration.class,
                    BackgroundMetricsAutoConfiguration.class))
            .withPropertyValues(
                    "background.n=2", "background.pools.io.kind=virtual-threads", "background.pools.io.n=7");

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointListsEveryPoolWithNPendingAndRecentFailures() {
        runner.run(context -> {
            BackgroundPools pools = context.getBean(BackgroundPools.class);
            BackgroundPool pool = pools.defaultPool();
            pool.run(() -> "fine").result();
            var failed = pool.run(() -> {
                throw new IOException("disk full");
            });
            assertThat(failed.exception(Duration.ofSeconds(10))).isInstanceOf(IOException.class);
            CountDownLatch release = new CountDownLatch(1);
            var blocked = pool.run(() -> {
                release.await();
                return 1;
            });

            // A task's future completes before the pool stops counting it: wait for the count.
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> pool.pending() == 1);
            Map<String, Object> all = context.getBean(BackgroundEndpoint.class).pools();
            Map<String, Map<String, Object>> each = (Map<String, Map<String, Object>>) all.get("pools");
            assertThat(each).containsOnlyKeys("default", "io");
            Map<String, Object> d = each.get("default");
            assertThat(d).containsEntry("kind", "threads").containsEntry("n", 2).containsEntry("pending", 1L);
            List<Map<String, Object>> failures = (List<Map<String, Object>>) d.get("recentFailures");
            assertThat(failures).hasSize(1);
            assertThat(failures.get(0))
                    .containsEntry("exception", IOException.class.getName())
                    .containsEntry("message", "disk full");
            assertThat(each.get("io")).containsEntry("kind", "virtual-threads").containsEntry("n", 7);
            release.countDown();
            assertThat(blocked.result()).isEqualTo(1);
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointTellsRunningAndQueuedTasksApart() {
        runner.run(context -> {
            BackgroundPool pool = context.getBean(BackgroundPools.class).defaultPool(); // n = 2
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<Task<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                tasks.add(pool.run(() -> {
                    started.countDown();
                    release.await();
                    return 1;
                }));
            }
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            Map<String, Object> d = ((Map<String, Map<String, Object>>)
                            context.getBean(BackgroundEndpoint.class).pools().get("pools"))
                    .get("default");
            assertThat(d)
                    .containsEntry("pending", 3L)
                    .containsEntry("running", 2L)
                    .containsEntry("queued", 1L);
            assertThat(d).doesNotContainKey("workers");
            release.countDown();
            tasks.forEach(Task::result);
        });
    }

    /**
     * A periodic task between runs and a retried call in its backoff hold no worker: the endpoint
     * counts them queued, not running, as executor.active does (per run, not per task).
     */
    @Test
    void theEndpointCountsAPeriodicTaskBetweenRunsAndARetryInItsBackoffAsQueued() throws Exception {
        try (BackgroundPool pool = BackgroundPool.builder().name("runs").n(2).build()) {
            CountDownLatch ran = new CountDownLatch(1);
            pool.scheduleAtFixedRate(ran::countDown, 0, 1, TimeUnit.HOURS);
            CountDownLatch attempted = new CountDownLatch(1);
            pool.task(() -> {
                        attempted.countDown();
                        throw new IOException("first attempt");
                    })
                    .retry(dev.background.RetryPolicy.builder()
                            .maxAttempts(2)
                            .delay(Duration.ofHours(1))
                            .build())
                    .call();
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(attempted.await(10, TimeUnit.SECONDS)).isTrue();

            Awaitility.await()
                    .untilAsserted(() -> assertThat(BackgroundEndpoint.describe(pool, null))
                            .containsEntry("running", 0L)
                            .containsEntry("queued", 2L));
            pool.shutdownNow();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void theEndpointCountsNoTaskWhoseCallbacksAreStillRunningAsQueued() {
        runner.run(context -> {
            BackgroundPool pool = context.getBean(BackgroundPools.class).defaultPool(); // n = 2
            CountDownLatch inCallbacks = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            pool.callback(t -> {
                inCallbacks.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                pool.run(() -> 1);
                pool.run(() -> 2);
                assertThat(inCallbacks.await(10, TimeUnit.SECONDS)).isTrue();

                // Both ended; the pool counts them pending until their callbacks return.
                Map<String, Object> d = ((Map<String, Map<String, Object>>) context.getBean(BackgroundEndpoint.class)
                                .pools()
                                .get("pools"))
                        .get("default");
                assertThat(d)
                        .containsEntry("pending", 2L)
                        .containsEntry("running", 0L)
                        .containsEntry("queued", 0L);
            } finally {
                release.countDown(); // else closing the pool waits for the callbacks
            }
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthAndTheEndpointCountTheWorkerProcessesPresent() {
        runner.withPropertyValues(
                        "background.pools.procs.kind=processes",
                        "background.pools.procs.n=1",
                        "background.pools.procs.processes.eager=true",
                        "background.pools.procs.processes.jvm-options=-XX:TieredStopAtLevel=1")
                .run(context -> {
                    HealthIndicator indicator = context.getBean("backgroundHealthIndicator", HealthIndicator.class);
                    // Eager: the worker starts with the pool, without a task.
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> ((Map<String, Object>)
                                            indicator.health(true).getDetails().get("procs"))
                                    .get("workers")
                                    .equals(1));
                    assertThat(indicator.health(true).getStatus()).isEqualTo(Status.UP);
                    Map<String, Object> d = ((Map<String, Map<String, Object>>)
                                    context.getBean(BackgroundEndpoint.class)
                                            .pools()
                                            .get("pools"))
                            .get("procs");
                    assertThat(d).containsEntry("kind", "processes").containsEntry("workers", 1);
                    // Counted by a listener, not by wrapping the kind: the pool's kind is the one built.
                    assertThat(context.getBean(BackgroundPools.class)
                                    .get("procs")
                                    .kind())
                            .isInstanceOf(ProcessKind.class);

                    context.getBean(BackgroundPools.class).get("procs").shutdownNow();
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(60))
                            .until(() -> ((Map<String, Object>)
                                            indicator.health(true).getDetails().get("procs"))
                                    .get("workers")
                                    .equals(0));
                });
    }

    @Test
    void theEndpointListsAtMostTheTenNewestFailuresNewestFirst() {
        runner.run(context -> {
            BackgroundPool pool = context.getBean(BackgroundPools.class).defaultPool();
            for (int i = 0; i < 15; i++) {
                int k = i;
                pool.run(() -> {
                            throw new IllegalStateException("f" + k);
                        })
                        .exception();
            }
            var failures = BackgroundEndpoint.recentFailures(pool);
            assertThat(failures).hasSize(BackgroundEndpoint.RECENT_FAILURES);
            assertThat(failures.get(0)).containsEntry("message", "f14");
            assertThat(failures.get(9)).containsEntry("message", "f5");
        });
    }

    @Test
    @SuppressWarnings("unchecked")
    void healthIsUpWhileThePoolsRunAndDownWhenOneWasShutDown() {
        runner.run(context -> {
            HealthIndicator indicator = context.getBean("backgroundHealthIndicator", HealthIndicator.class);
            Health health = indicator.health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsOnlyKeys("default", "io");
            assertThat((Map<String, Object>) health.getDetails().get("io"))
                    .containsEntry("kind", "virtual-threads")
                    .containsEntry("n", 7);

            context.getBean(BackgroundPools.class).get("io").shutdown();
            assertThat(indicator.health(true).getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Test
    void healthIsOutOfServiceOnceTheApplicationStops() {
        runner.run(context -> {
            HealthIndicator indicator = context.getBean("backgroundHealthIndicator", HealthIndicator.class);
            context.getBean(BackgroundPools.class).stop();
            assertThat(indicator.health(false).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        });
    }

    @Test
    void theHealthIndicatorCanBeTurnedOff() {
        runner.withPropertyValues("management.health.background.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("backgroundHealthIndicator"));
    }

    @Test
    void thePoolsFiguresAreMetersInTheApplicationsRegistry() {
        runner.run(context -> {
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBeansOfType(MeterBinder.class).values().forEach(b -> b.bindTo(registry));
            BackgroundPool pool = context.getBean(BackgroundPools.class).defaultPool();
            CountDownLatch release = new CountDownLatch(1);
            var blocked = pool.run(() -> {
                release.await();
                return 1;
            });
            assertThat(registry.get("background.pool.pending")
                            .tag("pool", "default")
                            .gauge()
                            .value())
                    .isEqualTo(1.0);
            assertThat(registry.get("background.pool.n")
                            .tag("pool", "io")
                            .tag("kind", "virtual-threads")
                            .gauge()
                            .value())
                    .isEqualTo(7.0);
            // background-micrometer's executor meters, bound per pool; active once the call starts
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> registry.get("executor.active")
                                    .tag("name", "default")
                                    .gauge()
                                    .value()
                            == 1.0);
            assertThat(registry.get("executor.pool.size")
                            .tag("name", "io")
                            .gauge()
                            .value())
                    .isEqualTo(7.0);
            release.countDown();
            blocked.result();
            // the pool stops counting a task just after its future completes
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> registry.get("background.pool.pending")
                                    .tag("pool", "default")
                                    .gauge()
                                    .value()
                            == 0.0);
        });
    }
}
