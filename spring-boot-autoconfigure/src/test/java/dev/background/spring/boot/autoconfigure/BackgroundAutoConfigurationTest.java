package dev.background.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.background.BackgroundPool;
import dev.background.ExecutorKind;
import dev.background.Task;
import dev.background.Tasks;
import dev.background.context.ContextPropagator;
import dev.background.context.ThreadLocalPropagator;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.core.task.TaskDecorator;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.Async;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

class BackgroundAutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    BackgroundAutoConfiguration.class,
                    TaskExecutionAutoConfiguration.class,
                    TaskSchedulingAutoConfiguration.class));

    @Test
    void theDefaultPoolBecomesTheApplicationTaskExecutorAndSpringBootsBacksOff() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            BackgroundPools pools = context.getBean(BackgroundPools.class);
            assertThat(pools.all()).containsOnlyKeys("default");
            assertThat(context.getBeansOfType(BackgroundPool.class)).isEmpty();
            assertThat(pools.defaultPool().kind()).isEqualTo(ExecutorKind.threads());
            Object executor = context.getBean("applicationTaskExecutor");
            assertThat(executor).isInstanceOf(BackgroundTaskExecutor.class);
            assertThat(((BackgroundTaskExecutor) executor).pool()).isSameAs(pools.defaultPool());
            assertThat(context.getBean("taskExecutor")).isSameAs(executor);
            assertThat(context.getBeansOfType(ThreadPoolTaskExecutor.class)).isEmpty();
        });
    }

    @Test
    void propertiesConfigureTheDefaultPoolAndNamedPools() {
        runner.withPropertyValues(
                        "background.n=3",
                        "background.kind=virtual-threads",
                        "background.keep-results=0",
                        "background.pools.io.n=50",
                        "background.pools.io.kind=virtual-threads",
                        "background.pools.cpu.n=2")
                .run(context -> {
                    BackgroundPools pools = context.getBean(BackgroundPools.class);
                    assertThat(pools.all()).containsOnlyKeys("default", "io", "cpu");
                    assertThat(pools.defaultPool().n()).isEqualTo(3);
                    assertThat(pools.defaultPool().kind()).isEqualTo(ExecutorKind.virtualThreads());
                    assertThat(pools.defaultPool().run(() -> 1).result()).isEqualTo(1);
                    assertThat(pools.defaultPool().results()).isEmpty(); // keep-results=0
                    assertThat(pools.get("io").n()).isEqualTo(50);
                    assertThat(pools.get("io").kind()).isEqualTo(ExecutorKind.virtualThreads());
                    assertThat(pools.get("cpu").n()).isEqualTo(2);
                    assertThat(pools.get("cpu").kind()).isEqualTo(ExecutorKind.threads());
                    assertThat(pools.get("cpu").name()).isEqualTo("cpu");
                    assertThatThrownBy(() -> pools.get("gpu"))
                            .isInstanceOf(java.util.NoSuchElementException.class)
                            .hasMessageContaining("[default, io, cpu]")
                            .hasMessageContaining("background.pools.gpu");
                });
    }

    @Test
    void backsOffWhenTheApplicationDefinesItsOwnExecutor() {
        runner.withUserConfiguration(OwnExecutor.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBeansOfType(BackgroundTaskExecutor.class)).isEmpty();
            assertThat(context.getBean(Executor.class)).isSameAs(context.getBean("myExecutor"));
            // The pools are still there to inject.
            assertThat(context).hasSingleBean(BackgroundPools.class);
        });
    }

    @Test
    void backsOffWhenToldTo() {
        runner.withPropertyValues("background.task-executor=false").run(context -> {
            assertThat(context.getBeansOfType(BackgroundTaskExecutor.class)).isEmpty();
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
        });
    }

    @Test
    void aRemoteDefaultPoolLeavesTheTaskExecutorToSpringBoot() {
        runner.withPropertyValues("background.kind=processes").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(BackgroundPools.class)
                            .defaultPool()
                            .kind()
                            .name())
                    .isEqualTo("processes");
            assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(ThreadPoolTaskExecutor.class);
        });
    }

    @Test
    void asyncMethodsReturnTasksCompletableFuturesOrNothingAndAQualifierPicksANamedPool() {
        runner.withUserConfiguration(AsyncApp.class)
                .withPropertyValues("background.pools.io.kind=virtual-threads")
                .run(context -> {
                    Service service = context.getBean(Service.class);
                    Task<String> task = service.task("a");
                    assertThat(task.result(Duration.ofSeconds(10))).startsWith("a on background-default-");

                    CompletableFuture<String> future = service.future("b");
                    assertThat(future.get(10, TimeUnit.SECONDS)).startsWith("b on background-default-");

                    service.nothing();
                    assertThat(service.ranNothing().await(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(service.nothingThread().get()).startsWith("background-default-");

                    Task<String> io = service.io("c");
                    assertThat(io.result(Duration.ofSeconds(10))).startsWith("c on background-io-");
                    assertThat(Thread.currentThread().getName()).doesNotStartWith("background-");
                });
    }

    @Test
    void aFailedAsyncTaskFailsWithTheMethodsException() {
        runner.withUserConfiguration(AsyncApp.class).run(context -> {
            Task<String> task = context.getBean(Service.class).fail();
            assertThat(task.exception(Duration.ofSeconds(10)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("boom");
        });
    }

    @Test
    void aQualifiedExecutorCanBeInjected() {
        runner.withPropertyValues("background.pools.io.n=4")
                .withUserConfiguration(NeedsIo.class)
                .run(context -> {
                    NeedsIo needs = context.getBean(NeedsIo.class);
                    assertThat(((BackgroundTaskExecutor) needs.io).pool().name())
                            .isEqualTo("io");
                    // The default executor, by type alone, is the default pool's.
                    assertThat(context.getBean(AsyncTaskExecutor.class))
                            .isSameAs(context.getBean("applicationTaskExecutor"));
                });
    }

    @Test
    void aRemotePoolsExecutorRefusesPlainTasksWithTheReason() {
        runner.withPropertyValues("background.pools.procs.kind=processes").run(context -> {
            AsyncTaskExecutor procs =
                    context.getBean(NamedPoolExecutorsRegistrar.beanName("procs"), AsyncTaskExecutor.class);
            assertThatThrownBy(() -> procs.execute(() -> {}))
                    .isInstanceOf(RejectedExecutionException.class)
                    .hasMessageContaining("'procs' runs on processes")
                    .hasMessageContaining("@Async methods can")
                    .hasMessageContaining("BackgroundPools.get(\"procs\")");
        });
    }

    @Test
    void theApplicationsTaskDecoratorWrapsEveryAsyncCall() {
        runner.withUserConfiguration(AsyncApp.class, Decorated.class).run(context -> {
            Service service = context.getBean(Service.class);
            Decorated.REQUEST.set("request-42");
            try {
                assertThat(service.request().result(Duration.ofSeconds(10))).isEqualTo("request-42");
                Decorated.REQUEST.set("request-43");
                assertThat(service.request().result(Duration.ofSeconds(10))).isEqualTo("request-43");
                Decorated.REQUEST.set("request-44");
                service.requestVoid();
                assertThat(service.ranNothing().await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(service.nothingThread().get()).isEqualTo("request-44");
            } finally {
                Decorated.REQUEST.remove();
            }
        });
    }

    @Test
    void propagatorsNamedInThePropertiesCarryTheSubmittersContextIntoAsyncCallsOfThatPoolOnly() {
        runner.withUserConfiguration(AsyncApp.class, Propagated.class)
                .withPropertyValues("background.propagators=request", "background.pools.io.n=2")
                .run(context -> {
                    Service service = context.getBean(Service.class);
                    Propagated.REQUEST.set("request-42");
                    try {
                        assertThat(service.propagated().result(Duration.ofSeconds(10)))
                                .isEqualTo("request-42");
                        Propagated.REQUEST.set("request-43");
                        assertThat(service.propagated().result(Duration.ofSeconds(10)))
                                .isEqualTo("request-43");
                        // The pool io was given no propagators: its tasks see nothing of the caller's.
                        assertThat(service.propagatedOnIo().result(Duration.ofSeconds(10)))
                                .isNull();
                    } finally {
                        Propagated.REQUEST.remove();
                    }
                });
    }

    @Test
    void scheduledMethodsRunOnTheDefaultPool() {
        runner.withUserConfiguration(ScheduledApp.class).run(context -> {
            assertThat(context.getBean(TaskScheduler.class)).isNotNull();
            ScheduledApp app = context.getBean(ScheduledApp.class);
            assertThat(app.ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(app.thread.get()).startsWith("background-default-");
        });
    }

    /**
     * Regression guard: the next firing of a cron method waited in the default pool as a delayed
     * task, which its shutdown keeps, so the pools' stop waited for it (up to Spring's 30 s).
     */
    @Test
    void aCronMethodDoesNotDelayThePoolsStop() {
        runner.withUserConfiguration(CronApp.class).run(context -> {
            BackgroundPools pools = context.getBean(BackgroundPools.class);
            assertThat(pools.defaultPool().pending())
                    .as("the cron's next firing")
                    .isEqualTo(1);
            CountDownLatch stopped = new CountDownLatch(1);
            pools.stop(stopped::countDown);
            assertThat(stopped.await(10, TimeUnit.SECONDS))
                    .as("stopped within 10 s")
                    .isTrue();
        });
    }

    @Test
    void theSchedulerBacksOffWhenTheApplicationHasOne() {
        runner.withUserConfiguration(ScheduledApp.class, OwnScheduler.class).run(context -> {
            assertThat(context.getBean(TaskScheduler.class)).isSameAs(context.getBean("myScheduler"));
        });
    }

    // ------------------------------------------------------------------ configurations

    @Configuration(proxyBeanMethods = false)
    static class OwnExecutor {
        @Bean
        ThreadPoolTaskExecutor myExecutor() {
            return new ThreadPoolTaskExecutor();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnScheduler {
        @Bean
        org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler myScheduler() {
            return new org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAsync
    static class AsyncApp {
        @Bean
        Service service() {
            return new Service();
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class NeedsIo {
        final AsyncTaskExecutor io;

        NeedsIo(@Qualifier("io") AsyncTaskExecutor io) {
            this.io = io;
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Decorated {
        static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

        @Bean
        TaskDecorator requestDecorator() {
            return runnable -> {
                String captured = REQUEST.get();
                return () -> {
                    REQUEST.set(captured);
                    try {
                        runnable.run();
                    } finally {
                        REQUEST.remove();
                    }
                };
            };
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Propagated {
        static final ThreadLocal<String> REQUEST = new ThreadLocal<>();

        @Bean
        ContextPropagator<String> requestPropagator() {
            return new ThreadLocalPropagator<>("request", REQUEST);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class ScheduledApp {
        final CountDownLatch ran = new CountDownLatch(1);
        final AtomicReference<String> thread = new AtomicReference<>();

        // Fixed delay: the pool's own scheduling runs it on the pool too (a SimpleAsyncTaskScheduler
        // in front of the pool kept such runs on its own thread).
        @Scheduled(fixedDelay = 10)
        void tick() {
            thread.compareAndSet(null, Thread.currentThread().getName());
            ran.countDown();
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    static class CronApp {
        @Scheduled(cron = "0 0 0 * * *")
        void atMidnight() {}
    }

    static class Service {
        private final CountDownLatch ranNothing = new CountDownLatch(1);
        private final AtomicReference<String> nothingThread = new AtomicReference<>();

        // Methods, not fields: the test holds Spring's subclass proxy, whose own fields are unset.
        public CountDownLatch ranNothing() {
            return ranNothing;
        }

        public AtomicReference<String> nothingThread() {
            return nothingThread;
        }

        @Async
        public Task<String> task(String s) {
            return Tasks.completed(s + " on " + Thread.currentThread().getName());
        }

        @Async
        public CompletableFuture<String> future(String s) {
            return CompletableFuture.completedFuture(
                    s + " on " + Thread.currentThread().getName());
        }

        @Async
        public void nothing() {
            nothingThread.set(Thread.currentThread().getName());
            ranNothing.countDown();
        }

        @Async("io")
        public Task<String> io(String s) {
            return Tasks.completed(s + " on " + Thread.currentThread().getName());
        }

        @Async
        public Task<String> fail() {
            throw new IllegalStateException("boom");
        }

        @Async
        public Task<String> request() {
            return Tasks.completed(Decorated.REQUEST.get());
        }

        @Async
        public Task<String> propagated() {
            return Tasks.completed(Propagated.REQUEST.get());
        }

        @Async("io")
        public Task<String> propagatedOnIo() {
            return Tasks.completed(Propagated.REQUEST.get());
        }

        @Async
        public void requestVoid() {
            nothingThread.set(Decorated.REQUEST.get());
            ranNothing.countDown();
        }
    }
}
